# Mixing papers: the shipped FactorizedHMR (configs/factorizedhmr/factorizedhmr_cpu_synthetic.py) followed by
# ScoreHMR's refinement with the shipped CPU-size ScoreHMR prior. Evaluate with the FactorizedHMR checkpoint.
_base_ = ['../factorizedhmr/factorizedhmr_cpu_synthetic.py', '../_base_/models/scorehmr.py']
model = dict(refiners=[dict(
    type='ScoreHMRRefiner', prior={{_base_.scorehmr_prior_cpu}},
    prior_checkpoint='checkpoints/scorehmr_prior_cpu_synthetic/model.pth',
    guidance=dict(keypoints={{_base_.keypoint_guidance}}, temporal={{_base_.temporal_guidance}}),
    tau=50, step=2, scale=1.0, max_rounds=10, rel_tol=1e-3, camera_lr=1e-2)])
