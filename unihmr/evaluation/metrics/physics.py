"""Physical-plausibility metrics (RoHM, CVPR 2024, sec. 5.2): foot-skating ratio, ground penetration,
foot-contact accuracy.

RoHM: "Foot skating ratio (Skating) measures how often feet slide on the floor. We define sliding as
happening when the velocity of all foot joints exceeds 10cm/s, toe joints' height above the ground is
lower than 10cm, and ankle joints' height is lower than 15cm. The mean ground penetration distance
(Dist) measures to what extent left and right toe joints penetrate into the ground, measured in mm."
As in RoHM's evaluation code, velocities are horizontal, heights are taken at the first frame of each
step, a frame skates only when both feet meet the condition, and contact labels are thresholded at 0.5.

Inputs are world-frame joints in metres ``(..., T, J, 3)``; the up axis defaults to y (the data
contract: gravity along -y, ground at y = 0). RoHM measures heights from the lowest GT joint of the
clip; pass ``floor_height=lowest_height(gt_joints)`` for that convention.
"""
from typing import Sequence, Union

import torch

from unihmr.body.joint_sets import BODY_JOINT_NAMES, FEET_JOINT_NAMES
from unihmr.utils.validation import check_same_shape, check_tensor

from .common import M_TO_MM, frame_finite

SKATE_VELOCITY = 0.10  # m/s: every foot joint moves faster than this horizontally
SKATE_TOE_HEIGHT = 0.10  # m: toe joints lower than this
SKATE_ANKLE_HEIGHT = 0.15  # m: ankle joints lower than this
CONTACT_THRESHOLD = 0.5  # a predicted contact probability above this counts as contact
UP_AXIS = 1  # y up

ANKLES = (BODY_JOINT_NAMES.index('left_ankle'), BODY_JOINT_NAMES.index('right_ankle'))
TOES = (BODY_JOINT_NAMES.index('left_foot'), BODY_JOINT_NAMES.index('right_foot'))  # SMPL-X 'foot' = toe joint

_SEQ = (..., None, None, 3)
Floor = Union[float, torch.Tensor]


def lowest_height(joints: torch.Tensor, up_axis: int = UP_AXIS) -> torch.Tensor:
    """Lowest finite joint height over a clip (..., T, J, 3) -> (...), metres (RoHM's floor)."""
    h = joints[..., up_axis]
    h = torch.where(torch.isfinite(h), h, torch.full_like(h, float('inf')))
    return h.flatten(-2).min(-1).values


def _heights(joints: torch.Tensor, idx: Sequence[int], up_axis: int, floor_height: Floor) -> torch.Tensor:
    floor = torch.as_tensor(floor_height, dtype=joints.dtype)
    return joints[..., list(idx), up_axis] - floor[..., None, None]


def skating_ratio(joints: torch.Tensor, fps: float = 30.0, floor_height: Floor = 0.0, up_axis: int = UP_AXIS,
                  velocity: float = SKATE_VELOCITY, toe_height: float = SKATE_TOE_HEIGHT,
                  ankle_height: float = SKATE_ANKLE_HEIGHT) -> torch.Tensor:
    """Per-step skating indicator: (..., T, J, 3) metres -> (..., T-1) in {0, 1}; NaN for steps touching a frame
    with a non-finite joint.

    Step ``t -> t+1`` skates when, for both feet, the ankle and toe joints move faster than ``velocity``
    m/s horizontally, the toe is below ``toe_height`` and the ankle below ``ankle_height`` (heights at
    frame t above ``floor_height``, a float or a (...) tensor). The mean over steps is RoHM's ratio.
    """
    check_tensor('joints', joints, _SEQ)
    horizontal = [axis for axis in range(3) if axis != up_axis]
    step = joints[..., 1:, :, :] - joints[..., :-1, :, :]
    speed = step[..., horizontal].norm(dim=-1) * fps  # (..., T-1, J) horizontal speed, m/s
    ankle_v, toe_v = speed[..., list(ANKLES)], speed[..., list(TOES)]  # (..., T-1, 2) left/right
    ankle_h = _heights(joints, ANKLES, up_axis, floor_height)[..., :-1, :]
    toe_h = _heights(joints, TOES, up_axis, floor_height)[..., :-1, :]
    per_foot = (ankle_v > velocity) & (toe_v > velocity) & (ankle_h < ankle_height) & (toe_h < toe_height)
    skating = per_foot.all(-1).to(joints.dtype)
    finite = frame_finite(joints)
    finite = finite[..., 1:] & finite[..., :-1] & torch.as_tensor(floor_height).isfinite()[..., None]
    return torch.where(finite, skating, torch.full_like(skating, float('nan')))


def ground_penetration(joints: torch.Tensor, floor_height: Floor = 0.0, up_axis: int = UP_AXIS) -> torch.Tensor:
    """Mean penetration depth of the two toe joints below the floor: (..., T, J, 3) metres -> (..., T) mm.

    Toes above the floor count as 0 (RoHM averages the clipped depth over all frames and both toes);
    frames with a non-finite joint give NaN.
    """
    check_tensor('joints', joints, _SEQ)
    depth = (-_heights(joints, TOES, up_axis, floor_height)).clamp_min(0.0).mean(-1) * M_TO_MM
    return torch.where(frame_finite(joints), depth, torch.full_like(depth, float('nan')))


def contact_accuracy(pred_contact: torch.Tensor, gt_contact: torch.Tensor,
                     threshold: float = CONTACT_THRESHOLD) -> torch.Tensor:
    """Fraction of correct foot-contact labels per frame: (..., 4) -> (...) in [0, 1].

    Label order ``FEET_JOINT_NAMES`` (left/right ankle, left/right foot). Predictions (probabilities or
    0/1) and GT are both thresholded at ``threshold``; non-finite labels give NaN.
    """
    n = len(FEET_JOINT_NAMES)
    check_tensor('pred_contact', pred_contact, (..., n), floating=False)
    check_tensor('gt_contact', gt_contact, (..., n), floating=False)
    check_same_shape('pred_contact', pred_contact, 'gt_contact', gt_contact)
    pred = pred_contact.double()
    gt = gt_contact.double()
    correct = ((pred > threshold) == (gt > threshold)).double().mean(-1)
    finite = torch.isfinite(pred).all(-1) & torch.isfinite(gt).all(-1)
    return torch.where(finite, correct, torch.full_like(correct, float('nan')))
