"""Stance families that move the feet: lunge, kick, jump.

A foot leaves and returns to the ground through ``foot_move`` (heel-off, lift, heel or forefoot landing);
while it is down it is exactly still. A jump's flight is ballistic: the pelvis height follows
``y0 + v0 t - g t^2 / 2`` between take-off and landing, with the take-off velocity reached by the push-off,
and its horizontal speed is constant in the air.
"""
import numpy as np

from .curves import keyframes, minjerk, smoothstep
from .families_actions import arms, bend, stance_pelvis
from .gait import GRAVITY
from .ik import foot_pose, leg_reach, limit_pelvis_height
from .plan import SIDE_SIGN, hold_plan, standing_height, standing_pose
from .registry import register
from unihmr.data.synthetic.np_rotations import heading_vectors, yaw_matrix


def foot_move(plan, side, t, t0, t1, target_xz, lift, toe_off=0.3, strike=0.2):
    """Move one foot from where it is at ``t0`` to ``target_xz`` (2,) at ``t1``: heel-off before ``t0``, a lift
    of ``lift`` metres, landing heel-first (``strike`` > 0, toes up) or forefoot-first (< 0) and rolling flat."""
    tau = np.clip((t - t0) / (t1 - t0), 0.0, 1.0)
    start = plan.foot[min(np.searchsorted(t, t0), len(t) - 1), side, [0, 2]]
    moving = (t > t0) & (t < t1)
    path = start + minjerk(tau)[:, None] * (np.asarray(target_xz) - start)
    plan.foot[:, side, [0, 2]] = np.where((t >= t0)[:, None], path, plan.foot[:, side, [0, 2]])
    plan.foot[:, side, 1] = np.where(moving, lift * np.sin(np.pi * tau ** 0.85), plan.foot[:, side, 1])
    heel_off = toe_off * smoothstep((t - (t0 - 0.15)) / 0.15) * (t <= t0)
    swing = toe_off + (-strike - toe_off) * smoothstep(tau / 0.75)
    landing = -strike * (1.0 - smoothstep((t - t1) / 0.12)) * (t >= t1)
    plan.foot_pitch[:, side] += np.where(moving, swing, heel_off + landing)


def _lunge(rng, rig, style):
    u, scale = rng.uniform, rig.leg_length / 0.8
    return dict(side=int(rng.integers(2)), length=u(0.55, 0.8) * scale, depth=u(0.22, 0.38) * scale, step=u(0.5, 0.7),
                down=u(0.6, 0.9), hold=u(0.0, 0.5), up=u(0.6, 0.9), rear_heel=u(0.7, 1.0), delay=u(0.0, 0.3),
                hands=u())


@register('lunge', 'stance', _lunge, min_seconds=3.5,
          duration=lambda p: p['delay'] + 2 * p['step'] + p['down'] + p['hold'] + p['up'] + 0.4)
def lunge(p, rig, style, state, t, rng):
    """Forward lunge: step forward, lower until the rear knee nears the floor (rear heel up), rise, step back."""
    s, fwd = p['side'], heading_vectors(state.heading)[0]
    t0 = p['delay']
    t1 = t0 + p['step']
    t2, t3 = t1 + p['down'], t1 + p['down'] + p['hold']
    t4 = t3 + p['up']
    t5 = t4 + p['step']
    home = state.foot[s, [0, 2]]
    keys = [0, t0, t1, t2, t3, t4, t5]
    low_ahead = max(p['length'] - 0.9 * np.linalg.norm(rig.thigh[s]), 0.35 * p['length'])  # front thigh ~level
    ahead = keyframes(t, keys, [0, 0, 0.45 * p['length'], low_ahead, low_ahead, 0.45 * p['length'], 0])
    low = keyframes(t, keys, [0, 0, 0.15, 1, 1, 0.15, 0])
    pelvis = stance_pelvis(rig, state, ahead, np.zeros_like(t), p['depth'] * low)
    plan = hold_plan(state, standing_pose(style, len(t)), pelvis, len(t))
    foot_move(plan, s, t, t0, t1, home + p['length'] * fwd, 0.07, toe_off=0.25, strike=0.25)
    foot_move(plan, s, t, t4, t5, home, 0.06, toe_off=0.2, strike=-0.1)
    plan.foot_pitch[:, 1 - s] += p['rear_heel'] * low
    bend(plan, 0.12 * low, 0.5, look=0.5)
    on_hips = p['hands'] < 0.5
    for side in (0, 1):
        arms(plan, side, swing=(0.35 if on_hips else -0.25) * low, raise_=(0.45 if on_hips else 0.05) * low,
             elbow=(1.4 if on_hips else 0.3) * low)
    return plan


