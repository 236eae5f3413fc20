"""Shared pieces of the metric functions: units, root alignment, per-joint errors, summaries.

Conventions of every metric function: inputs are torch tensors in metres (joints ``(..., J, 3)``);
outputs are per-frame (or per-entry) values that callers concatenate over sequences and then average
with :func:`summarize`. Non-finite inputs propagate as NaN to the values of the frames they touch.
"""
import logging
from typing import Optional, Sequence, Tuple

import torch
from mmengine.logging import print_log

from unihmr.utils.validation import check_same_shape, check_tensor

M_TO_MM = 1000.0
ROOT_JOINTS = (0,)  # pelvis: camera-space metrics subtract the mean of these joints


def check_pair(pred: torch.Tensor, gt: torch.Tensor, spec: Sequence = (..., None, 3),
               names: Tuple[str, str] = ('pred', 'gt')) -> None:
    """Validate two tensors against ``spec`` and against each other (ValueError naming them)."""
    check_tensor(names[0], pred, spec)
    check_tensor(names[1], gt, spec)
    check_same_shape(names[0], pred, names[1], gt)


def align_root(points: torch.Tensor, joints: Optional[torch.Tensor] = None,
               root_idxs: Optional[Sequence[int]] = ROOT_JOINTS) -> torch.Tensor:
    """Subtract the root (mean of ``joints[..., root_idxs, :]``) from ``points`` (..., N, 3).

    ``joints`` defaults to ``points``; ``root_idxs=None`` returns ``points`` unchanged.
    """
    if root_idxs is None:
        return points
    joints = points if joints is None else joints
    root = joints[..., list(root_idxs), :].mean(-2, keepdim=True)
    return points - root


def joint_errors(pred: torch.Tensor, gt: torch.Tensor) -> torch.Tensor:
    """Euclidean distance per point (..., N, 3) -> (..., N), in the input unit."""
    return (pred - gt).norm(dim=-1)


def frame_finite(joints: torch.Tensor) -> torch.Tensor:
    """(..., T, J, 3) -> (..., T) bool: every coordinate of the frame is finite."""
    return torch.isfinite(joints).flatten(-2).all(-1)


def report_nonfinite(name: str, n_bad: int, total: int) -> None:
    """Warn on the current mmengine logger that ``n_bad`` of ``total`` values of ``name`` were left out."""
    if n_bad:
        print_log(f'{name}: {n_bad} of {total} per-frame values are non-finite (NaN/inf inputs) '
                  'and are left out of the mean', logger='current', level=logging.WARNING)


def summarize(values, name: Optional[str] = None) -> Tuple[float, int]:
    """Mean of the finite entries of ``values`` and the number of non-finite entries left out.

    With a ``name``, left-out entries are reported by a warning on the current mmengine logger.
    Returns ``(nan, n)`` when no entry is finite (including the empty case with ``n = 0``).
    """
    values = torch.as_tensor(values, dtype=torch.float64).reshape(-1)
    finite = torch.isfinite(values)
    n_bad = int((~finite).sum())
    if name is not None:
        report_nonfinite(name, n_bad, values.numel())
    if not bool(finite.any()):
        return float('nan'), n_bad
    return float(values[finite].mean()), n_bad
