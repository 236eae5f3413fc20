"""Feet and legs: foot placement with heel/toe roll, reachable pelvis height, analytic two-bone leg IK.

Shapes: T frames, 2 legs (left, right). A foot is planned as its *flat* ankle position on the ground
(x, lift, z) plus a yaw (direction of the ankle->ball axis) and a pitch (heel up > 0, toes up < 0).
``foot_pose`` turns that into an ankle target and a foot orientation: the foot rolls about the ball
joint when the heel is up (the toes stay flat on the ground) and about the heel when the toes are up,
and the ankle is set so that the lowest sole point is at height ``lift``. ``leg_ik`` then solves hip
and knee (knee flexion about its local x axis, the knee pointing along a given yaw) and the ankle.
"""
import numpy as np

from .curves import smooth_upper, smoothstep, softmin
from .rig import Rig
from unihmr.data.synthetic.np_rotations import axis_rotation, normalize, yaw_matrix

HEEL_PIVOT = 1  # index of the heel pivot in Rig.sole (bin 1 of 12: the back of the heel)
KNEE_MIN, KNEE_MAX = np.radians(1.0), np.radians(150.0)  # IK clip of knee flexion
KNEE_REACH = np.radians(4.0)  # planned minimum knee flexion: legs never planned fully straight
TOE_RELEASE = 0.04  # m: toes are kept flat on the ground until the foot is this high
HEIGHT_SOFTNESS = 0.006  # m: temperature of the soft minimum over reach limits
SMOOTHING = 0.08  # s: the pelvis lowering is smoothed over this window (never reduced)
GROUNDED_LIFT = 0.05  # m: feet lower than this constrain the pelvis height


def _lateral_pitch(rig: Rig, angle) -> np.ndarray:
    """(T, 2, 3, 3) rotation by ``angle`` (T, 2) about each foot's rest lateral axis (ankle frame), Rodrigues."""
    axis = np.stack([np.cos(rig.foot_yaw), np.zeros(2), -np.sin(rig.foot_yaw)], -1)       # (2, 3)
    outer = axis[:, :, None] * axis[:, None, :]
    skew = np.zeros((2, 3, 3))
    skew[:, 0, 1], skew[:, 1, 0] = -axis[:, 2], axis[:, 2]
    skew[:, 1, 2], skew[:, 2, 1] = -axis[:, 0], axis[:, 0]
    c, s = np.cos(angle)[..., None, None], np.sin(angle)[..., None, None]
    return c * np.eye(3) + s * skew + (1.0 - c) * outer


