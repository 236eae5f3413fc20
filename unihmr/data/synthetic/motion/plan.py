"""The motion plan: per-frame world-space targets that every family writes and the solver turns into SMPL-X.

A ``Plan`` of T frames holds the pelvis path and orientation, Euler angles of the upper body (the leg
entries are ignored: legs come from IK), and each foot's flat position, lift, yaw and pitch. Families
start from a ``State`` (where the previous segment left the feet, the heading and the pelvis), so feet
are continuous across segments by construction; everything else is joined by inertialisation.
"""
from dataclasses import dataclass, fields, replace

import numpy as np

from .curves import inertialize
from .limits import POSE_NAMES, pose_index
from .rig import Rig
from unihmr.data.synthetic.np_rotations import heading_vectors

P = pose_index
NUM_POSE = len(POSE_NAMES)
SIDE_SIGN = np.array([1.0, -1.0])
# Shoulder Euler components (limits: order z, x, y): RAISE lifts the arm from the T-pose in the frontal
# plane (negative lowers it to the side), TWIST turns it about its own axis, SWING moves it forward (negative).
TWIST, SWING, RAISE = 0, 1, 2  # left, right: mirror sign of y/z Euler angles and of lateral offsets
BLEND_FIELDS = ('pelvis', 'pelvis_tilt', 'pose', 'foot_pitch')  # inertialised at junctions; foot positions never are


@dataclass
class Plan:
    """Per-frame targets. pelvis (T, 3) pelvis joint, world (y is an upper bound, lowered to reach the feet);
    heading (T,) facing yaw; pelvis_tilt (T, 3) forward pitch (x), yaw offset (y), roll (z) in the heading
    frame; pose (T, 21, 3) Euler angles (``limits``); foot (T, 2, 3) flat ankle x, z and sole lift y;
    foot_yaw, foot_pitch (T, 2) (pitch relative to the ground, used near it); ankle_air (T, 2) ankle
    plantarflexion relative to the shank that a foot relaxes to once well off the ground."""

    pelvis: np.ndarray
    heading: np.ndarray
    pelvis_tilt: np.ndarray
    pose: np.ndarray
    foot: np.ndarray
    foot_yaw: np.ndarray
    foot_pitch: np.ndarray
    ankle_air: np.ndarray

    def __len__(self) -> int:
        return len(self.heading)

    def crop(self, start: int, stop: int) -> 'Plan':
        return Plan(**{f.name: getattr(self, f.name)[start:stop] for f in fields(self)})


@dataclass
class State:
    """Where a segment ends: flat feet (2, 3) on the ground, their yaws (2,), heading, pelvis (3,)."""

    foot: np.ndarray
    foot_yaw: np.ndarray
    heading: float
    pelvis: np.ndarray

    @property
    def centre(self) -> np.ndarray:
        """Ground point (x, z) between the feet."""
        return self.foot[:, [0, 2]].mean(0)


@dataclass
class Style:
    """Per-sequence personal traits. arm_hang: shoulder lowering from the T-pose (rad); arm_out: extra
    abduction; elbow: resting flexion; posture: spine flexion; stance: ankle-to-ankle width (m);
    toe_out: foot turn-out (rad); vigour: amplitude scale of oscillations."""

    arm_hang: float
    arm_out: float
    elbow: float
    posture: float
    stance: float
    toe_out: float
    vigour: float


def sample_style(rng: np.random.Generator, rig: Rig) -> Style:
    return Style(arm_hang=rng.uniform(1.22, 1.34), arm_out=rng.uniform(0.0, 0.08), elbow=rng.uniform(0.15, 0.4),
                 posture=rng.uniform(-0.04, 0.08), stance=rig.hip_width * rng.uniform(1.0, 1.9),
                 toe_out=rng.uniform(0.05, 0.22), vigour=rng.uniform(0.8, 1.2))


