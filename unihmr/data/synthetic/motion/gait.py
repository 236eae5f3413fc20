"""Footstep planner shared by the locomotion families (walk, run, turn_walk, sidestep).

Given per-frame gait parameters (speed, travel direction, turn rate, stride frequency, duty factor, ...)
it integrates the pelvis path and the gait phase, places every footstep on the ground next to the path
at the middle of its stance (so feet are exactly still while planted), and moves each foot between
footsteps with a lift, a heel-off / toe-off / heel-strike roll and a minimum-jerk progression. The root
therefore moves consistently with the stance feet, and a run's flight phases are ballistic.
Phase convention: the left foot touches down at integer gait phase, the right one half a cycle later.
"""
import numpy as np

from .curves import minjerk, smoothstep
from .plan import SIDE_SIGN, State, standing_height
from .rig import Rig
from unihmr.data.synthetic.np_rotations import heading_vectors

GRAVITY = 9.81
MIN_STEP = 0.02  # m: shorter foot moves (and turns under MIN_TURN) are not taken
MIN_TURN = 0.06  # rad
STANDING_DUTY = 0.62  # duty factor while starting or stopping (double support)


def _cumulative(rate: np.ndarray, fps: float, zero_at: int) -> np.ndarray:
    """Trapezoidal integral of ``rate`` (N, ...) over frames, zero at frame ``zero_at``."""
    steps = 0.5 * (rate[1:] + rate[:-1]) / fps
    total = np.concatenate([np.zeros_like(rate[:1]), np.cumsum(steps, axis=0)])
    return total - total[zero_at]


def _footsteps(u, t, path, heading, par, side, start_foot, start_yaw, land_before, toe_out):
    """Stance positions (K, 2), yaws (K,), step amplitudes (K,) and first cycle index for one foot."""
    first, last = int(np.floor(u[0])) - 1, int(np.floor(u[-1])) + 2
    k = np.arange(first, last + 1)
    duty = np.interp(k + 0.5, u, par['duty'])
    t_mid = np.interp(k + np.interp(k + 0.5, u, par['plant']) * duty, u, t)  # where the pelvis passes the foot
    t_land = np.interp(k.astype(float), u, t)                                  # touch-down of stance k
    _, left = heading_vectors(np.interp(t_mid, t, heading))
    width = np.interp(t_mid, t, par['width'])
    spot = np.stack([np.interp(t_mid, t, path[:, 0]), np.interp(t_mid, t, path[:, 1])], -1)
    spot = spot + (0.5 * SIDE_SIGN[side] * width)[:, None] * left
    yaw = np.interp(t_mid, t, heading) + SIDE_SIGN[side] * toe_out
    nominal = np.maximum(np.interp(t_mid, t, par['speed'] / par['stride_hz']), 0.3)
    amp = np.zeros(len(k))
    for i in range(len(k)):
        if start_foot is not None and t_land[i] <= 0.0:
            spot[i], yaw[i] = start_foot, start_yaw  # stances begun before the segment stay where they were
            continue
        if i == 0:
            continue
        moved = np.linalg.norm(spot[i] - spot[i - 1])
        if (moved < MIN_STEP and abs(yaw[i] - yaw[i - 1]) < MIN_TURN) or t_land[i] > land_before:
            spot[i], yaw[i] = spot[i - 1], yaw[i - 1]
        else:
            amp[i] = np.clip(moved / (0.5 * nominal[i]), 0.35, 1.0)
    return spot, yaw, amp, duty, first


def _foot_track(u, par, spot, yaw, amp, duty, first):
    """Flat position (N, 2), lift, yaw and pitch (N,) of one foot from its footsteps."""
    k = np.floor(u).astype(int)
    i = k - first
    frac = u - k
    d = duty[i]
    swing = frac >= d
    tau = np.clip((frac - d) / (1.0 - d), 0.0, 1.0)
    nxt = np.minimum(i + 1, len(spot) - 1)
    a_next = np.where(swing | (frac >= d - par['heel_off']), amp[nxt], 0.0)   # the step being taken next
    progress = np.where(swing, minjerk(tau ** par['linger']), 0.0)
    position = spot[i] + (spot[nxt] - spot[i]) * progress[:, None]
    foot_yaw = yaw[i] + (yaw[nxt] - yaw[i]) * progress
    lift = a_next * par['lift'] * np.sin(np.pi * tau ** (np.log(0.5) / np.log(par['lift_peak']))) * swing
    heel_off = smoothstep((frac - (d - par['heel_off'])) / par['heel_off']) * (~swing)
    in_swing = par['toe_off'] + (-par['strike'] - par['toe_off']) * smoothstep(tau / 0.75)
    loading = -par['strike'] * (1.0 - smoothstep(frac / par['foot_flat'])) * amp[i] * (frac < par['foot_flat'])
    pitch = a_next * np.where(swing, in_swing, par['toe_off'] * heel_off) + np.where(swing, 0.0, loading)
    return position, lift, foot_yaw, pitch


