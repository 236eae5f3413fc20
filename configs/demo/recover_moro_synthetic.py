# Recover a synthetic test sequence with the shipped CPU-size MoRo (keypoint-only inputs) and draw 5 hypotheses: the
# first decoded greedily, as the paper does, the others by sampling token ids at temperature 1 (docs/moro.md), all in
# one batched pass. Same options as recover_synthetic.py (configs/_base_/demo.py).
_base_ = ['../moro/moro_cpu_keypoints_mixed.py', '../_base_/demo.py']
demo = dict(checkpoint='checkpoints/moro_cpu_keypoints_mixed/model.pth', num_samples=5)
