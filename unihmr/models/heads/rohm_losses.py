"""RoHM's training losses (eq. 18; released weights in ``RoHMHead``'s ``losses``): x0 MSE, joint positions, joint
velocities and, for PoseNet, foot skating under ground-truth contact. TrajNet and TrajControl fit the root joint
only (paper 4.4). Squared errors averaged over valid frames (velocities: over pairs of valid frames)."""
import torch

from unihmr.body.joint_sets import FEET_JOINTS
from unihmr.models.losses import masked_mean


def frame_velocity(x: torch.Tensor) -> torch.Tensor:
    """Per-frame displacement (B, T-1, ...) of a (B, T, ...) track."""
    return x[:, 1:] - x[:, :-1]


def trajectory_losses(pred: torch.Tensor, target: torch.Tensor, pelvis: torch.Tensor, pelvis_gt: torch.Tensor,
                      valid: torch.Tensor, weights: dict) -> dict:
    """TrajNet / TrajControl: pred, target (B, T, 13) normalised; pelvis, pelvis_gt (B, T, 3) metres; valid (B, T)."""
    pairs = (valid[:, 1:] & valid[:, :-1])[..., None]
    return {'loss_x0': weights['x0'] * masked_mean((pred - target).square(), valid[..., None]),
            'loss_root': weights['joints'] * masked_mean((pelvis - pelvis_gt).square(), valid[..., None]),
            'loss_root_vel': weights['velocity'] * masked_mean(
                (frame_velocity(pelvis) - frame_velocity(pelvis_gt)).square(), pairs)}


def pose_losses(pred: torch.Tensor, x0: torch.Tensor, fitted: torch.Tensor, joints: torch.Tensor,
                joints_gt: torch.Tensor, valid: torch.Tensor, contact, weights: dict) -> dict:
    """PoseNet / MDM++: pred, x0 (B, T, dim) normalised, ``fitted`` (dim,) bool the coordinates it predicts;
    joints, joints_gt (B, T, 22, 3) canonical; valid (B, T); contact (B, T, 4) in ``FEET_JOINTS`` order, or None."""
    frames = valid[..., None]
    pairs = (valid[:, 1:] & valid[:, :-1])[..., None, None]
    velocity, velocity_gt = frame_velocity(joints), frame_velocity(joints_gt)
    losses = {'loss_x0': weights['x0'] * masked_mean((pred - x0)[..., fitted].square(), frames),
              'loss_joints': weights['joints'] * masked_mean((joints - joints_gt).square(), frames[..., None]),
              'loss_velocity': weights['velocity'] * masked_mean((velocity - velocity_gt).square(), pairs)}
    if weights['skating'] and contact is not None:
        on = contact[:, :-1].to(velocity)[..., None]  # (B, T-1, 4, 1)
        losses['loss_skating'] = weights['skating'] * masked_mean(
            (on * velocity[:, :, list(FEET_JOINTS)]).square(), pairs.expand_as(on))
    return losses
