"""Camera-space metrics (GVHMR-compatible): MPJPE, PA-MPJPE, PVE in mm, acceleration error in m/s².

Inputs are camera-space joints / vertices in metres, ``(..., J, 3)`` with any leading dims (frames,
batch). Errors are root-aligned first: the mean of ``root_idxs`` joints (default the pelvis, joint 0;
GVHMR's SMPL protocol uses the hips ``(1, 2)``) is subtracted from each body. ``root_idxs=None``
disables root alignment.
"""
from typing import Optional, Sequence

import torch

from unihmr.geometry.alignment import similarity_procrustes
from unihmr.geometry.camera import project_points

from .common import M_TO_MM, ROOT_JOINTS, align_root, check_pair, joint_errors


def mpjpe(pred: torch.Tensor, gt: torch.Tensor,
          root_idxs: Optional[Sequence[int]] = ROOT_JOINTS) -> torch.Tensor:
    """Root-aligned mean per-joint position error: (..., J, 3) metres -> (...) mm."""
    check_pair(pred, gt)
    return joint_errors(align_root(pred, root_idxs=root_idxs), align_root(gt, root_idxs=root_idxs)).mean(-1) * M_TO_MM


def pa_mpjpe(pred: torch.Tensor, gt: torch.Tensor) -> torch.Tensor:
    """MPJPE after a per-frame similarity Procrustes fit of ``pred`` onto ``gt``: (..., J, 3) -> (...) mm.

    The fit absorbs any translation, so root alignment does not change it.
    """
    check_pair(pred, gt)
    return joint_errors(similarity_procrustes(pred, gt), gt).mean(-1) * M_TO_MM


def reprojection_error(pred: torch.Tensor, gt: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    """Mean 2D distance (pixels) between the perspective projections of predicted and GT camera-space joints.

    pred, gt: (..., J, 3) absolute camera-frame joints (metres, not root-aligned); K: (3, 3) or (..., 3, 3)
    full-image intrinsics. Returns (...) pixels. Measures how well a prediction explains the image, which
    keypoint guidance (ScoreHMR eq. 12) optimises.
    """
    check_pair(pred, gt)
    return (project_points(pred, K) - project_points(gt, K)).norm(dim=-1).mean(-1)


def pve(pred_verts: torch.Tensor, gt_verts: torch.Tensor, pred_joints: torch.Tensor, gt_joints: torch.Tensor,
        root_idxs: Optional[Sequence[int]] = ROOT_JOINTS) -> torch.Tensor:
    """Per-vertex error (..., V, 3) -> (...) mm, each mesh aligned by the root of its own joints (..., J, 3).

    Valid only when prediction and ground truth share a body-model backend (same topology).
    """
    check_pair(pred_verts, gt_verts, names=('pred_verts', 'gt_verts'))
    check_pair(pred_joints, gt_joints, names=('pred_joints', 'gt_joints'))
    if pred_verts.shape[:-2] != pred_joints.shape[:-2]:
        raise ValueError(f'pred_verts and pred_joints must share leading dims, got {tuple(pred_verts.shape)} '
                         f'and {tuple(pred_joints.shape)}')
    pred_v = align_root(pred_verts, pred_joints, root_idxs)
    gt_v = align_root(gt_verts, gt_joints, root_idxs)
    return joint_errors(pred_v, gt_v).mean(-1) * M_TO_MM


def second_difference(x: torch.Tensor, fps: float) -> torch.Tensor:
    """Central acceleration ``(x[t+1] - 2 x[t] + x[t-1]) * fps²`` along dim -3: (..., T, J, 3) -> (..., T-2, J, 3)."""
    return (x[..., 2:, :, :] - 2 * x[..., 1:-1, :, :] + x[..., :-2, :, :]) * fps ** 2


def accel_error(pred: torch.Tensor, gt: torch.Tensor, fps: float = 30.0,
                root_idxs: Optional[Sequence[int]] = ROOT_JOINTS) -> torch.Tensor:
    """Acceleration error: (..., T, J, 3) metres -> (..., T-2) m/s², mean over joints.

    Value ``i`` belongs to frame ``i + 1`` (the centre of the three frames it uses).
    """
    check_pair(pred, gt, (..., None, None, 3))
    if pred.shape[-3] < 3:
        raise ValueError(f'pred: accel_error needs at least 3 frames along dim -3, got shape {tuple(pred.shape)}')
    acc_pred = second_difference(align_root(pred, root_idxs=root_idxs), fps)
    acc_gt = second_difference(align_root(gt, root_idxs=root_idxs), fps)
    return joint_errors(acc_pred, acc_gt).mean(-1)


__all__ = ['mpjpe', 'pa_mpjpe', 'pve', 'accel_error', 'second_difference']