def _kick(rng, rig, style):
    u = rng.uniform
    return dict(side=int(rng.integers(2)), angle=u(0.6, 1.25), shift=u(0.4, 0.6), kick=u(0.8, 1.3), land=u(-0.05, 0.15),
                delay=u(0.0, 0.3), point=u(0.3, 0.8))


@register('kick', 'stance', _kick, min_seconds=2.0, duration=lambda p: p['delay'] + p['shift'] + p['kick'] + 0.7)
def kick(p, rig, style, state, t, rng):
    """Front kick: weight onto the support leg, knee up (chamber), leg extended to ``angle`` rad from vertical,
    re-chamber, foot put down; trunk leans back and arms open for balance."""
    s, fwd = p['side'], heading_vectors(state.heading)[0]
    t1 = p['delay'] + p['shift']
    kt = [t1 + f * p['kick'] for f in (0.0, 0.3, 0.5, 0.7, 1.0)]  # lift, chamber, extension, chamber, down
    reach = leg_reach(rig)[s] * 0.97
    hip_height = standing_height(rig) - 0.03 + rig.hip[s, 1]
    top = max(hip_height - reach * np.cos(p['angle']) - rig.ankle_height[s], 0.3 * reach)
    along = keyframes(t, kt, [0.0, 0.3 * reach, reach * np.sin(p['angle']), 0.3 * reach, p['land']])
    up = keyframes(t, kt, [0.0, 0.35 * reach, top, 0.35 * reach, 0.0])
    keys = [0, p['delay'], t1, kt[2], kt[-1], kt[-1] + 0.4]
    weight = keyframes(t, keys, [0, 0, 1, 1, 0.6, 0])
    extend = keyframes(t, keys, [0, 0, 0, 1, 0, 0])
    support = -SIDE_SIGN[s] * 0.45 * style.stance
    pelvis = stance_pelvis(rig, state, np.zeros_like(t), support * weight, 0.03 * weight)
    plan = hold_plan(state, standing_pose(style, len(t)), pelvis, len(t))
    active, home = (t > kt[0]) & (t < kt[-1]), state.foot[s, [0, 2]]
    plan.foot[:, s, [0, 2]] = np.where(active[:, None], home + along[:, None] * fwd, plan.foot[:, s, [0, 2]])
    plan.foot[:, s, [0, 2]] = np.where((t >= kt[-1])[:, None], home + p['land'] * fwd, plan.foot[:, s, [0, 2]])
    plan.foot[:, s, 1] = np.where(active, np.maximum(up, 0.0), 0.0)
    plan.foot_pitch[:, s] = p['point'] * np.sin(np.pi * np.clip((t - kt[0]) / p['kick'], 0, 1))
    plan.ankle_air[:, s] = p['point']
    plan.pelvis_tilt[:, 2] = 0.05 * SIDE_SIGN[s] * weight
    bend(plan, -0.2 * extend + 0.05 * weight, 0.5, look=0.5)
    for side in (0, 1):
        arms(plan, side, raise_=0.5 * weight, swing=(-0.4 if side != s else 0.3) * extend, elbow=0.5 * weight)
    return plan


def _jump(rng, rig, style):
    u = rng.uniform
    return dict(distance=u(0.0, 0.8) * (u() < 0.6), flight=u(0.3, 0.5), crouch=u(0.12, 0.28), dip=u(0.08, 0.22),
                delay=u(0.0, 0.4), load=u(0.45, 0.7), push=u(0.25, 0.35), point=u(0.5, 0.8), arm_swing=u(0.6, 1.0),
                tuck=u(0.05, 0.2))


def _hermite(s, y0, y1, v0, v1, span):
    """Cubic Hermite from (y0, slope v0) to (y1, slope v1) over ``span`` seconds, at fraction ``s`` in [0, 1]."""
    s2, s3 = s * s, s * s * s
    return (2 * s3 - 3 * s2 + 1) * y0 + (-2 * s3 + 3 * s2) * y1 + span * ((s3 - 2 * s2 + s) * v0 + (s3 - s2) * v1)


@register('jump', 'stance', _jump, min_seconds=2.2,
          duration=lambda p: p['delay'] + p['load'] + p['push'] + p['flight'] + 1.1)
