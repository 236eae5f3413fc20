"""Stance families with planted feet: idle_sway, squat, pick_up, sit_stand.

Each starts and ends in a relaxed stance on the feet it is given and moves the pelvis, trunk, head
and arms by keyframed progress curves (monotone splines: no overshoot, natural holds). The legs follow
by IK, so the feet stay exactly planted; amplitudes come from movement studies (squat depth, seat
height, trunk flexion when bending) and scale with the body's leg length.
"""
import numpy as np

from .curves import keyframes, smooth_noise, window
from .plan import P, RAISE, SIDE_SIGN, SWING, TWIST, hold_plan, standing_height, standing_pose
from .registry import register
from unihmr.data.synthetic.np_rotations import heading_vectors

SPINE = ('spine1', 'spine2', 'spine3')


def stance_pelvis(rig, state, forward, lateral, drop) -> np.ndarray:
    """Pelvis (T, 3) at ``forward`` / ``lateral`` metres from the stance centre (heading frame), ``drop`` (T,)
    below standing height."""
    fwd, left = heading_vectors(state.heading)
    xz = state.centre + forward[:, None] * fwd + lateral[:, None] * left
    return np.stack([xz[:, 0], standing_height(rig) - drop, xz[:, 1]], -1)


def bend(plan, amount, pelvis_share: float, look: float = 0.0):
    """Flex the trunk forward by ``amount`` (T,) radians: ``pelvis_share`` at the hips, the rest over the spine;
    the neck counters ``look`` of it to keep the gaze up."""
    plan.pelvis_tilt[:, 0] += pelvis_share * amount
    for name in SPINE:
        plan.pose[:, P(name), 0] += (1 - pelvis_share) * amount / 3
    plan.pose[:, P('neck'), 0] -= look * amount


def arms(plan, side: int, swing=0.0, raise_=0.0, elbow=0.0, twist=0.0):
    """Add to one arm's shoulder swing (forward < 0), raise, twist and elbow flexion (all (T,) or scalars)."""
    sign = SIDE_SIGN[side]
    shoulder = P(('left_shoulder', 'right_shoulder')[side])
    plan.pose[:, shoulder, SWING] += sign * swing
    plan.pose[:, shoulder, RAISE] += sign * raise_
    plan.pose[:, shoulder, TWIST] += twist
    plan.pose[:, P(('left_elbow', 'right_elbow')[side]), 1] -= sign * elbow


def _idle(rng, rig, style):
    u = rng.uniform
    return dict(sway=u(0.008, 0.025), sway_hz=u(0.15, 0.35), shift=u(0, 1) * (u() < 0.6), shift_start=u(0.0, 0.5),
                shift_side=int(rng.integers(2)), shift_seconds=u(1.5, 3.0), look=u(0.1, 0.6), arm_motion=u(0.02, 0.1))


@register('idle_sway', 'stance', _idle, min_seconds=1.0)
def idle_sway(p, rig, style, state, t, rng):
    """Standing: slow postural sway, an optional weight shift onto one leg, looking around, small arm motion."""
    noise = smooth_noise(rng, t, 8, 0.5 * p['sway_hz'], p['sway_hz'])
    start = p['shift_start'] * t[-1]
    shift = p['shift'] * window(t, start, 0.7, start + p['shift_seconds'], 0.7)
    side = SIDE_SIGN[p['shift_side']]
    lateral = p['sway'] * noise[:, 0] + side * shift * 0.35 * style.stance
    pelvis = stance_pelvis(rig, state, 0.5 * p['sway'] * noise[:, 1], lateral, 0.004 * (1 + noise[:, 2]) + 0.01 * shift)
    plan = hold_plan(state, standing_pose(style, len(t)), pelvis, len(t))
    plan.pelvis_tilt[:, 2] = 0.06 * side * shift + 0.01 * noise[:, 3]
    plan.foot_pitch[:, 1 - p['shift_side']] = 0.12 * shift          # the unloaded heel rises a little
    plan.pose[:, P('spine2'), 2] -= plan.pelvis_tilt[:, 2]
    plan.pose[:, P('neck'), 1] += 0.5 * p['look'] * noise[:, 4]
    plan.pose[:, P('head'), 1] += 0.5 * p['look'] * noise[:, 4]
    plan.pose[:, P('head'), 0] += 0.1 * noise[:, 5]
    for s in (0, 1):
        arms(plan, s, swing=p['arm_motion'] * noise[:, 6 + s], elbow=p['arm_motion'] * noise[:, 7 - s])
    return plan


def _squat(rng, rig, style):
    u = rng.uniform
    return dict(depth=u(0.2, 0.45) * rig.leg_length / 0.8, seconds=u(1.6, 3.0), hold=u(0.0, 0.4), lean=u(0.25, 0.55),
                arms_forward=u(0.0, 1.0) * (u() < 0.7))


