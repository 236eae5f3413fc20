"""Human joint limits for the 21 body-pose rotations, as Euler-angle boxes; clamping and checking.

Parametrisation. mannequin-x's ``wooden.npz`` lists, for each of its 53 actuated joints (in its own
depth-first order: left leg, right leg, spine, head, left arm, right arm, fingers), three ``hinge``
entries named after the joint, i.e. three rotation angles about the joint's x, y and z axes, and
``actuated_joint_limits`` (159, 2) gives [low, high] for each. In mannequin-x 0.3.0 every one of these
limits is [-3.14159, 3.14159] and the runtime never reads them: they bound nothing, so any rotation
whose angles are taken in the principal range satisfies them. We keep them (``mannequin_limits``,
mapped to SMPL-X joint names) and intersect them with a human table, ``HUMAN_LIMITS``, in the same
three-angle form: angles about the joint's local (parent-aligned) x, y and z axes. They are composed
intrinsically x then y then z (``Rx @ Ry @ Rz``) except where that order would put a gimbal singularity
inside the human range: the elbow goes y (flexion) first (``Ry @ Rz @ Rx``) and the shoulder z (raise
from the T-pose) first, then x (twist), then y (swing) (``Rz @ Rx @ Ry``), so the middle angle of every
joint stays far from 90 degrees.

Local axes at rest (SMPL-X, body facing +z, y up, x to the body's left). Left-side ranges, in degrees;
right-side ranges are their mirror images (x kept, y and z negated). Values follow clinical
range-of-motion norms (AAOS), slightly widened where SMPL-X joints share motion (spine, neck/head).
"""
from importlib.resources import files

import numpy as np

from unihmr.body.joint_sets import BODY_JOINT_NAMES

from unihmr.data.synthetic.np_rotations import euler_to_rotvec, matrix_to_euler, rotvec_to_matrix

POSE_NAMES = BODY_JOINT_NAMES[1:]  # the 21 rotations of body_pose
SPECIAL_ORDERS = {'elbow': 'yzx', 'shoulder': 'zxy'}
JOINT_ORDERS = tuple(SPECIAL_ORDERS.get(name.split('_')[-1], 'xyz') for name in POSE_NAMES)
ORDER_GROUPS = {order: [j for j, o in enumerate(JOINT_ORDERS) if o == order] for order in sorted(set(JOINT_ORDERS))}
# A cyclic order is 'xyz' in cyclically relabelled axes: per joint, the axis index of each of its three angles.
_CYCLE = np.array([['xyz'.index(axis) for axis in order] for order in JOINT_ORDERS])  # (21, 3)
_RELABEL = (3 * np.arange(len(POSE_NAMES))[:, None] + _CYCLE).ravel()  # flat (21 * 3) gather index
_UNLABEL = np.argsort(_RELABEL)

# name (left side / centre) -> ((x_lo, x_hi), (y_lo, y_hi), (z_lo, z_hi)) in degrees.
HUMAN_LIMITS_DEG = {
    'hip': ((-125, 30), (-45, 45), (-30, 50)),        # x<0 flexion, y internal/external rotation, z>0 abduction
    'knee': ((-3, 150), (-12, 12), (-12, 12)),        # x>0 flexion
    'ankle': ((-40, 50), (-30, 30), (-25, 25)),       # x<0 dorsiflexion, x>0 plantarflexion
    'foot': ((-65, 40), (-25, 25), (-25, 25)),        # toes: x<0 extension; y/z: the toe break is oblique
    'spine1': ((-25, 45), (-25, 25), (-25, 25)),      # x>0 flexion (bend forward), y twist, z side bend
    'spine2': ((-20, 35), (-20, 20), (-20, 20)),
    'spine3': ((-20, 35), (-20, 20), (-20, 20)),
    'neck': ((-40, 45), (-50, 50), (-30, 30)),        # x>0 flexion (chin down), y turn
    'head': ((-35, 35), (-40, 40), (-25, 25)),
    'collar': ((-25, 25), (-30, 30), (-20, 35)),      # z>0 elevation (shrug)
    'shoulder': ((-85, 85), (-170, 60), (-100, 100)),  # from the T-pose: z<0 lowers, x twists, y<0 swings fwd
    'elbow': ((-90, 90), (-150, 5), (-15, 15)),         # y<0 flexion, x forearm twist
    'wrist': ((-80, 80), (-35, 35), (-75, 75)),
}
MANNEQUIN_NAMES = {  # mannequin joint -> SMPL-X body joint
    'Torso': 'spine1', 'Spine': 'spine2', 'Chest': 'spine3', 'Neck': 'neck', 'Head': 'head',
    **{f'{s}_{m}': f'{side}_{n}' for s, side in (('L', 'left'), ('R', 'right')) for m, n in (
        ('Hip', 'hip'), ('Knee', 'knee'), ('Ankle', 'ankle'), ('Toe', 'foot'), ('Thorax', 'collar'),
        ('Shoulder', 'shoulder'), ('Elbow', 'elbow'), ('Wrist', 'wrist'))},
}


