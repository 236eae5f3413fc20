"""Cut a BVH clip to its longest stretch without a jump.

Many BVH exports put a reference frame first (a bind or T-pose, often somewhere else on the floor) or splice
takes together: in 10 of the 58 CMU clips of the Character-Creator conversion the first frame stands 2 m from the
second (a root speed of 115-150 m/s). Kept, such a frame becomes a window whose root velocity and joint motion no
body can produce. A transition between two frames is a jump when the pelvis moves faster than ``MAX_ROOT_SPEED``
or any mapped joint faster than ``MAX_JOINT_SPEED`` (both in metres per second for legs of ``LEG_LENGTH``; the
clip's own legs set its scale, so the file's unit does not matter). The longest run of frames with no jump
inside is kept, and the report says which frames of the file it is.
"""
import dataclasses

import numpy as np

from unihmr.body.joint_sets import BODY_PARENTS
from unihmr.data.bvh.reader import BVHFormatError, BVHMotion
from unihmr.data.bvh.retarget import LEG_BONES

MAX_ROOT_SPEED = 15.0  # m/s: above a sprinter's top speed (~12 m/s)
MAX_JOINT_SPEED = 50.0  # m/s: above the hand of a pitch (~40 m/s)
LEG_LENGTH = 0.9  # m, hip to ankle of an adult


def leg_scale(positions: np.ndarray) -> float:
    """Metres per file unit for legs of ``LEG_LENGTH``: (F, 22, 3) mapped joints (any unit) -> scalar."""
    bones = positions[:, list(LEG_BONES)] - positions[:, [BODY_PARENTS[j] for j in LEG_BONES]]  # thighs, shins
    leg = np.median(np.linalg.norm(bones, axis=-1), axis=0).sum() / 2  # the legs of ``rescaled_targets``' scale
    return LEG_LENGTH / max(leg, 1e-9)


def jumps(positions: np.ndarray, fps: float) -> np.ndarray:
    """(F, 22, 3) mapped joints (pelvis first), any unit -> (F - 1,) bool: frame f to f + 1 is a jump."""
    speed = np.linalg.norm(np.diff(positions, axis=0), axis=-1) * fps * leg_scale(positions)  # (F-1, 22)
    return (speed[:, 0] > MAX_ROOT_SPEED) | (speed.max(-1) > MAX_JOINT_SPEED)


def longest_span(is_jump: np.ndarray) -> tuple:
    """(F - 1,) jump flags -> (start, stop): the longest run of frames with no jump between them (first if tied)."""
    cuts = np.concatenate([[0], np.flatnonzero(is_jump) + 1, [len(is_jump) + 1]])
    lengths = np.diff(cuts)
    best = int(lengths.argmax())
    return int(cuts[best]), int(cuts[best + 1])


def trim_jumps(motion: BVHMotion, positions: np.ndarray) -> tuple:
    """``motion`` cut to its longest stretch without a jump, given its mapped joints ``positions`` (F, 22, 3);
    returns (motion, report): report ``kept_frames`` [start, stop) of the file and ``jumps`` found."""
    if motion.num_frames < 2:
        return motion, dict(kept_frames=[0, motion.num_frames], jumps=0)
    is_jump = jumps(positions, 1.0 / motion.frame_time)
    start, stop = longest_span(is_jump)
    if stop - start < 2:
        raise BVHFormatError(f'{motion.source}: every frame jumps from the one before (pelvis faster than '
                             f'{MAX_ROOT_SPEED} m/s or a joint faster than {MAX_JOINT_SPEED} m/s); no motion to keep')
    report = dict(kept_frames=[start, stop], jumps=int(is_jump.sum()))
    if (start, stop) == (0, motion.num_frames):
        return motion, report
    return dataclasses.replace(motion, rotations=motion.rotations[start:stop],
                               positions=motion.positions[start:stop]), report


__all__ = ['MAX_JOINT_SPEED', 'MAX_ROOT_SPEED', 'jumps', 'leg_scale', 'longest_span', 'trim_jumps']
