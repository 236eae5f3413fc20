# Recover a synthetic test sequence with the DDPM completion head in FactorizedHMR's Stage-2 slot (the mix of
# configs/mixes/factorizedhmr_ddpm_cpu_keypoints_mixed.py, keypoint-only inputs) and draw 5 hypotheses of the
# non-torso articulation and world motion around the one Stage-1 anchor, in one batched pass.
_base_ = ['../mixes/factorizedhmr_ddpm_cpu_keypoints_mixed.py', '../_base_/demo.py']
demo = dict(checkpoint='checkpoints/factorizedhmr_ddpm_cpu_keypoints_mixed/model.pth', num_samples=5)
