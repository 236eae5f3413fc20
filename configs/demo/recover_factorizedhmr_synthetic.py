# Recover a synthetic test sequence with the shipped CPU-size FactorizedHMR and draw 5 hypotheses of the
# non-torso articulation (their spread is drawn behind the first one). Same options as recover_synthetic.py.
_base_ = ['../factorizedhmr/factorizedhmr_cpu_synthetic.py']
demo = dict(
    checkpoint='checkpoints/factorizedhmr_cpu_synthetic/model.pth',  # relative to the repository if not found here
    input=None,           # a .npz / .json keypoint file; None = a synthetic test sequence
    seed=0,               # which synthetic test sequence
    severity='heavy',     # its occlusion: none / mild / heavy
    num_frames=300,       # its length (longer than the model's 120-frame window: windowed inference)
    animation_step=3,     # every n-th frame goes into the GIF
    num_samples=5,        # hypotheses drawn in one batched pass
)
