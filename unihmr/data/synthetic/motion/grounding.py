"""Ground contact: contact labels from ground-truth feet, and sole heights for checking grounding.

Contact rule (``contact_labels``): a feet joint (left/right ankle, left/right foot = toe base, in
``FEET_JOINT_NAMES`` order, the order of the data contract's ``contact``) is in contact at frame t when

- it is at most ``CONTACT_HEIGHT`` (5 mm) above where it sits when that foot stands flat on the ground
  (``Rig.ankle_height`` / ``Rig.ball_height``: the shape's own ankle and toe-base heights), and
- its speed (central difference, one-sided at the ends) is below ``CONTACT_SPEED`` (0.3 m/s, i.e. 1 cm per
  frame at 30 fps: the displacement under which the foot-sliding metric counts a foot as in contact), and its
  vertical speed below ``CONTACT_VERTICAL_SPEED`` (0.1 m/s): a heel still coming down is not yet in contact.

So an ankle is in contact while the heel is down (it is released within a few degrees of heel rise) and a
toe-base joint while the forefoot is down; a foot low but moving (a shuffle) or still but lifted is not.
A single frame without contact between two contact frames (the heel rocking down after a heel strike) is
labelled in contact.

Recorded motion (mocap fits, retargeted BVH) never puts a foot exactly at the body's flat-foot height, nor on
one flat floor: the retargeted CMU feet plant 0.5-3 cm above it, one side higher than the other, and the planted
feet of some walks rise 1-3 cm per metre travelled (a capture floor not quite level). ``recorded_contact_labels``
therefore measures height against the *local floor*: the lowest feet-joint offset above flat-foot height within
``LOCAL_FLOOR_SECONDS`` of the frame; a feet joint is low within ``RECORDED_CONTACT_HEIGHT`` of it, and still by
the same speeds (``unihmr.data.datasets.sequence_ops.prepare_sequence`` labels real sequences so).
"""
import numpy as np
import torch

from unihmr.body.joint_sets import FEET_JOINT_NAMES, FEET_JOINTS

from .rig import Rig

CONTACT_HEIGHT = 0.005  # m above the joint's flat-foot height
CONTACT_SPEED = 0.3  # m/s
CONTACT_VERTICAL_SPEED = 0.1  # m/s
LOCAL_FLOOR_SECONDS = 0.5  # recorded motion: the local floor is the lowest foot within this many seconds
RECORDED_CONTACT_HEIGHT = 0.03  # m above the local floor (recorded motion)


def joint_velocity(positions: np.ndarray, fps: float) -> np.ndarray:
    """Velocity (T, J, 3) in m/s of positions (T, J, 3): central differences, one-sided at the ends."""
    if positions.shape[0] < 2:
        return np.zeros(positions.shape)
    padded = np.concatenate([positions[:1], positions, positions[-1:]], axis=0)
    span = np.full((positions.shape[0], 1, 1), 2.0)
    span[[0, -1]] = 1.0
    return (padded[2:] - padded[:-2]) / span * fps


def flat_heights(rig: Rig) -> np.ndarray:
    """(4,) heights of the feet joints (``FEET_JOINT_NAMES`` order) when the feet stand flat on the ground."""
    flat = {'ankle': rig.ankle_height, 'foot': rig.ball_height}
    return np.array([flat[name.split('_')[1]][0 if name.startswith('left') else 1] for name in FEET_JOINT_NAMES])


def _still(feet: np.ndarray, fps: float) -> np.ndarray:
    velocity = joint_velocity(feet, fps)
    return (np.linalg.norm(velocity, axis=-1) < CONTACT_SPEED) & (np.abs(velocity[..., 1]) < CONTACT_VERTICAL_SPEED)


def recorded_contact_labels(joints: np.ndarray, rig: Rig, fps: float) -> np.ndarray:
    """Contact (T, 4) in {0, 1} (float32) of recorded motion, against the local floor (module docstring).

    joints (T, 22, 3) world joints, y up."""
    feet = joints[:, list(FEET_JOINTS)]
    offsets = feet[..., 1] - flat_heights(rig)  # (T, 4) above flat-foot height
    reach = int(round(LOCAL_FLOOR_SECONDS * fps))
    lowest = np.pad(offsets.min(-1), reach, mode='edge')
    floor = np.lib.stride_tricks.sliding_window_view(lowest, 2 * reach + 1).min(-1)  # (T,)
    return _fill_single_gaps((offsets - floor[:, None] < RECORDED_CONTACT_HEIGHT) & _still(feet, fps))


def contact_labels(joints: np.ndarray, rig: Rig, fps: float) -> np.ndarray:
    """Contact (T, 4) in {0, 1} (float32) from world joints (T, 22, 3), y up, ground at y = 0."""
    feet = joints[:, list(FEET_JOINTS)]
    return _fill_single_gaps((feet[..., 1] - flat_heights(rig) < CONTACT_HEIGHT) & _still(feet, fps))


def _fill_single_gaps(contact: np.ndarray) -> np.ndarray:
    """(T, 4) bool -> float32, a single frame without contact between two contact frames set in contact."""
    contact = contact.copy()
    contact[1:-1] |= contact[:-2] & contact[2:]
    return contact.astype(np.float32)


def foot_vertex_ids(body_model, threshold: float = 0.5) -> tuple:
    """Mesh vertex indices (left, right) of each foot: skin weight of ankle + toe joints above ``threshold``.

    Needs a body model with ``shape_space.skin_matrix`` and ``joint_names`` (the embedded model).
    """
    weights = body_model.shape_space.skin_matrix
    names = body_model.joint_names
    out = []
    for side in ('L', 'R'):
        columns = [names.index(f'{side}_Ankle'), names.index(f'{side}_Toe')]
        out.append(torch.nonzero(weights[:, columns].sum(-1) > threshold)[:, 0])
    return tuple(out)


def sole_heights(body_model, motion: dict) -> np.ndarray:
    """Lowest mesh point of each foot per frame, (T, 2) metres (poses the full mesh: for checks, not speed)."""
    with torch.no_grad():
        out = body_model(global_orient=motion['global_orient_w'], body_pose=motion['body_pose'],
                         betas=motion['betas'], transl=motion['transl_w'], return_verts=True)
    ids = foot_vertex_ids(body_model)
    return torch.stack([out.vertices[:, idx, 1].amin(-1) for idx in ids], dim=-1).double().numpy()
