"""Per-joint statistics of body motion, to compare the procedural generator with real mocap.

For each of the 21 body-pose joints: the Euler angles of its local rotation in the joint-limit table's
parametrisation (``limits.matrices_to_pose``: angles about the joint's x, y, z axes, each joint in its own
order), their 5th-95th percentile range per axis, the rotation angle from rest, and the angular speed
(geodesic angle between consecutive frames times the frame rate). ``coverage`` is the share of the real
frames whose three angles all lie inside the synthetic data's 1st-99th percentile box widened by
``TOLERANCE_DEG`` on every side (a hinge the generator never twists still covers a real knee's few degrees
of retargeting twist): 1 means the generator spans what real people do with that joint.
"""
import numpy as np
import roma
import torch

from unihmr.body.joint_sets import BODY_JOINT_NAMES
from unihmr.data.synthetic.motion.limits import matrices_to_pose

POSE_NAMES = BODY_JOINT_NAMES[1:]
TOLERANCE_DEG = 5.0


def joint_angles(body_pose) -> tuple:
    """Euler angles (N, 21, 3) degrees and rotation angles (N, 21) degrees of axis-angle ``body_pose`` (N, 21, 3)."""
    rotations = roma.rotvec_to_rotmat(torch.as_tensor(np.asarray(body_pose), dtype=torch.float64)).numpy()
    return np.degrees(matrices_to_pose(rotations)), np.degrees(np.linalg.norm(np.asarray(body_pose), axis=-1))


def angular_speed(body_pose, fps: float) -> np.ndarray:
    """Angular speed (N - 1, 21) in degrees per second of one sequence's ``body_pose`` (N, 21, 3)."""
    rotations = roma.rotvec_to_rotmat(torch.as_tensor(np.asarray(body_pose), dtype=torch.float64))
    step = roma.rotmat_geodesic_distance(rotations[1:], rotations[:-1]).numpy()
    return np.degrees(step) * fps


def summarize(sequences, fps: float) -> dict:
    """Statistics of a list of ``body_pose`` (N_i, 21, 3) sequences at ``fps``: per joint arrays."""
    euler, angle = zip(*(joint_angles(pose) for pose in sequences))
    speed = np.concatenate([angular_speed(pose, fps) for pose in sequences if len(pose) > 1])
    euler, angle = np.concatenate(euler), np.concatenate(angle)
    return dict(frames=len(angle), euler=euler, euler_p5=np.percentile(euler, 5, axis=0),
                euler_p95=np.percentile(euler, 95, axis=0), angle_p50=np.median(angle, 0),
                angle_p95=np.percentile(angle, 95, axis=0), speed_p50=np.median(speed, 0),
                speed_p95=np.percentile(speed, 95, axis=0))


def coverage(synthetic: dict, real: dict) -> np.ndarray:
    """Per joint (21,): share of the real frames inside the synthetic 1st-99th percentile box of the three angles,
    widened by ``TOLERANCE_DEG``."""
    low = np.percentile(synthetic['euler'], 1, axis=0) - TOLERANCE_DEG
    high = np.percentile(synthetic['euler'], 99, axis=0) + TOLERANCE_DEG
    inside = ((real['euler'] >= low) & (real['euler'] <= high)).all(-1)
    return inside.mean(0)


def table(synthetic: dict, real: dict) -> str:
    """A markdown table comparing the two summaries joint by joint."""
    share = coverage(synthetic, real)
    rows = ['| joint | rotation p95 (deg), synthetic / real | speed p95 (deg/s), synthetic / real | '
            'widest axis range p5-p95 (deg), synthetic / real | real frames inside the synthetic box (+-5 deg) |',
            '|---|---|---|---|---|']
    for j, name in enumerate(POSE_NAMES):
        widths_s = synthetic['euler_p95'][j] - synthetic['euler_p5'][j]
        widths_r = real['euler_p95'][j] - real['euler_p5'][j]
        axis = int(np.argmax(widths_r))
        rows.append(f"| {name} | {synthetic['angle_p95'][j]:.0f} / {real['angle_p95'][j]:.0f} | "
                    f"{synthetic['speed_p95'][j]:.0f} / {real['speed_p95'][j]:.0f} | "
                    f"{'xyz'[axis]}: {widths_s[axis]:.0f} / {widths_r[axis]:.0f} | {100 * share[j]:.0f}% |")
    return '\n'.join(rows)


def figure(synthetic: dict, real: dict, path) -> None:
    """Per-joint bars: rotation p95 and speed p95, synthetic next to real (PNG, written atomically)."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    from unihmr.utils.io import atomic_path
    x = np.arange(len(POSE_NAMES))
    fig, axes = plt.subplots(2, 1, figsize=(12, 6.5), sharex=True)
    for ax, key, label in ((axes[0], 'angle_p95', 'rotation from rest, p95 (deg)'),
                           (axes[1], 'speed_p95', 'angular speed, p95 (deg/s)')):
        ax.bar(x - 0.2, synthetic[key], 0.4, label=f"synthetic ({synthetic['frames']} frames)")
        ax.bar(x + 0.2, real[key], 0.4, label=f"real ({real['frames']} frames)")
        ax.set_ylabel(label)
        ax.grid(axis='y', alpha=0.3)
    axes[0].legend()
    axes[1].set_xticks(x, POSE_NAMES, rotation=60, ha='right')
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=90)
    plt.close(fig)
