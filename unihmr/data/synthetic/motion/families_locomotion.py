"""Locomotion families: walk, run, turn_walk (a walk through a turn), sidestep.

Each family draws scalar parameters (speeds and cadences scaled to the leg length, from gait studies:
walking 0.8-1.6 m/s at 0.8-1.1 strides/s with a duty factor ~0.6; running 2-3.8 m/s at ~1.4 strides/s
with a duty factor below 0.5, i.e. flight phases) and turns them into per-frame gait parameters.
``locomotion_plan`` joins consecutive locomotion segments into one gait (parameters cross-faded over
``CROSSFADE`` seconds), runs the footstep planner and adds the coordinated upper body: arms swinging
against the legs, pelvis rotation and list, thorax counter-rotation, a gaze that stays level and looks
into turns.
"""
import numpy as np

from .curves import smoothstep
from .gait import plan_gait
from .ik import leg_reach
from .plan import P, RAISE, SIDE_SIGN, SWING, Plan, standing_height, standing_pose
from .registry import register

CROSSFADE = 0.8  # s, parameter cross-fade between consecutive locomotion segments
MAX_TURN_RATE = 1.8  # rad/s, peak yaw rate of a turn while walking
# Per-frame gait parameters (see ``gait.plan_gait``) and the upper-body ones used by ``locomotion_plan``.
FRAME_KEYS = ('speed', 'direction', 'turn_rate', 'stride_hz', 'duty', 'width', 'flight', 'plant', 'lift', 'lift_peak',
              'toe_off', 'strike', 'heel_off', 'foot_flat', 'linger', 'bob', 'walk_drop', 'run_drop', 'sway',
              'ankle_air', 'arm_swing', 'elbow', 'arm_out', 'lean', 'tilt', 'pelvis_yaw', 'pelvis_roll', 'counter')


def _scale(rig) -> float:
    """Froude-style speed scale: sqrt(leg length / 0.85 m); stride frequencies scale with its inverse."""
    return np.sqrt(rig.leg_length / 0.85)


def _walk(rng, rig, style) -> dict:
    u = rng.uniform
    return dict(
        # path and cadence (stride frequency and duty factor follow from speed, see `_derived`)
        speed=u(0.8, 1.6) * _scale(rig), direction=0.0, turn_rate=u(-0.12, 0.12), cadence=u(0.93, 1.07),
        width=u(0.11, 0.18), flight=0.0,
        # feet
        plant=u(0.38, 0.45), lift=u(0.02, 0.045), lift_peak=u(0.4, 0.5), toe_off=u(0.55, 0.85), strike=u(0.2, 0.35),
        heel_off=u(0.2, 0.28), foot_flat=u(0.06, 0.09), linger=u(1.0, 1.25), ankle_air=u(0.1, 0.3),
        # pelvis and upper body
        bob=u(0.015, 0.03), walk_drop=u(0.012, 0.025), sway=u(0.015, 0.035), tilt=u(0.02, 0.1),
        pelvis_yaw=u(0.05, 0.12), pelvis_roll=u(0.03, 0.07), lean=u(0.0, 0.08), counter=u(0.1, 0.4),
        arm_swing=u(0.15, 0.4) * style.vigour, elbow=u(0.05, 0.3), arm_out=0.0)


def _run(rng, rig, style) -> dict:
    u = rng.uniform
    return dict(
        speed=u(2.0, 3.8) * _scale(rig), direction=0.0, turn_rate=u(-0.1, 0.1), cadence=u(0.95, 1.05),
        width=u(0.05, 0.12), flight=1.0, plant=u(0.42, 0.5), lift=u(0.12, 0.22), lift_peak=u(0.4, 0.5),
        toe_off=u(0.8, 1.1), strike=u(-0.25, 0.1), heel_off=u(0.1, 0.16), foot_flat=u(0.05, 0.08), linger=u(0.8, 1.0),
        ankle_air=u(0.2, 0.45), bob=0.0, walk_drop=0.0, sway=u(0.005, 0.015), tilt=u(0.1, 0.2),
        pelvis_yaw=u(0.08, 0.15), pelvis_roll=u(0.03, 0.06), lean=u(0.08, 0.18), counter=u(0.2, 0.5),
        arm_swing=u(0.35, 0.6) * style.vigour, elbow=u(1.1, 1.5), arm_out=u(0.05, 0.15))


