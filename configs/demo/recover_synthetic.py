# The main demo (`make demo`): recover a synthetic test sequence with the shipped CPU-size GVHMR-style
# model. Use your own keypoints with `demo.input=/path/keypoints.npz` (format: docs/demo.md), another
# sequence with `demo.seed=3`, no occlusion with `demo.severity=none`.
_base_ = ['../gvhmr/gvhmr_cpu_synthetic.py']
demo = dict(
    checkpoint='checkpoints/gvhmr_cpu_synthetic/model.pth',  # relative to the repository if not found here
    input=None,           # a .npz / .json keypoint file; None = a synthetic test sequence
    seed=0,               # which synthetic test sequence
    severity='heavy',     # its occlusion: none / mild / heavy
    num_frames=300,       # its length (longer than the model's 120-frame window: windowed inference)
    animation_step=3,     # every n-th frame goes into the GIF
    num_samples=1,        # hypotheses to draw (generative models; a regression model repeats its one answer)
)
