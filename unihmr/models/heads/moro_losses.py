"""MoRo's training losses (supp. A.5; specs/moro.md, "Training"): cross-entropy on masked tokens; a Gumbel-softmax
(straight-through, hard) path from the logits through the codebook, the smoother and the frozen mesh decoder; and
on what it decodes, local vertices, camera-frame joints, their velocities, the 2D reprojection and foot skating.
Vertex and joint terms are RMSE in MoRo's sense: the mean L2 distance, not squared.
"""
import math

import torch
import torch.nn.functional as F

from unihmr.body.joint_sets import FEET_JOINTS
from unihmr.geometry.camera import project_points
from unihmr.models.losses import masked_mean

MIN_DEPTH = 0.1  # m: joints nearer the camera plane (an untrained trajectory) are left out of the reprojection


def gumbel_temperature(progress: float, start: float = 1.0, end: float = 0.01) -> float:
    """Cosine annealing from ``start`` to ``end`` over training ``progress`` in [0, 1]."""
    progress = min(max(progress, 0.0), 1.0)
    return end + 0.5 * (start - end) * (1 + math.cos(math.pi * progress))


def masked_cross_entropy(logits: torch.Tensor, ids: torch.Tensor, masked: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy of ``logits`` (..., K) against ``ids`` (...) over the ``masked`` (...) positions."""
    losses = F.cross_entropy(logits.flatten(0, -2).float(), ids.flatten().long(), reduction='none')
    return masked_mean(losses, masked.flatten().to(losses))


def gumbel_vectors(logits: torch.Tensor, codebook: torch.Tensor, temperature: float, given: torch.Tensor,
                   masked: torch.Tensor) -> torch.Tensor:
    """Code vectors (..., L) of hard Gumbel-softmax samples of ``logits`` (..., K) (straight-through: the forward
    pass uses one code, gradients reach the logits) where ``masked``; ``given`` (..., L) elsewhere."""
    soft = F.gumbel_softmax(logits.float(), tau=temperature, hard=True) @ codebook.to(torch.float32)
    return torch.where(masked[..., None], soft.to(given), given)


def distance_mean(points: torch.Tensor, target: torch.Tensor, frames: torch.Tensor) -> torch.Tensor:
    """Mean L2 distance of (B, T, N, 3) points over the valid ``frames`` (B, T)."""
    return masked_mean((points - target).norm(dim=-1), frames[..., None].expand(points.shape[:-1]))


def camera_joint_losses(joints: torch.Tensor, batch: dict, valid: torch.Tensor, weights: dict,
                        skating_speed: float = 0.1, fps: float = 30.0) -> dict:
    """Global (camera-frame) joint terms of ``joints`` (B, T, 22, 3) against ``batch['joints_c']``: position RMSE,
    velocity RMSE, 2D reprojection (distance in box units: pixels / box size; joints at least ``MIN_DEPTH`` in
    front of the camera) and skating (feet speed above
    ``skating_speed`` m/s where the ground truth is in contact, a hinge). One-frame sequences get no velocity or
    skating term."""
    target = batch['joints_c'].to(joints)
    pairs = valid[:, 1:] & valid[:, :-1]
    velocity, velocity_gt = joints[:, 1:] - joints[:, :-1], target[:, 1:] - target[:, :-1]
    size = batch['bbox'][..., 2].clamp(min=1.0).to(joints)[..., None, None]
    K = batch['K'].to(joints)
    pixels, pixels_gt = project_points(joints, K) / size, project_points(target, K) / size
    in_front = valid[..., None] & (joints[..., 2] > MIN_DEPTH) & (target[..., 2] > MIN_DEPTH)
    losses = {'loss_joints': weights['joints'] * distance_mean(joints, target, valid),
              'loss_reprojection': weights['reprojection'] * masked_mean((pixels - pixels_gt).norm(dim=-1),
                                                                         in_front.to(pixels))}
    if joints.shape[1] < 2:  # single frames (images): the motion terms do not apply (paper 4.5, after eq. 6)
        return losses
    losses['loss_velocity'] = weights['velocity'] * distance_mean(velocity, velocity_gt, pairs)
    if weights['skating'] and batch.get('contact') is not None:
        speed = velocity[:, :, list(FEET_JOINTS)].norm(dim=-1) * fps  # (B, T-1, 4) m/s
        on = (batch['contact'][:, :-1] > 0.5) & pairs[..., None]
        losses['loss_skating'] = weights['skating'] * masked_mean(F.relu(speed - skating_speed), on.to(speed))
    return losses
