# Mixing papers: the shipped GVHMR-style regression model (configs/gvhmr/gvhmr_cpu_synthetic.py) followed by
# ScoreHMR's refinement (keypoint + temporal guidance) with the shipped CPU-size ScoreHMR prior. Evaluate with
# the regression checkpoint: the prior's weights come from its own checkpoint (prior_checkpoint).
_base_ = ['../gvhmr/gvhmr_cpu_synthetic.py', '../_base_/models/scorehmr.py']
model = dict(refiners=[dict(
    type='ScoreHMRRefiner', prior={{_base_.scorehmr_prior_cpu}},
    prior_checkpoint='checkpoints/scorehmr_prior_cpu_synthetic/model.pth',
    guidance=dict(keypoints={{_base_.keypoint_guidance}}, temporal={{_base_.temporal_guidance}}),
    tau=50, step=2, scale=1.0, max_rounds=10, rel_tol=1e-3, camera_lr=1e-2)])
