"""Secondary motion: the small, ongoing movement of the joints that the motion families leave nearly still.

Real people bend and twist the spine, look around with the neck and head, shrug the collars and move the
elbows and wrists all the time (``tools/motion_stats.py``: in the CMU clips the spine reaches 15-33 degrees at
the 95th percentile where the families gave 5, the wrists 67-82 where they gave 6). Every sequence gets a
band-limited random offset (``curves.smooth_noise``) on these joints, scaled by a per-sequence liveliness
and a per-channel amplitude drawn up to ``AMPLITUDE``; elbows only bend further (flexion is one-sided), the
head and neck drift slower (looks). The solver clips the result to the joint limits.

It is opt-in (``sample_motion(..., secondary=True)``, ``SyntheticMotionDataset(secondary_motion=True)``): the
synthetic benchmark splits and the models trained on them stay as they were; the real-motion training mix
(``configs/_base_/datasets/mixed_real_motion.py``) turns it on.
"""
import numpy as np

from .curves import smooth_noise
from .limits import pose_index

# joint -> maximum amplitude (rad) about its x, y, z axes (``limits`` parametrisation; right side mirrored)
AMPLITUDE = {
    'spine1': (0.60, 0.35, 0.25), 'spine2': (0.35, 0.30, 0.20), 'spine3': (0.30, 0.25, 0.15),
    'neck': (0.45, 0.80, 0.30), 'head': (0.60, 0.90, 0.35),
    'collar': (0.15, 0.25, 0.35), 'shoulder': (0.60, 0.50, 0.40), 'wrist': (1.60, 0.60, 1.00),
}
ELBOW_FLEXION = 1.2  # rad: largest extra elbow flexion
LIVELINESS = (0.3, 1.0)  # per-sequence scale of every amplitude
BANDS = {'neck': (0.1, 0.8), 'head': (0.1, 0.8), 'shoulder': (0.3, 2.5), 'wrist': (0.3, 2.5)}  # Hz; looks are slower
DEFAULT_BAND = (0.2, 1.5)
SIDES = (('left', 1.0), ('right', -1.0))


def _channels():
    """[(pose index, axis, amplitude, band)] of every driven Euler angle."""
    out = []
    for name, amplitudes in AMPLITUDE.items():
        joints = [(f'{side}_{name}', sign) for side, sign in SIDES] if name in ('collar', 'shoulder', 'wrist') \
            else [(name, 1.0)]
        for joint, sign in joints:
            for axis, amplitude in enumerate(amplitudes):
                mirrored = amplitude * (sign if axis > 0 else 1.0)  # right side: y and z angles mirrored
                out.append((pose_index(joint), axis, mirrored, BANDS.get(name, DEFAULT_BAND)))
    return out


CHANNELS = _channels()


def secondary_pose(rng: np.random.Generator, frames: int, fps: float) -> np.ndarray:
    """Euler-angle offsets (frames, 21, 3) to add to a plan's pose (legs are ignored by the solver)."""
    t = np.arange(frames) / fps
    scale = rng.uniform(*LIVELINESS)
    offsets = np.zeros((frames, 21, 3))
    for joint, axis, amplitude, band in CHANNELS:
        offsets[:, joint, axis] += scale * rng.uniform(0.3, 1.0) * amplitude * smooth_noise(rng, t, 1, *band)[:, 0]
    for side, sign in SIDES:  # elbow flexion is y < 0 on the left (mirrored on the right): bend further only
        bend = np.abs(smooth_noise(rng, t, 1, 0.3, 2.5)[:, 0])
        offsets[:, pose_index(f'{side}_elbow'), 1] -= sign * scale * rng.uniform(0.3, 1.0) * ELBOW_FLEXION * bend
    return offsets
