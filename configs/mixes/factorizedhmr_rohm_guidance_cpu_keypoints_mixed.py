# Mixing papers: RoHM's video guidance (2D keypoint reprojection and foot skating, active for levels t <= 100 of
# 1,000, i.e. the last tenth of the flow's integration) inside the shipped keypoint-only FactorizedHMR's flow
# sampling: the field becomes v - energy_scale * grad E(x1_hat), the gradient taken at the clean estimate as RoHM
# takes it at x0_hat (heads.completion). FactorizedHMR predicts no contacts, so the skating energy counts the feet
# whose own speed is below 0.3 m/s (contact='speed'). The step and the weights were chosen on the validation split
# (scripts/flow_guidance_search.sh, docs/mixing.md): the lowest validation MPJPE came with the keypoint term alone at
# energy_scale 0.01; every step that let the skating term act roughened the feet (more foot sliding and jitter), so
# its weight is 0 here (model.stages.1.energies.skating.weight=1000 turns RoHM's weight back on). Evaluate with the
# FactorizedHMR checkpoint. docs/mixing.md.
_base_ = ['../factorizedhmr/factorizedhmr_cpu_keypoints_mixed.py', '../_base_/models/rohm.py']
rohm_energies = dict(keypoints=_base_.keypoint_guidance_video,
                     skating=dict(_base_.skating_guidance_video, contact='speed', weight=0.0))
model = dict(stages=[_base_.model.stages[0], dict(_base_.model.stages[1], energies=rohm_energies, energy_scale=0.01)])