ANKLE_AIR = 0.25  # rad: a relaxed foot in the air is slightly plantarflexed
STAND_SAG = 0.012  # m: a standing pelvis sits this much below the rest pelvis (soft knees)


def standing_height(rig: Rig) -> float:
    """Pelvis height of a relaxed standing body."""
    return rig.pelvis_height - STAND_SAG


def standing_pose(style: Style, frames: int) -> np.ndarray:
    """Relaxed upright pose (frames, 21, 3): arms hanging by the sides, slightly bent elbows."""
    pose = np.zeros((frames, NUM_POSE, 3))
    for side, sign in zip(('left', 'right'), SIDE_SIGN):
        pose[:, P(f'{side}_shoulder'), RAISE] = -sign * (style.arm_hang - style.arm_out)
        pose[:, P(f'{side}_collar'), 2] = -sign * 0.05
        pose[:, P(f'{side}_elbow'), 1] = -sign * style.elbow
        pose[:, P(f'{side}_wrist'), 2] = -sign * 0.1
    for name in ('spine1', 'spine2', 'spine3'):
        pose[:, P(name), 0] = style.posture / 3
    pose[:, P('neck'), 0] = -style.posture / 2
    return pose


def stance_state(rig: Rig, style: Style, centre, heading: float) -> State:
    """A standing ``State``: feet ``style.stance`` apart about ``centre`` (x, z), turned out by ``style.toe_out``."""
    _, left = heading_vectors(heading)
    feet = np.asarray(centre)[None] + 0.5 * style.stance * SIDE_SIGN[:, None] * left[None]
    foot = np.stack([feet[:, 0], np.zeros(2), feet[:, 1]], axis=-1)
    pelvis = np.array([centre[0], standing_height(rig), centre[1]])
    return State(foot=foot, foot_yaw=heading + SIDE_SIGN * style.toe_out, heading=heading, pelvis=pelvis)


def hold_plan(state: State, pose: np.ndarray, pelvis: np.ndarray, frames: int) -> Plan:
    """Feet planted where ``state`` has them, heading kept; pelvis (T, 3) and pose (T, 21, 3) given."""
    return Plan(pelvis=pelvis, heading=np.full(frames, state.heading), pelvis_tilt=np.zeros((frames, 3)), pose=pose,
                foot=np.repeat(state.foot[None], frames, 0), foot_yaw=np.repeat(state.foot_yaw[None], frames, 0),
                foot_pitch=np.zeros((frames, 2)), ankle_air=np.full((frames, 2), ANKLE_AIR))


def end_state(plan: Plan) -> State:
    """The ``State`` at the last frame of ``plan`` (feet put down flat)."""
    foot = plan.foot[-1].copy()
    foot[:, 1] = 0.0
    return State(foot=foot, foot_yaw=plan.foot_yaw[-1].copy(), heading=float(plan.heading[-1]),
                 pelvis=plan.pelvis[-1].copy())


def join(first: Plan, second: Plan, fps: float, blend_seconds: float) -> Plan:
    """``first`` then ``second``; pelvis, tilt and pose of ``second`` are inertialised from the end of ``first``."""
    t = np.arange(len(second)) / fps
    parts = {}
    for f in fields(Plan):
        a, b = getattr(first, f.name), getattr(second, f.name)
        if f.name in BLEND_FIELDS and len(a) > 1 and len(b) > 1:
            x0 = a[-1] - b[0]
            v0 = (a[-1] - a[-2]) * fps - (b[1] - b[0]) * fps
            b = b + inertialize(x0, v0, t, blend_seconds)
        parts[f.name] = np.concatenate([a, b], axis=0)
    return Plan(**parts)


def layer(base: Plan, pose: np.ndarray, weight: np.ndarray) -> Plan:
    """Blend an upper-body ``pose`` (T, 21, 3) over ``base`` with per-frame, per-joint ``weight`` (T, 21)."""
    return replace(base, pose=base.pose + weight[..., None] * (pose - base.pose))