def _turn_walk(rng, rig, style) -> dict:
    params = _walk(rng, rig, style)
    params.update(speed=params['speed'] * rng.uniform(0.7, 0.9), turn_rate=0.0, turn_start=rng.uniform(0.0, 1.0),
                  turn_angle=rng.choice([-1, 1]) * rng.uniform(np.pi / 3, np.pi), turn_seconds=rng.uniform(1.0, 2.2))
    return params


def _sidestep(rng, rig, style) -> dict:
    u = rng.uniform
    params = _walk(rng, rig, style)
    params.pop('cadence')
    params.update(speed=u(0.3, 0.6) * _scale(rig), stride_hz=u(0.9, 1.3), duty=u(0.6, 0.7), turn_rate=0.0,
                  direction=rng.choice([-1, 1]) * u(1.2, np.pi / 2), width=u(0.1, 0.14), lift=u(0.02, 0.05),
                  heel_off=0.1, toe_off=u(0.1, 0.25), strike=u(0.0, 0.08), bob=0.008, sway=0.0, arm_swing=u(0.0, 0.08),
                  arm_out=u(0.05, 0.2), lean=u(0.0, 0.05), pelvis_yaw=0.02, pelvis_roll=0.03, counter=0.0)
    return params


def _derived(params: dict, rig) -> dict:
    """Gait quantities that follow from the (possibly overridden) parameters, from gait studies: walking
    stride frequency rises with speed and the duty factor falls below 0.6; running strides are faster with a
    duty factor under 0.5 (flight phases), and a runner touches down lower, where the landing leg reaches."""
    scale, speed, p = _scale(rig), params['speed'], dict(params)
    if p['flight'] == 0.0:
        p.setdefault('stride_hz', (0.5 + 0.35 * speed / scale) * p.get('cadence', 1.0) / scale)
        p.setdefault('duty', float(np.clip(0.64 - 0.04 * speed / scale, 0.56, 0.66)))
        p['run_drop'] = 0.0
        # sideways, `width` is the narrow stance: feet alternate wide and narrow and never cross
        p['width'] = p['width'] + abs(np.sin(p['direction'])) * speed / (2 * p['stride_hz'])
        return p
    p.setdefault('stride_hz', (1.25 + 0.07 * speed / scale) * p.get('cadence', 1.0) / scale)
    p.setdefault('duty', float(np.clip(0.40 - 0.03 * (speed / scale - 2.0), 0.3, 0.45)))
    p['lift'] = p['lift'] + 0.04 * speed
    # Touch-down height the landing leg can reach: foot ahead of the pelvis by the travel to where the pelvis
    # passes it, plus the hip's offset behind a forward-tilted pelvis; the flight apex follows from it.
    ahead = speed * p['plant'] * p['duty'] / p['stride_hz'] + 0.05
    reach = leg_reach(rig).mean()
    hip_max = rig.ankle_height.mean() + np.sqrt(max(reach ** 2 - ahead ** 2 - 0.03 ** 2, 0.25 * reach ** 2))
    p['run_drop'] = max(standing_height(rig) - (hip_max - rig.hip[:, 1].mean()) + 0.015, 0.02)
    return p


def _frames(params: dict, rig, frames: int) -> dict:
    """Constant per-frame arrays of every gait parameter (turns added by turn_walk)."""
    params = _derived(params, rig)
    return {key: np.full(frames, float(params[key])) for key in FRAME_KEYS}


@register('walk', 'locomotion', _walk, min_seconds=1.2)
def walk(params, rig, frames, fps):
    return _frames(params, rig, frames)


@register('run', 'locomotion', _run, min_seconds=1.0)
def run(params, rig, frames, fps):
    return _frames(params, rig, frames)


@register('sidestep', 'locomotion', _sidestep, min_seconds=1.5)
def sidestep(params, rig, frames, fps):
    return _frames(params, rig, frames)