def jump(p, rig, style, state, t, rng):
    """Countermovement jump, in place or forward: crouch with arms back, push off to the toes with arms
    swinging up, ballistic flight with the legs tucked a little, forefoot landing absorbed by the knees."""
    fwd, stand = heading_vectors(state.heading)[0], standing_height(rig)
    t0 = p['delay']
    t_low = t0 + p['load']
    t_off = t_low + p['push']
    t_land = t_off + p['flight']
    t_soft, t_end = t_land + 0.25, t_land + 0.9
    v0, settle = 0.5 * GRAVITY * p['flight'], 0.15  # take-off speed; the horizontal speed dies out in `settle` s
    v_h = p['distance'] / (0.5 * p['push'] + p['flight'] + 0.5 * settle)
    hips_back = 0.4 * p['crouch'] * np.sin(np.pi * np.clip((t - t0) / (t_soft - t0), 0, 1))
    # Take-off (= landing) height: the highest pelvis both pointed feet reach, at take-off and at landing.
    back = 0.4 * p['crouch'] * np.sin(np.pi * (np.array([t_off, t_land]) - t0) / (t_soft - t0))
    probe = stance_pelvis(rig, state, np.array([0.5 * v_h * p['push'], p['distance'] - 0.5 * v_h * settle]) - back,
                          np.zeros(2), np.full(2, -2.0))
    feet = np.stack([state.foot, state.foot + np.array([fwd[0], 0.0, fwd[1]]) * p['distance']])
    ankle, _, _ = foot_pose(rig, feet, np.repeat(state.foot_yaw[None], 2, 0), np.full((2, 2), p['point']))
    heading = np.repeat(yaw_matrix(state.heading)[None], 2, 0)
    y_off = limit_pelvis_height(rig, probe, heading, ankle, np.zeros((2, 2)), 30.0).min() - 0.01
    y_low, y_soft = stand - p['crouch'], stand - p['dip']
    tau = t - t_off
    push = _hermite(np.clip((t - t_low) / p['push'], 0, 1), y_low, y_off, 0.0, v0, p['push'])
    absorb = _hermite(np.clip((t - t_land) / (t_soft - t_land), 0, 1), y_off, y_soft, -v0, 0.0, t_soft - t_land)
    rest = y_soft + (stand - y_soft) * minjerk((t - t_soft) / (t_end - t_soft))
    air = y_off + v0 * tau - 0.5 * GRAVITY * tau ** 2
    y = np.select([t < t_low, t < t_off, t < t_land, t < t_soft],
                  [stand - p['crouch'] * minjerk((t - t0) / p['load']), push, air, absorb], rest)
    before = 0.5 * v_h / p['push'] * np.clip(t - t_low, 0, p['push']) ** 2
    after = np.clip(t - t_land, 0, settle)
    travel = before + v_h * np.clip(tau, 0, p['flight']) + v_h * after - 0.5 * v_h / settle * after ** 2
    pelvis = stance_pelvis(rig, state, travel - hips_back, np.zeros_like(t), stand - y)
    plan = hold_plan(state, standing_pose(style, len(t)), pelvis, len(t))
    airborne = (t > t_off) & (t < t_land)
    flight = np.clip((t - t_off) / p['flight'], 0, 1)
    plan.foot[..., 1] = np.where(airborne, y - y_off + p['tuck'] * np.sin(np.pi * flight), 0.0)[:, None]
    plan.foot[..., [0, 2]] += (p['distance'] * minjerk(flight) * (t > t_off))[:, None, None] * fwd
    rise = np.clip((y - y_low) / (y_off - y_low), 0, 1) ** 2 * (t >= t_low) * (t <= t_off)
    landing = (1 - smoothstep((t - t_land) / 0.15)) * (t >= t_land)
    plan.foot_pitch[:] = (p['point'] * np.where(airborne, 1 - 0.3 * np.sin(np.pi * flight), rise + landing))[:, None]
    plan.ankle_air[:] = 0.5 * p['point']
    crouch = keyframes(t, [0, t0, t_low, t_off, t_land, t_soft, t_end], [0, 0, 1, 0, 0, 0.8, 0])
    bend(plan, 0.45 * crouch, 0.6, look=0.6)
    swing = keyframes(t, [0, t0, t_low, t_off, t_land, t_soft, t_end + 0.2], [0, 0, 0.8, -2.2, -1.2, -0.6, 0])
    for side in (0, 1):
        arms(plan, side, swing=p['arm_swing'] * swing, elbow=0.2 + 0.2 * crouch)
    return plan