def plan_gait(par: dict, rig: Rig, fps: float, rng: np.random.Generator, start: State = None,
              stop: bool = False, origin=(0.0, 0.0), heading0: float = 0.0, toe_out: float = 0.1) -> dict:
    """Pelvis path and feet for N frames of locomotion.

    par: per-frame arrays (N,): ``speed`` (m/s), ``direction`` (travel angle from the heading), ``turn_rate``
    (rad/s), ``stride_hz``, ``duty`` (stance fraction of a stride), ``width`` (step width), ``flight`` (0 walk,
    1 run), ``plant`` (fraction of the stance at which the pelvis passes the foot), ``lift`` (peak sole height
    in swing, reached at the fraction ``lift_peak`` of the swing), ``toe_off`` / ``strike`` (foot pitch at
    toe-off / touch-down), ``heel_off`` / ``foot_flat`` (stride fractions of heel rise / of rolling flat),
    ``linger`` (> 1 delays the forward swing), ``bob`` / ``walk_drop`` / ``run_drop`` / ``sway`` (pelvis).
    ``start``: continue from a standing state (speed ramps up from 0) instead of starting mid-gait; ``stop``:
    come to rest by the end (the last steps close the stance).
    Returns dict of arrays: pelvis (N, 3), heading, phase, activity (N,), foot (N, 2, 3), foot_yaw, foot_pitch (N, 2).
    """
    n = len(par['speed'])
    margin = int(np.ceil(1.5 * fps))
    keys = [key for key, value in par.items() if np.ndim(value)]
    padded = np.pad(np.stack([par[key] for key in keys], -1), ((margin, margin), (0, 0)), mode='edge')
    ext = {**par, **{key: padded[:, i] for i, key in enumerate(keys)}}
    t = (np.arange(n + 2 * margin) - margin) / fps
    end = (n - 1) / fps
    ramp = np.ones_like(t)
    if start is not None:
        ramp = ramp * minjerk(t / 0.8)
        origin, heading0 = start.centre, start.heading
    if stop:
        ramp = ramp * (1.0 - minjerk((t - (end - 1.4)) / 0.9))
        ext['turn_rate'] = ext['turn_rate'] * (t <= end - 0.5)
    ext['speed'] = ext['speed'] * ramp
    ext['duty'] = STANDING_DUTY + (ext['duty'] - STANDING_DUTY) * ramp
    ext['flight'] = ext['flight'] * ramp
    heading = heading0 + _cumulative(ext['turn_rate'], fps, margin)
    travel, _ = heading_vectors(heading + ext['direction'])
    path = np.asarray(origin, dtype=np.float64) + _cumulative(ext['speed'][:, None] * travel, fps, margin)
    phase0 = rng.uniform(0.5, STANDING_DUTY) if start is not None else rng.uniform(0, 1)
    phase = phase0 + _cumulative(ext['stride_hz'], fps, margin)
    land_before = end - 0.15 if stop else np.inf
    feet, lifts, yaws, pitches = [], [], [], []
    for side in (0, 1):
        u = phase - 0.5 * side
        start_foot = None if start is None else start.foot[side, [0, 2]]
        start_yaw = None if start is None else start.foot_yaw[side]
        steps = _footsteps(u, t, path, heading, ext, side, start_foot, start_yaw, land_before, toe_out)
        position, lift, foot_yaw, pitch = _foot_track(u, ext, *steps)
        feet.append(position), lifts.append(lift), yaws.append(foot_yaw), pitches.append(pitch)
    activity = np.clip(ext['speed'] / np.maximum(par['speed'].max(), 1e-3), 0, 1) * ramp
    pelvis_y = _pelvis_height(rig, phase, ext, activity)
    _, left = heading_vectors(heading)
    sway = ext['sway'] * activity * np.cos(2 * np.pi * (phase - 0.5 * ext['duty']))
    pelvis_xz = path + sway[:, None] * left
    keep = slice(margin, margin + n)
    feet, lifts = np.stack(feet, 1), np.stack(lifts, 1)
    foot = np.stack([feet[..., 0], lifts, feet[..., 1]], -1)
    return {'pelvis': np.stack([pelvis_xz[:, 0], pelvis_y, pelvis_xz[:, 1]], -1)[keep], 'heading': heading[keep],
            'phase': phase[keep], 'activity': activity[keep], 'foot': foot[keep],
            'foot_yaw': np.stack(yaws, 1)[keep], 'foot_pitch': np.stack(pitches, 1)[keep],
            'turn_rate': ext['turn_rate'][keep], 'speed': ext['speed'][keep]}


def _pelvis_height(rig: Rig, phase, par, activity) -> np.ndarray:
    """Walking: inverted-pendulum bob, highest at mid-stance. Running: a spring-like dip in stance and
    ballistic flight (vertical acceleration -g) between; blended by ``flight`` (0 walk, 1 run)."""
    stand = standing_height(rig)
    duty = par['duty']
    walk = stand - activity * (par['walk_drop'] + par['bob'] * (1.0 - np.cos(4 * np.pi * (phase - 0.5 * duty))) * 0.5)
    half = np.mod(2.0 * phase, 1.0)                     # 0 at each touch-down; stance on [0, 2 duty)
    hz = par['stride_hz']
    stance_time, flight_time = duty / hz, np.maximum(0.5 - duty, 0.0) / hz
    v0 = 0.5 * GRAVITY * flight_time
    touchdown = stand - par['run_drop']
    in_stance = half < 2 * duty
    stance_y = touchdown - v0 * stance_time / np.pi * np.sin(np.pi * half / np.maximum(2 * duty, 1e-6))
    tf = (half - 2 * duty) / (2 * hz)
    flight_y = touchdown + v0 * tf - 0.5 * GRAVITY * tf ** 2
    run = np.where(in_stance, stance_y, flight_y)
    return walk + par['flight'] * (run - walk)
