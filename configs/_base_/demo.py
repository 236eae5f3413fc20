# Options of the recovery demo (tools/demo.py); each demo config sets its model and checkpoint.
demo = dict(
    checkpoint=None,      # relative to the repository if not found here
    # the model for a user file without img_feat when the configured one reads image features (the demo says so);
    # config None: zeros stand in for the features
    keypoint_only=dict(config=None, checkpoint=None),
    input=None,           # a keypoint file (.npz / .json), COCO results .json, OpenPose folder or MMPose .json;
                          # None = a synthetic test sequence (docs/demo.md, "Your own keypoints")
    track_id=None,        # the person to keep in a detector file (default: the longest track, else the best score)
    K=None,               # intrinsics [fx, fy, cx, cy] (or 3 x 3) for files without K
    image_size=None,      # [W, H]: with no K, K is guessed: principal point at the centre, focal from fov_deg
    fov_deg=None,         # field of view across the longer side; None: focal = sqrt(W^2 + H^2) (GVHMR's guess)
    fps=None,             # frame rate of a detector file (default 30)
    seed=0,               # which synthetic test sequence
    severity='heavy',     # its occlusion: none / mild / heavy
    num_frames=300,       # its length (longer than the model's 120-frame window: windowed inference)
    animation_step=3,     # every n-th frame goes into the GIF
    num_samples=1,        # hypotheses to draw (generative models; a regression model repeats its one answer)
    noise_seed=0,         # torch seed of the sampling noise (generative models give the same numbers every run)
)
