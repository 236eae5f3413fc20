"""Metrics over S > 1 sampled hypotheses: best-of-S and mean error, diversity, spread-error correlation and
calibration (the fraction of joints whose error is within k times their spread).

``samples`` are (S, ..., J, 3) camera-space joints in metres, the sample axis first and the rest shaped
like ``gt`` (..., J, 3); everything is root-aligned as in :mod:`.camera`. Per-frame outputs are in mm.
"""
import math
from typing import Optional, Sequence, Tuple

import torch

from unihmr.utils.validation import check_same_shape, check_tensor

from .common import M_TO_MM, ROOT_JOINTS, align_root, joint_errors


def _check_samples(samples: torch.Tensor, gt: Optional[torch.Tensor] = None, min_samples: int = 1) -> None:
    if gt is None:
        check_tensor('samples', samples, (..., None, None, 3))
    else:
        check_tensor('gt', gt, (..., None, 3))
        check_tensor('samples', samples, (None, *gt.shape))
    if samples.shape[0] < min_samples:
        raise ValueError(f'samples: expected at least {min_samples} samples on dim 0, got shape {tuple(samples.shape)}')


def sample_mpjpe(samples: torch.Tensor, gt: torch.Tensor,
                 root_idxs: Optional[Sequence[int]] = ROOT_JOINTS) -> torch.Tensor:
    """Root-aligned MPJPE of every sample: (S, ..., J, 3), (..., J, 3) -> (S, ...) mm."""
    _check_samples(samples, gt)
    return joint_errors(align_root(samples, root_idxs=root_idxs),
                        align_root(gt, root_idxs=root_idxs)).mean(-1) * M_TO_MM


def min_mpjpe(samples: torch.Tensor, gt: torch.Tensor,
              root_idxs: Optional[Sequence[int]] = ROOT_JOINTS) -> torch.Tensor:
    """Best-of-S MPJPE, the minimum over samples taken per frame: -> (...) mm (NaN if any sample is NaN)."""
    errors = sample_mpjpe(samples, gt, root_idxs)
    best = errors.min(0).values
    return torch.where(errors.isfinite().all(0), best, torch.full_like(best, float('nan')))


def mean_mpjpe(samples: torch.Tensor, gt: torch.Tensor,
               root_idxs: Optional[Sequence[int]] = ROOT_JOINTS) -> torch.Tensor:
    """MPJPE averaged over the samples (expected error of one random hypothesis): -> (...) mm."""
    return sample_mpjpe(samples, gt, root_idxs).mean(0)


def diversity(samples: torch.Tensor, root_idxs: Optional[Sequence[int]] = ROOT_JOINTS) -> torch.Tensor:
    """Average pairwise distance between samples: (S, ..., J, 3) -> (...) mm, S >= 2.

    For each frame: the mean over the S(S-1)/2 sample pairs of their mean per-joint distance.
    """
    _check_samples(samples, min_samples=2)
    x = align_root(samples, root_idxs=root_idxs)
    i, j = torch.triu_indices(x.shape[0], x.shape[0], offset=1)
    return joint_errors(x[i], x[j]).mean(-1).mean(0) * M_TO_MM


def spread_and_error(samples: torch.Tensor, gt: torch.Tensor,
                     root_idxs: Optional[Sequence[int]] = ROOT_JOINTS) -> Tuple[torch.Tensor, torch.Tensor]:
    """Per-joint sample spread and error of the sample mean, both (..., J) mm.

    spread: mean distance of the samples to their mean (an uncertainty estimate); error: distance of
    the sample mean to the GT joint.
    """
    _check_samples(samples, gt)
    x = align_root(samples, root_idxs=root_idxs)
    centre = x.mean(0)
    spread = joint_errors(x, centre[None]).mean(0) * M_TO_MM
    error = joint_errors(centre, align_root(gt, root_idxs=root_idxs)) * M_TO_MM
    return spread, error


def pearson(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Pearson correlation of two equally shaped tensors, all entries pooled; 0-dim tensor.

    NaN when an input is non-finite or constant (correlation undefined); callers filter pairs first.
    """
    check_tensor('x', x, (...,))
    check_tensor('y', y, (...,))
    check_same_shape('x', x, 'y', y)
    x = x.reshape(-1).double()
    y = y.reshape(-1).double()
    xc, yc = x - x.mean(), y - y.mean()
    return (xc * yc).sum() / (xc.square().sum() * yc.square().sum()).sqrt()


def uncertainty_error_correlation(samples: torch.Tensor, gt: torch.Tensor,
                                  root_idxs: Optional[Sequence[int]] = ROOT_JOINTS) -> torch.Tensor:
    """How well sample spread predicts error: Pearson r over all (frame, joint) pairs of
    :func:`spread_and_error`. 1 = spread ranks errors perfectly (linearly), 0 = uninformative."""
    spread, error = spread_and_error(samples, gt, root_idxs)
    return pearson(spread, error)


def within_spread(samples: torch.Tensor, gt: torch.Tensor, k: float, joints: torch.Tensor,
                  root_idxs: Optional[Sequence[int]] = ROOT_JOINTS) -> torch.Tensor:
    """Calibration at ``k``: whether the sample mean's error is at most ``k`` times the joint's spread
    (:func:`spread_and_error`), one 0/1 value per (frame, joint) selected by ``joints`` (..., J) bool -> (N,).
    Pooled over joints, the mean is the fraction of joints within k spreads (a point of the calibration curve)."""
    spread, error = spread_and_error(samples, gt, root_idxs)
    check_same_shape('joints', joints, 'spread', spread)
    return (error <= k * spread)[joints.bool()].double()


def selected_spread_and_error(samples: torch.Tensor, gt: torch.Tensor, joints: torch.Tensor,
                              root_idxs: Optional[Sequence[int]] = ROOT_JOINTS) -> torch.Tensor:
    """(spread, error) pairs of the (frame, joint) entries selected by ``joints`` (..., J) bool -> (N, 2) mm,
    for a pooled correlation over visible or occluded joints."""
    spread, error = spread_and_error(samples, gt, root_idxs)
    check_same_shape('joints', joints, 'spread', spread)
    return torch.stack([spread[joints.bool()], error[joints.bool()]], -1)


def gaussian_calibration(k: float, num_samples: int) -> float:
    """The calibration curve of a calibrated model at ``k``: the fraction of joints within ``k`` spreads when the
    S = ``num_samples`` hypotheses and the truth are independent draws of one isotropic 3D Gaussian.

    The sample mean's error is then sigma sqrt(1 + 1/S) chi_3, and the expected spread (mean distance of a sample
    to the sample mean) sigma sqrt(1 - 1/S) E[chi_3], E[chi_3] = 2 sqrt(2 / pi); the spread is taken at its
    expectation (exact as S grows), so the fraction is the chi_3 CDF at
    x = k E[chi_3] sqrt((1 - 1/S) / (1 + 1/S)): erf(x / sqrt 2) - sqrt(2 / pi) x exp(-x^2 / 2).
    """
    if num_samples < 2:
        raise ValueError(f'num_samples: the spread needs at least 2 samples, got {num_samples}')
    mean_chi3 = 2.0 * math.sqrt(2.0 / math.pi)
    x = k * mean_chi3 * math.sqrt((1.0 - 1.0 / num_samples) / (1.0 + 1.0 / num_samples))
    return math.erf(x / math.sqrt(2.0)) - math.sqrt(2.0 / math.pi) * x * math.exp(-x * x / 2.0)