def _human_limits() -> np.ndarray:
    """(21, 3, 2) radians, right side mirrored from the left."""
    out = np.zeros((len(POSE_NAMES), 3, 2))
    for j, name in enumerate(POSE_NAMES):
        side, _, base = name.partition('_') if name.startswith(('left_', 'right_')) else ('', '', name)
        box = np.radians(np.asarray(HUMAN_LIMITS_DEG[base], dtype=np.float64))
        if side == 'right':
            box[1:] = -box[1:, ::-1]
        out[j] = box
    return out


def mannequin_limits() -> np.ndarray:
    """mannequin-x's ``actuated_joint_limits`` for the 21 body-pose joints, (21, 3, 2) radians (x, y, z hinges)."""
    with (files('mannequin') / 'assets' / 'wooden.npz').open('rb') as handle, np.load(handle) as data:
        names, limits = data['actuated_joint_names'], data['actuated_joint_limits']
    out = np.zeros((len(POSE_NAMES), 3, 2))
    for j, pose_name in enumerate(POSE_NAMES):
        source = next(k for k, v in MANNEQUIN_NAMES.items() if v == pose_name)
        rows = np.flatnonzero(names == source)
        assert len(rows) == 3, f'{source}: expected 3 hinges in wooden.npz, found {len(rows)}'
        out[j] = limits[rows]
    return out


HUMAN_LIMITS = _human_limits()
MANNEQUIN_LIMITS = mannequin_limits()
LIMITS = np.stack([np.maximum(HUMAN_LIMITS[..., 0], MANNEQUIN_LIMITS[..., 0]),
                   np.minimum(HUMAN_LIMITS[..., 1], MANNEQUIN_LIMITS[..., 1])], axis=-1)  # (21, 3, 2)


def pose_index(name: str) -> int:
    """Index into body_pose (0..20) of a body joint name."""
    return POSE_NAMES.index(name)


def clamp_euler(angles: np.ndarray) -> np.ndarray:
    """Clip body-pose Euler angles (..., 21, 3) to ``LIMITS``."""
    return np.clip(angles, LIMITS[..., 0], LIMITS[..., 1])


def pose_to_rotvecs(angles: np.ndarray, dtype=np.float64) -> np.ndarray:
    """Body-pose Euler angles (..., 21, 3) -> axis-angle body_pose (..., 21, 3), each joint in its order.

    Every order used is a cyclic relabelling of 'xyz' (a proper rotation of the axes), so all joints are
    converted in one 'xyz' call on relabelled angles and the rotation vectors are relabelled back."""
    flat = angles.reshape(angles.shape[:-2] + (-1,))
    relabelled = euler_to_rotvec(flat[..., _RELABEL].reshape(angles.shape), 'xyz', dtype)
    return relabelled.reshape(flat.shape)[..., _UNLABEL].reshape(angles.shape)


def matrices_to_pose(R: np.ndarray) -> np.ndarray:
    """Rotation matrices (..., 21, 3, 3) -> body-pose Euler angles (..., 21, 3) in each joint's order."""
    out = np.empty(R.shape[:-1])
    for order, joints in ORDER_GROUPS.items():
        out[..., joints, :] = matrix_to_euler(R[..., joints, :, :], order)
    return out


def limit_violation(body_pose) -> np.ndarray:
    """How far (radians, >= 0) each body-pose angle lies outside ``LIMITS``: axis-angle (..., 21, 3) -> (..., 21, 3)."""
    angles = matrices_to_pose(rotvec_to_matrix(np.asarray(body_pose, dtype=np.float64)))
    return np.maximum(LIMITS[..., 0] - angles, 0.0) + np.maximum(angles - LIMITS[..., 1], 0.0)
