"""Calibrate the ankles' rest alignment so that a planted foot stands flat.

A rig's ankle-to-toe bone is rig geometry (``retarget.GEOMETRY``): at a standing reference frame the SMPL-X ankle
is taken neutral, so the foot comes out as flat as the BVH foot happens to be in that frame, and the most upright
frame of a clip is often mid-swing. In the Character-Creator conversion of the CMU clips the shared alignment left
every SMPL-X foot plantarflexed by about 14 degrees: a subject standing still stood on the toe tips, the ankles
4-6 cm and the toe bases 2-4 cm above their flat-foot heights in every frame, and the contact rule
(``unihmr.data.synthetic.motion.grounding``) never fired on real motion.

The correction uses the frames where a foot is planted (*stance*: its ankle and toe base both slower than
``STANCE_SPEED`` and the toe base within ``STANCE_HEIGHT`` of the lowest toe base of the clip; both in metres
for legs of ``continuity.LEG_LENGTH``, so the file's unit does not matter). There the SMPL-X ankle's world
rotation ``M(t) = G_bvh(t) A`` should be a turn about the vertical only (the rest foot is flat); each frame's
``C(t) = M(t)^T heading(M(t))`` removes its tilt, and the geodesic median ``C`` over every stance frame of a rig's
clips turns the ankle's and the toe base's alignment: ``A <- A C`` (the toe base is a leaf and takes the ankle's
alignment at the reference, so both turn together).
"""
import numpy as np
import roma
import torch

from unihmr.body.joint_sets import BODY_JOINT_NAMES
from unihmr.data.bvh.continuity import leg_scale
from unihmr.data.bvh.retarget import mean_alignment
from unihmr.data.synthetic.motion.grounding import CONTACT_SPEED, joint_velocity
from unihmr.geometry.trajectory import heading_rotation

STANCE_SPEED = CONTACT_SPEED  # m/s for a leg of LEG_LENGTH: the contact rule's speed
STANCE_HEIGHT = 0.03  # m for a leg of LEG_LENGTH, above the clip's lowest toe base
MIN_STANCE_FRAMES = 10  # per side over a rig's clips: fewer and the alignment is left as it is
SIDES = tuple((side, BODY_JOINT_NAMES.index(f'{side}_ankle'), BODY_JOINT_NAMES.index(f'{side}_foot'))
              for side in ('left', 'right'))


def stance_frames(positions: np.ndarray, fps: float, ankle: int, toe: int) -> np.ndarray:
    """(F,) bool: the foot (``ankle``, ``toe`` joint indices) is planted; positions (F, 22, 3) y up, any unit."""
    if len(positions) < 3:
        return np.zeros(len(positions), dtype=bool)
    scaled = positions * leg_scale(positions)
    velocity = joint_velocity(scaled[:, [ankle, toe]], fps)
    speed = np.linalg.norm(velocity, axis=-1).max(-1)
    height = scaled[:, toe, 1]
    return (speed < STANCE_SPEED) & (height < height.min() + STANCE_HEIGHT)


def flat_foot_correction(skeletons, alignment: np.ndarray) -> tuple:
    """The alignment (22, 3, 3) with each ankle and toe base turned so that planted feet stand flat, and a report.

    skeletons: the rig's clips (``retarget.Skeleton``: world rotations and positions of the mapped joints, y up)
    with their frame rates, as (skeleton, fps) pairs; alignment: the rig's shared rest alignment."""
    corrected, report = alignment.copy(), {}
    for side, ankle, toe in SIDES:
        tilts = []
        for skeleton, fps in skeletons:
            planted = stance_frames(skeleton.positions, fps, ankle, toe)
            world = torch.as_tensor(skeleton.rotations[planted, ankle] @ alignment[ankle])  # (N, 3, 3) SMPL-X ankle
            tilts.append((world.transpose(-1, -2) @ heading_rotation(world)).numpy())
        tilts = np.concatenate(tilts)
        if len(tilts) < MIN_STANCE_FRAMES:
            report[side] = dict(stance_frames=len(tilts), correction_deg=0.0)
            continue
        correction, spread = mean_alignment(tilts[:, None])
        corrected[[ankle, toe]] = alignment[[ankle, toe]] @ correction[0]
        angle = np.degrees(roma.rotmat_to_rotvec(torch.as_tensor(correction[0])).norm().item())
        report[side] = dict(stance_frames=len(tilts), correction_deg=float(angle),
                            spread_deg_median=float(np.median(spread)))
    return corrected, report


__all__ = ['MIN_STANCE_FRAMES', 'STANCE_HEIGHT', 'STANCE_SPEED', 'flat_foot_correction', 'stance_frames']
