# Mixing papers: the shipped MoRo (VQ masked tokens) followed by ScoreHMR's refinement (the shipped keypoint ScoreHMR
# prior). Evaluate with the MoRo checkpoint; the refiner loads its prior itself. docs/mixing.md.
_base_ = ['../moro/moro_cpu_keypoints_mixed.py', '../_base_/models/scorehmr.py']
keypoint_prior = dict(_base_.scorehmr_prior_cpu, condition='keypoints')
scorehmr_refiner = dict(_base_.scorehmr_refiner_cpu, prior=keypoint_prior,
                        prior_checkpoint='checkpoints/scorehmr_prior_cpu_keypoints_mixed/model.pth')
# num_steps=None: each stage keeps its own step count (MoRo T = 5 from its head config); the recoverer's would set
# every generative stage's
model = dict(num_steps=None, stages=_base_.model.stages + [scorehmr_refiner])