@register('turn_walk', 'locomotion', _turn_walk, min_seconds=2.0)
def turn_walk(params, rig, frames, fps):
    """A walk whose heading turns by ``turn_angle`` over ``turn_seconds`` (minimum-jerk yaw, peak rate at most
    ``MAX_TURN_RATE``), slowing down in the turn."""
    out = _frames(params, rig, frames)
    t = np.arange(frames) / fps
    seconds = min(max(params['turn_seconds'], 1.875 * abs(params['turn_angle']) / MAX_TURN_RATE), max(t[-1], 0.5))
    angle = np.sign(params['turn_angle']) * min(abs(params['turn_angle']), MAX_TURN_RATE * seconds / 1.875)
    start = params['turn_start'] * max(t[-1] - seconds, 0.0)
    x = np.clip((t - start) / seconds, 0.0, 1.0)
    rate = angle / seconds * 30.0 * x ** 2 * (1 - x) ** 2   # d/dt of minjerk; peaks at 1.875 angle / seconds
    out['turn_rate'] = out['turn_rate'] + rate
    out['speed'] = out['speed'] * (1.0 - 0.35 * np.abs(rate) / MAX_TURN_RATE)
    return out


def crossfade(parts: list, fps: float) -> dict:
    """Concatenate per-frame parameter dicts, cross-fading each key over ``CROSSFADE`` s around junctions."""
    out = {key: np.concatenate([p[key] for p in parts]) for key in FRAME_KEYS}
    half = int(round(0.5 * CROSSFADE * fps))
    junction = 0
    for before, after in zip(parts[:-1], parts[1:]):
        junction += len(before[FRAME_KEYS[0]])
        lo, hi = max(junction - half, 0), min(junction + half, len(out[FRAME_KEYS[0]]))
        w = smoothstep((np.arange(lo, hi) - (junction - half)) / max(2 * half, 1))
        for key in FRAME_KEYS:
            a = np.where(np.arange(lo, hi) < junction, out[key][lo:hi], before[key][-1])
            b = np.where(np.arange(lo, hi) >= junction, out[key][lo:hi], after[key][0])
            out[key][lo:hi] = a + w * (b - a)
    return out


def locomotion_plan(par: dict, rig, style, fps, rng, start=None, stop=False, origin=(0.0, 0.0), heading0=0.0) -> Plan:
    """A locomotion ``Plan`` from per-frame gait parameters (see ``plan_gait``) with its upper body."""
    g = plan_gait(par, rig, fps, rng, start=start, stop=stop, origin=origin, heading0=heading0, toe_out=style.toe_out)
    frames = len(g['heading'])
    phase, act = g['phase'], g['activity']
    pose = standing_pose(style, frames)
    for side in (0, 1):
        swing = par['arm_swing'] * act * np.cos(2 * np.pi * (phase - 0.5 * side - 0.04))
        name = ('left', 'right')[side]
        pose[:, P(f'{name}_shoulder'), SWING] += SIDE_SIGN[side] * (swing - 0.04 * act)
        pose[:, P(f'{name}_shoulder'), RAISE] += SIDE_SIGN[side] * par['arm_out'] * act
        flex = par['elbow'] * act + 0.6 * np.maximum(-swing, 0.0)
        pose[:, P(f'{name}_elbow'), 1] -= SIDE_SIGN[side] * flex
    pelvis_yaw = -par['pelvis_yaw'] * act * np.cos(2 * np.pi * phase)
    turn_lean = -np.clip(0.1 * g['turn_rate'] * g['speed'], -0.15, 0.15)
    roll = par['pelvis_roll'] * act * np.cos(2 * np.pi * (phase - 0.2)) + turn_lean
    lean = par['lean'] * act
    tilt_fwd = par['tilt'] * act                 # anterior pelvic tilt, undone by the lumbar spine
    for name in ('spine1', 'spine2', 'spine3'):
        pose[:, P(name), 0] += (0.5 * lean - tilt_fwd) / 3
        pose[:, P(name), 1] -= pelvis_yaw * (1 + par['counter']) / 3
        pose[:, P(name), 2] -= roll / 4
    look = np.clip(0.35 * g['turn_rate'], -0.6, 0.6)
    pose[:, P('neck'), 1] += 0.5 * pelvis_yaw * par['counter'] + 0.5 * look
    pose[:, P('head'), 1] += 0.5 * pelvis_yaw * par['counter'] + 0.5 * look
    pose[:, P('neck'), 0] -= 0.6 * lean
    tilt = np.stack([0.5 * lean + tilt_fwd, pelvis_yaw, roll], -1)
    return Plan(pelvis=g['pelvis'], heading=g['heading'], pelvis_tilt=tilt, pose=pose, foot=g['foot'],
                foot_yaw=g['foot_yaw'], foot_pitch=g['foot_pitch'],
                ankle_air=np.repeat(par['ankle_air'][:, None], 2, 1))
