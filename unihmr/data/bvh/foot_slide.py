"""How far the stance foot slides in a converted clip: a check that the pelvis path and the legs agree.

A walk whose pelvis path is scaled wrongly for its legs drags (or pushes) the planted foot along the walking
direction. ``stance_foot_slide`` is the median speed of the slower ankle along the pelvis's direction of travel,
as a fraction of the mean pelvis speed: about 0.06-0.07 in the CMU BVH files themselves (the foot rolls from heel
to toe), ~0.18 when the path is 12% too long. None for a clip whose pelvis travels slower than
``MIN_TRAVEL_SPEED`` (in place, the ratio means nothing).
"""
from typing import Optional

import numpy as np

from unihmr.body.joint_sets import BODY_JOINT_NAMES

ANKLES = (BODY_JOINT_NAMES.index('left_ankle'), BODY_JOINT_NAMES.index('right_ankle'))
MIN_TRAVEL_SPEED = 0.5  # m/s, horizontal


def stance_foot_slide(joints: np.ndarray, fps: float) -> Optional[float]:
    """(F, 22, 3) world joints in metres, y up -> slide of the stance foot as a fraction of the pelvis speed."""
    if joints.shape[0] < 3:
        return None
    step = np.diff(joints[:, 0], axis=0) * np.array([1.0, 0.0, 1.0])  # (F-1, 3) horizontal pelvis motion
    speed = np.linalg.norm(step, axis=-1) * fps
    if speed.mean() < MIN_TRAVEL_SPEED:
        return None
    direction = step / np.maximum(np.linalg.norm(step, axis=-1, keepdims=True), 1e-12)
    ankle_velocity = np.diff(joints[:, list(ANKLES)], axis=0) * fps  # (F-1, 2, 3)
    stance = np.linalg.norm(ankle_velocity, axis=-1).argmin(-1)  # the slower ankle
    along = (ankle_velocity[np.arange(len(stance)), stance] * direction).sum(-1)
    return float(np.median(along) / speed.mean())


__all__ = ['MIN_TRAVEL_SPEED', 'stance_foot_slide']
