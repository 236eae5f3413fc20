# Keypoint-only track (issue 15): the keypoint-only CPU regression model (configs/gvhmr/gvhmr_cpu_keypoints_mixed.py)
# followed by ScoreHMR's refinement with the keypoint-conditioned prior (scorehmr_prior_cpu_keypoints_mixed.py), at
# the image-feature track's guidance weights. Evaluate with the regression checkpoint.
_base_ = ['../gvhmr/gvhmr_cpu_keypoints_mixed.py', '../_base_/models/scorehmr.py']
keypoint_prior = dict(_base_.scorehmr_prior_cpu, condition='keypoints')
model = dict(stages=[_base_.regression_stage,
                     dict(_base_.scorehmr_refiner_cpu, prior=keypoint_prior,
                          prior_checkpoint='checkpoints/scorehmr_prior_cpu_keypoints_mixed/model.pth')])
