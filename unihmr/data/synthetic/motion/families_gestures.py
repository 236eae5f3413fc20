"""Upper-body gestures: wave, reach, point. They are layered over any base motion (standing or locomotion).

A gesture returns absolute angles for one arm (collar, shoulder, elbow, wrist) with a per-frame weight
(raise, hold, lower envelope) and additive offsets for the trunk and head (turning and looking towards
the target), so that a gesture over a walk keeps the walk's trunk rotation. Arm directions are given in
the trunk frame (x left, y up, z forward) and converted to shoulder angles by ``arm_angles``.
"""
import numpy as np

from .curves import window
from .limits import matrix_to_euler
from .plan import NUM_POSE, P, SIDE_SIGN, standing_pose
from .registry import register
from unihmr.data.synthetic.np_rotations import axis_rotation, normalize

ARM = ('collar', 'shoulder', 'elbow', 'wrist')


def arm_angles(direction: np.ndarray, twist, side: int) -> np.ndarray:
    """Shoulder Euler angles (T, 3) pointing the upper arm along ``direction`` (T, 3), trunk frame, then turned
    about its own axis by ``twist`` (external rotation < 0). Mirrored for the right arm (side 1)."""
    d = normalize(direction * np.array([SIDE_SIGN[side], 1.0, 1.0]))         # as a left arm
    swing_fwd = -np.arcsin(np.clip(d[:, 2], -1.0, 1.0))                          # about y: forward < 0
    lift = np.arctan2(d[:, 1], d[:, 0])                                          # about z: up > 0
    twist = np.broadcast_to(twist, lift.shape)
    R = axis_rotation(lift, 'z') @ axis_rotation(swing_fwd, 'y') @ axis_rotation(twist, 'x')
    angles = matrix_to_euler(R, 'zxy')
    return angles * np.array([1.0, SIDE_SIGN[side], SIDE_SIGN[side]])


def _gesture_pose(style, frames, side, shoulder, elbow, wrist=None, collar=0.0):
    """Absolute pose (T, 21, 3) and weights (T, 21) for one arm."""
    pose = standing_pose(style, frames)
    sign = SIDE_SIGN[side]
    name = ('left', 'right')[side]
    pose[:, P(f'{name}_shoulder')] = shoulder
    pose[:, P(f'{name}_elbow'), 1] = -sign * elbow
    pose[:, P(f'{name}_collar'), 2] = sign * collar
    if wrist is not None:
        pose[:, P(f'{name}_wrist'), 2] = sign * wrist
    weight = np.zeros((frames, NUM_POSE))
    weight[:, [P(f'{name}_{part}') for part in ARM]] = 1.0
    return pose, weight


def _look(frames, yaw, pitch, spine_turn=0.0, spine_bend=0.0) -> np.ndarray:
    """Additive trunk/head offsets (T, 21, 3) turning towards ``yaw`` and looking down by ``pitch``."""
    offset = np.zeros((frames, NUM_POSE, 3))
    for name in ('neck', 'head'):
        offset[:, P(name), 1] = 0.5 * yaw
        offset[:, P(name), 0] = 0.5 * pitch
    for name in ('spine1', 'spine2', 'spine3'):
        offset[:, P(name), 1] = spine_turn / 3
        offset[:, P(name), 0] = spine_bend / 3
    return offset


def _timing(rng, hold=(1.0, 2.5)):
    return dict(side=int(rng.integers(2)), delay=rng.uniform(0.0, 0.5), rise=rng.uniform(0.35, 0.7),
                hold=rng.uniform(*hold), fall=rng.uniform(0.35, 0.7))


def _envelope(p, t):
    return window(t, p['delay'], p['rise'], p['delay'] + p['rise'] + p['hold'] + p['fall'], p['fall'])


def _wave(rng, rig, style):
    return dict(_timing(rng), height=rng.uniform(0.1, 0.6), hz=rng.uniform(1.5, 3.0), amplitude=rng.uniform(0.2, 0.4),
                elbow=rng.uniform(0.7, 1.1), forward=rng.uniform(0.3, 0.7))


def _gesture_seconds(p):
    return p['delay'] + p['rise'] + p['hold'] + p['fall'] + 0.3


@register('wave', 'gesture', _wave, min_seconds=1.5, duration=_gesture_seconds)
def wave(p, style, t):
    """Wave hello: upper arm raised to the side, forearm up, the forearm swinging side to side at the elbow."""
    frames, env = len(t), _envelope(p, t)
    h = p['height']
    direction = np.tile([SIDE_SIGN[p['side']] * np.cos(h), np.sin(h), p['forward']], (frames, 1))
    shoulder = arm_angles(direction, -1.2, p['side'])
    osc = p['amplitude'] * np.sin(2 * np.pi * p['hz'] * (t - p['delay'] - p['rise'])) * (env > 0.99)
    pose, weight = _gesture_pose(style, frames, p['side'], shoulder, p['elbow'] + osc, wrist=0.3 * osc, collar=0.1)
    yaw = 0.25 * SIDE_SIGN[p['side']] * env
    return pose, weight * env[:, None], _look(frames, yaw, 0.0)


def _reach(rng, rig, style):
    return dict(_timing(rng, hold=(0.3, 1.2)), azimuth=rng.uniform(-0.3, 1.2), elevation=rng.uniform(-0.7, 0.9),
                elbow=rng.uniform(0.05, 0.3), twist=rng.uniform(-0.6, 0.1))


@register('reach', 'gesture', _reach, min_seconds=1.5, duration=_gesture_seconds)
def reach(p, style, t):
    """Reach out to a point (forward, to the side, high or low): straight arm, trunk turning and bending towards it."""
    return _aim(p, style, t, look=0.7, turn=0.25)


def _point(rng, rig, style):
    return dict(_timing(rng, hold=(0.8, 2.0)), azimuth=rng.uniform(-0.2, 1.3), elevation=rng.uniform(-0.3, 0.5),
                elbow=rng.uniform(0.0, 0.12), twist=rng.uniform(-0.3, 0.2))


@register('point', 'gesture', _point, min_seconds=1.5, duration=_gesture_seconds)
def point(p, style, t):
    """Point at something: arm straight towards it at about eye level, head turned to look at it."""
    return _aim(p, style, t, look=0.9, turn=0.15)


def _aim(p, style, t, look, turn):
    frames, env = len(t), _envelope(p, t)
    az, el = p['azimuth'], p['elevation']
    sign = SIDE_SIGN[p['side']]
    direction = np.tile([sign * (np.sin(az) * np.cos(el) + 0.25), np.sin(el), np.cos(az) * np.cos(el)], (frames, 1))
    shoulder = arm_angles(direction, p['twist'], p['side'])
    pose, weight = _gesture_pose(style, frames, p['side'], shoulder, p['elbow'], wrist=0.0, collar=0.15 * max(el, 0.0))
    offset = _look(frames, look * sign * az * env, -0.6 * el * env, spine_turn=turn * sign * az * env,
                   spine_bend=0.4 * max(-el, 0.0) * env)
    return pose, weight * env[:, None], offset
