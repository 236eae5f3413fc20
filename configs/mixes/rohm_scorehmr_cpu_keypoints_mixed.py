# Mixing papers: the keypoint-only regression refined by RoHM (configs/rohm/gvhmr_rohm_cpu_keypoints_mixed.py), then
# by ScoreHMR (the shipped keypoint ScoreHMR prior). Evaluate with the regression checkpoint; both refiners load their
# own weights. docs/mixing.md.
_base_ = ['../rohm/gvhmr_rohm_cpu_keypoints_mixed.py', '../_base_/models/scorehmr.py']
keypoint_prior = dict(_base_.scorehmr_prior_cpu, condition='keypoints')
scorehmr_refiner = dict(_base_.scorehmr_refiner_cpu, prior=keypoint_prior,
                        prior_checkpoint='checkpoints/scorehmr_prior_cpu_keypoints_mixed/model.pth')
# RoHM at 100 PoseNet steps (docs/rohm.md's operating point) as its own setting: the recoverer's num_steps would also
# set ScoreHMR's DDIM steps
rohm_refiner = dict(_base_.rohm_refiner, num_steps=100)
model = dict(num_steps=None, stages=[_base_.regression_stage, rohm_refiner, scorehmr_refiner])
