# Options of the recovery demo (tools/demo.py); each demo config sets its model and checkpoint.
demo = dict(
    checkpoint=None,      # relative to the repository if not found here
    input=None,           # a .npz / .json keypoint file; None = a synthetic test sequence
    seed=0,               # which synthetic test sequence
    severity='heavy',     # its occlusion: none / mild / heavy
    num_frames=300,       # its length (longer than the model's 120-frame window: windowed inference)
    animation_step=3,     # every n-th frame goes into the GIF
    num_samples=1,        # hypotheses to draw (generative models; a regression model repeats its one answer)
    noise_seed=0,         # torch seed of the sampling noise (generative models give the same numbers every run)
)
