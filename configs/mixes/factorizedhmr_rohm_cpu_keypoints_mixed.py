# Mixing papers: RoHM (paper 5.4, the video setting) refining the shipped keypoint-only FactorizedHMR. RoHM runs 100
# PoseNet steps (its documented operating point, docs/rohm.md); FactorizedHMR keeps its own step count (the stages'
# own num_steps: model.num_steps would set both). Evaluate with the FactorizedHMR checkpoint. docs/mixing.md.
_base_ = ['../factorizedhmr/factorizedhmr_cpu_keypoints_mixed.py', '../_base_/models/rohm.py']
model = dict(stages=_base_.model.stages + [dict(_base_.rohm_refiner_cpu, inputs=('completion',), num_steps=100)])
