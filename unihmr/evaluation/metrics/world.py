"""World-space metrics (GVHMR / WHAM protocol): WA-MPJPE, W-MPJPE, RTE, jitter, foot sliding, G-MPJPE.

Inputs are world-frame joints in metres, ``(..., T, J, 3)`` (time on dim -3, any leading dims), with
invalid frames already removed. Sequences are cut into chunks of ``chunk_length`` (100) frames for
WA-/W-MPJPE; the last chunk may be shorter.
"""
from typing import Sequence

import torch

from unihmr.body.joint_sets import FEET_JOINTS
from unihmr.geometry.alignment import apply_similarity, umeyama
from unihmr.utils.validation import check_tensor

from .common import M_TO_MM, check_pair, frame_finite, joint_errors

CHUNK_LENGTH = 100  # frames per WA-/W-MPJPE chunk
NUM_FIRST_ALIGN_FRAMES = 2  # W-MPJPE fits on the first 2 frames of a chunk
CONTACT_DISPLACEMENT = 0.01  # m/frame: a GT foot point moving less than this is in contact
JITTER_UNIT = 10.0  # jitter is reported in units of 10 m/s³

_SEQ = (..., None, None, 3)


def _flatten_frames(x: torch.Tensor) -> torch.Tensor:
    """(..., L, J, 3) -> (..., L*J, 3)."""
    return x.reshape(*x.shape[:-3], -1, 3)


def _chunked_aligned_error(pred: torch.Tensor, gt: torch.Tensor, chunk_length: int, fit_frames: int) -> torch.Tensor:
    """Per-frame error (..., T) in mm after a similarity fit per chunk on the first ``fit_frames`` frames.

    ``fit_frames=0`` fits on the whole chunk.
    """
    if chunk_length < 1:
        raise ValueError(f'chunk_length: expected a positive number of frames, got {chunk_length}')
    errors = []
    for start in range(0, pred.shape[-3], chunk_length):
        p = pred[..., start:start + chunk_length, :, :]
        g = gt[..., start:start + chunk_length, :, :]
        n_fit = p.shape[-3] if fit_frames == 0 else fit_frames
        scale, R, t = umeyama(_flatten_frames(p[..., :n_fit, :, :]), _flatten_frames(g[..., :n_fit, :, :]))
        aligned = apply_similarity(_flatten_frames(p), scale, R, t).reshape(p.shape)
        errors.append(joint_errors(aligned, g).mean(-1))
    return torch.cat(errors, dim=-1) * M_TO_MM


def wa_mpjpe(pred: torch.Tensor, gt: torch.Tensor, chunk_length: int = CHUNK_LENGTH) -> torch.Tensor:
    """World-aligned MPJPE: similarity fit on each whole chunk; (..., T, J, 3) metres -> (..., T) mm."""
    check_pair(pred, gt, _SEQ)
    return _chunked_aligned_error(pred, gt, chunk_length, fit_frames=0)


def w_mpjpe(pred: torch.Tensor, gt: torch.Tensor, chunk_length: int = CHUNK_LENGTH,
            num_align_frames: int = NUM_FIRST_ALIGN_FRAMES) -> torch.Tensor:
    """MPJPE after a similarity fit on the first ``num_align_frames`` frames of each chunk (drift-sensitive).

    (..., T, J, 3) metres -> (..., T) mm.
    """
    check_pair(pred, gt, _SEQ)
    if num_align_frames < 1:
        raise ValueError(f'num_align_frames: expected >= 1, got {num_align_frames}')
    return _chunked_aligned_error(pred, gt, chunk_length, fit_frames=num_align_frames)


def g_mpjpe(pred: torch.Tensor, gt: torch.Tensor) -> torch.Tensor:
    """Global MPJPE without any alignment: (..., J, 3) metres -> (...) mm."""
    check_pair(pred, gt)
    return joint_errors(pred, gt).mean(-1) * M_TO_MM


def masked_g_mpjpe(pred: torch.Tensor, gt: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Global errors of the joints selected by ``mask`` (..., J) bool, no alignment: (..., J, 3) metres -> (N,) mm
    (RoHM's GMPJPE vis / occ)."""
    check_pair(pred, gt)
    check_tensor('mask', mask, pred.shape[:-1], floating=False)
    return (joint_errors(pred, gt) * M_TO_MM)[mask.bool()]


def path_length(traj: torch.Tensor) -> torch.Tensor:
    """Total length (...) of a trajectory (..., T, 3), summing the finite steps only; metres."""
    steps = (traj[..., 1:, :] - traj[..., :-1, :]).norm(dim=-1)
    return torch.where(torch.isfinite(steps), steps, torch.zeros_like(steps)).sum(-1)


def rte(pred_root: torch.Tensor, gt_root: torch.Tensor) -> torch.Tensor:
    """Root translation error: (..., T, 3) metres -> (..., T) in % of the GT path length.

    The predicted root trajectory is rigidly aligned (rotation + translation, no scale) to the GT over
    the whole sequence; each frame's root distance is divided by the total GT path length. A GT path of
    length 0 gives non-finite values (RTE is undefined for a static root).
    """
    check_pair(pred_root, gt_root, (..., None, 3), names=('pred_root', 'gt_root'))
    scale, R, t = umeyama(pred_root, gt_root, with_scale=False)
    aligned = apply_similarity(pred_root, scale, R, t)
    return joint_errors(aligned, gt_root) / path_length(gt_root)[..., None] * 100.0


def jitter(joints: torch.Tensor, fps: float = 30.0) -> torch.Tensor:
    """Mean norm of the third time derivative (jerk): (..., T, J, 3) metres -> (..., T-3) in 10 m/s³."""
    check_tensor('joints', joints, _SEQ)
    if joints.shape[-3] < 4:
        raise ValueError(f'joints: jitter needs at least 4 frames along dim -3, got shape {tuple(joints.shape)}')
    jerk = (joints[..., 3:, :, :] - 3 * joints[..., 2:-1, :, :] + 3 * joints[..., 1:-2, :, :]
            - joints[..., :-3, :, :]) * fps ** 3
    return jerk.norm(dim=-1).mean(-1) / JITTER_UNIT


def foot_sliding(pred: torch.Tensor, gt: torch.Tensor, foot_idxs: Sequence[int] = FEET_JOINTS,
                 threshold: float = CONTACT_DISPLACEMENT) -> torch.Tensor:
    """Predicted foot displacement on GT contact steps: (..., T, J, 3) metres -> (N,) mm/frame.

    A (step t -> t+1, foot point) pair is in contact when the GT point moves less than ``threshold``
    metres; its value is the predicted point's displacement over that step. One value per contact pair,
    flattened over leading dims. GVHMR uses four SMPL foot vertices; here the foot points are joints
    (default the ankles and feet, ``FEET_JOINTS``). Steps touching a frame with any non-finite joint (GT
    or prediction) are kept as NaN values.
    """
    check_pair(pred, gt, _SEQ)
    idx = list(foot_idxs)
    gt_disp = (gt[..., 1:, idx, :] - gt[..., :-1, idx, :]).norm(dim=-1)  # (..., T-1, F)
    pred_disp = (pred[..., 1:, idx, :] - pred[..., :-1, idx, :]).norm(dim=-1)
    finite = frame_finite(gt) & frame_finite(pred)
    bad_step = ~(finite[..., 1:] & finite[..., :-1])[..., None].expand_as(gt_disp)
    contact = (gt_disp < threshold) | bad_step
    values = torch.where(bad_step, torch.full_like(pred_disp, float('nan')), pred_disp)
    return values[contact] * M_TO_MM