def _cross(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cross product along the last axis (faster than np.cross on small batches)."""
    return np.stack([a[..., 1] * b[..., 2] - a[..., 2] * b[..., 1], a[..., 2] * b[..., 0] - a[..., 0] * b[..., 2],
                     a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]], axis=-1)


def foot_pose(rig: Rig, flat: np.ndarray, yaw: np.ndarray, pitch: np.ndarray) -> tuple:
    """Ankle targets (T, 2, 3), foot world rotations (T, 2, 3, 3), toe-joint local rotations (T, 2, 3, 3).

    flat (T, 2, 3): flat-foot ankle position with y = lift of the sole above the ground; yaw, pitch (T, 2).
    """
    lift = flat[..., 1]
    toe_bend = -np.maximum(pitch, 0.0) * (1.0 - smoothstep(lift / TOE_RELEASE))
    flat_rot = yaw_matrix(yaw - rig.foot_yaw)                                  # (T, 2, 3, 3)
    foot_rot = flat_rot @ _lateral_pitch(rig, pitch)
    toe_rot = _lateral_pitch(rig, toe_bend)
    bent = rig.ball[:, None] + (rig.sole - rig.ball[:, None]) @ np.swapaxes(toe_rot, -1, -2)  # (T, 2, P, 3)
    points = np.where(rig.on_toes[None, ..., None], bent, rig.sole[None])
    height = (points @ foot_rot[..., 1, :, None])[..., 0]                     # sole points above the ankle
    heel_up = (pitch >= 0)[..., None]
    pivot = np.where(heel_up, rig.ball[None], rig.sole[None, :, HEEL_PIVOT])      # (T, 2, 3)
    ankle = flat + ((flat_rot - foot_rot) @ pivot[..., None])[..., 0]
    ankle[..., 1] = lift - height.min(-1)
    return ankle, foot_rot, toe_rot


def _knee_terms(rig: Rig) -> tuple:
    """Per leg constants of |thigh + Rx(k) shank|^2 = c + 2 rho cos(k - delta): (c, rho, delta) each (2,)."""
    b1, b2 = rig.thigh, rig.shank
    c = (b1 ** 2).sum(-1) + (b2 ** 2).sum(-1) + 2 * b1[:, 0] * b2[:, 0]
    cos_part = b1[:, 1] * b2[:, 1] + b1[:, 2] * b2[:, 2]
    sin_part = b1[:, 2] * b2[:, 1] - b1[:, 1] * b2[:, 2]
    return c, np.hypot(cos_part, sin_part), np.arctan2(sin_part, cos_part)


def leg_reach(rig: Rig, knee: float = KNEE_REACH) -> np.ndarray:
    """Hip-to-ankle distance (2,) with the knee flexed by ``knee`` radians."""
    c, rho, delta = _knee_terms(rig)
    return np.sqrt(c + 2 * rho * np.cos(np.maximum(knee, delta) - delta))


def limit_pelvis_height(rig: Rig, pelvis: np.ndarray, pelvis_rot: np.ndarray, ankle: np.ndarray,
                        lift: np.ndarray, fps: float) -> np.ndarray:
    """Pelvis heights (T,) no higher than ``pelvis[:, 1]`` and reachable by every grounded foot.

    pelvis (T, 3) planned pelvis position, pelvis_rot (T, 3, 3), ankle (T, 2, 3) targets, lift (T, 2).
    A foot constrains the height as it approaches the ground (lift < ``GROUNDED_LIFT``); the limits are
    combined by a soft minimum, and the lowering is smoothed over ``SMOOTHING`` seconds (never reduced), so
    the pelvis path stays smooth; where no foot limits it (e.g. a flight phase) the planned height is kept.
    """
    hip = rig.hip @ np.swapaxes(pelvis_rot, -1, -2)                              # (T, 2, 3) hip minus pelvis
    horizontal = np.linalg.norm((ankle - pelvis[:, None] - hip)[..., [0, 2]], axis=-1)
    reach = leg_reach(rig)
    vertical = np.sqrt(np.maximum(reach ** 2 - horizontal ** 2, (0.3 * reach) ** 2))
    limit = ankle[..., 1] - hip[..., 1] + vertical
    limit = limit + 2.0 * smoothstep(lift / GROUNDED_LIFT - 0.5)                  # airborne feet: no limit
    height = softmin(np.concatenate([pelvis[:, 1:2], limit], axis=1), HEIGHT_SOFTNESS, axis=1)
    return pelvis[:, 1] - smooth_upper(pelvis[:, 1] - height, int(round(SMOOTHING * fps)))


def leg_ik(rig: Rig, pelvis: np.ndarray, pelvis_rot: np.ndarray, ankle: np.ndarray, knee_yaw: np.ndarray,
           foot_rot: np.ndarray) -> tuple:
    """Local rotations (T, 2, 3, 3) of hip, knee and ankle putting each ankle at its target.

    pelvis (T, 3), pelvis_rot (T, 3, 3) world pose of the pelvis joint; ankle (T, 2, 3) targets;
    knee_yaw (T, 2) the direction the knee points to; foot_rot (T, 2, 3, 3) foot world orientations.
    Targets out of reach are approached as closely as the knee range allows (straight or folded leg).
    """
    hip = pelvis[:, None] + rig.hip @ np.swapaxes(pelvis_rot, -1, -2)
    target = (ankle - hip) @ pelvis_rot                                          # in the pelvis frame
    distance = np.linalg.norm(target, axis=-1)
    c, rho, delta = _knee_terms(rig)
    lowest, highest = np.cos(KNEE_MAX - delta), np.cos(np.maximum(KNEE_MIN, delta) - delta)
    cosine = np.clip((distance ** 2 - c) / (2 * rho), lowest, highest)
    knee = delta + np.arccos(cosine)                                             # (T, 2) flexion
    knee_rot = axis_rotation(knee, 'x')
    leg = rig.thigh + (knee_rot @ rig.shank[:, :, None])[..., 0]              # hip->ankle, hip rest frame
    e1 = normalize(leg)
    e2 = normalize(np.array([1.0, 0.0, 0.0]) - e1[..., :1] * e1)
    rest_frame = np.stack([e1, e2, _cross(e1, e2)], axis=-1)
    axis_world = np.stack([np.cos(knee_yaw), np.zeros_like(knee_yaw), -np.sin(knee_yaw)], axis=-1)
    axis = axis_world @ pelvis_rot
    f1 = normalize(target)
    f2 = normalize(axis - (axis * f1).sum(-1, keepdims=True) * f1)
    goal_frame = np.stack([f1, f2, _cross(f1, f2)], axis=-1)
    hip_rot = goal_frame @ np.swapaxes(rest_frame, -1, -2)
    shank_world = pelvis_rot[:, None] @ hip_rot @ knee_rot
    ankle_rot = np.swapaxes(shank_world, -1, -2) @ foot_rot
    return hip_rot, knee_rot, ankle_rot
