# Mixing papers: the shipped keypoint-only FactorizedHMR followed by ScoreHMR's refinement (the shipped keypoint
# ScoreHMR prior). Evaluate with the FactorizedHMR checkpoint; the refiner loads its prior itself. docs/mixing.md.
_base_ = ['../factorizedhmr/factorizedhmr_cpu_keypoints_mixed.py', '../_base_/models/scorehmr.py']
keypoint_prior = dict(_base_.scorehmr_prior_cpu, condition='keypoints')
scorehmr_refiner = dict(_base_.scorehmr_refiner_cpu, prior=keypoint_prior,
                        prior_checkpoint='checkpoints/scorehmr_prior_cpu_keypoints_mixed/model.pth')
model = dict(stages=_base_.model.stages + [scorehmr_refiner])