@register('squat', 'stance', _squat, min_seconds=2.0, duration=lambda p: p['seconds'] + 0.3)
def squat(p, rig, style, state, t, rng):
    """A squat (repeated to fill a segment): hips back and down, trunk leaning forward, arms raised forward."""
    down = 0.45 * (p['seconds'] - p['hold'])
    w = keyframes(t, [0.0, 0.15, 0.15 + down, 0.15 + down + p['hold'], p['seconds']], [0.0, 0.0, 1.0, 1.0, 0.0])
    pelvis = stance_pelvis(rig, state, -0.6 * p['depth'] * w, np.zeros_like(t), p['depth'] * w)
    plan = hold_plan(state, standing_pose(style, len(t)), pelvis, len(t))
    bend(plan, p['lean'] * w, 0.7, look=0.6)
    for s in (0, 1):
        arms(plan, s, swing=-(0.3 + 1.1 * p['arms_forward']) * w, elbow=0.2 * w)
    return plan


def _pick_up(rng, rig, style):
    u = rng.uniform
    return dict(style_mix=u(0, 1), reach=u(0.15, 0.45), hand=int(rng.integers(3)), down=u(0.8, 1.3), hold=u(0.3, 0.8),
                up=u(0.8, 1.3), delay=u(0, 0.4))


@register('pick_up', 'stance', _pick_up, min_seconds=2.5,
          duration=lambda p: p['delay'] + p['down'] + p['hold'] + p['up'] + 0.4)
def pick_up(p, rig, style, state, t, rng):
    """Bend down to pick something up in front of the feet (stoop to squat style), with one or both hands."""
    t0 = p['delay']
    t1 = t0 + p['down']
    w = keyframes(t, [0, t0, t1, t1 + p['hold'], t1 + p['hold'] + p['up']], [0, 0, 1, 1, 0])
    q = p['style_mix']  # 0 stoop (legs nearly straight, deep trunk flexion) ... 1 squat
    scale = rig.leg_length / 0.8
    drop = (0.08 + 0.32 * q) * scale * w
    pelvis = stance_pelvis(rig, state, -(0.14 + 0.1 * q) * scale * w, np.zeros_like(t), drop)
    plan = hold_plan(state, standing_pose(style, len(t)), pelvis, len(t))
    trunk = (1.45 - 0.6 * q) * w
    bend(plan, trunk, 0.55, look=0.3)
    for s in (0, 1):
        active = p['hand'] == 2 or p['hand'] == s
        arms(plan, s, swing=-(trunk + (p['reach'] if active else 0.0) * w), raise_=0.25 * w * active, elbow=0.15 * w)
    return plan


def _sit_stand(rng, rig, style):
    return dict(seat=rng.uniform(0.95, 1.1), back=rng.uniform(0.9, 1.05), descend=rng.uniform(1.2, 1.8),
                seated=rng.uniform(0.8, 3.0), rise=rng.uniform(1.2, 1.8), lean=rng.uniform(0.5, 0.8),
                recline=rng.uniform(-0.05, 0.12), delay=rng.uniform(0.0, 0.4))


@register('sit_stand', 'stance', _sit_stand, min_seconds=4.0,
          duration=lambda p: p['delay'] + p['descend'] + p['seated'] + p['rise'] + 0.4)
def sit_stand(p, rig, style, state, t, rng):
    """Sit down on an (invisible) chair of knee height, stay seated, stand up: trunk leans forward to move the
    weight over the feet when leaving or reaching the seat, hands rest on the thighs while seated."""
    thigh = np.linalg.norm(rig.thigh, axis=-1).mean()
    shank = np.linalg.norm(rig.shank, axis=-1).mean()
    seat_height = rig.ankle_height.mean() + p['seat'] * shank - rig.hip[:, 1].mean()   # seated pelvis joint height
    drop, back = standing_height(rig) - seat_height, p['back'] * thigh
    t0, t1 = p['delay'], p['delay'] + p['descend']
    t2, t3 = t1 + p['seated'], t1 + p['seated'] + p['rise']
    keys = [0, t0, t0 + 0.45 * p['descend'], t1, t2, t2 + 0.55 * p['rise'], t3]
    down = keyframes(t, keys, [0, 0, 0.35, 1, 1, 0.55, 0])
    backward = keyframes(t, keys, [0, 0, 0.7, 1, 1, 0.85, 0])
    lean = keyframes(t, keys, [0, 0, 1, 0.25, 0.25, 1, 0])
    seated = keyframes(t, keys, [0, 0, 0, 1, 1, 0, 0])
    pelvis = stance_pelvis(rig, state, -back * backward, np.zeros_like(t), drop * down)
    plan = hold_plan(state, standing_pose(style, len(t)), pelvis, len(t))
    bend(plan, p['lean'] * lean - p['recline'] * seated, 0.6, look=0.5)
    for s in (0, 1):
        arms(plan, s, swing=-0.5 * lean - 0.55 * seated, elbow=0.9 * seated + 0.3 * lean, raise_=-0.1 * seated)
    return plan
