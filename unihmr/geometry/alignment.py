"""Least-squares alignment of corresponding 3D point sets (Umeyama 1991).

All functions take point sets ``(..., N, 3)`` with any leading (batch) dimensions and fit one
transform per leading index. The fit is solved in float64 and returned in the input dtype; it is
differentiable. Points with non-finite coordinates (in either set) get zero weight in the fit, so a
NaN frame cannot poison the transform of its neighbours; transformed non-finite points stay NaN.
A fit with no usable point (total weight 0) returns NaN.
"""
from typing import Optional, Tuple

import torch

from unihmr.utils.validation import check_same_shape, check_tensor


def _fit_weights(src: torch.Tensor, dst: torch.Tensor, weights: Optional[torch.Tensor],
                 mask: Optional[torch.Tensor]) -> torch.Tensor:
    """Per-point weights (..., N) in float64: ``weights * mask``, zero where a point is non-finite."""
    finite = torch.isfinite(src).all(-1) & torch.isfinite(dst).all(-1)
    w = finite.to(torch.float64)
    if weights is not None:
        check_tensor('weights', weights, (..., src.shape[-2]))
        if (weights < 0).any():
            raise ValueError('weights: expected non-negative values')
        w = w * weights.to(torch.float64)
    if mask is not None:
        check_tensor('mask', mask, (..., src.shape[-2]), floating=False)
        w = w * mask.to(torch.float64)
    return torch.where(finite, w, torch.zeros_like(w))


def umeyama(src: torch.Tensor, dst: torch.Tensor, with_scale: bool = True,
            weights: Optional[torch.Tensor] = None,
            mask: Optional[torch.Tensor] = None) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Similarity (or rigid) transform minimising ``sum_i w_i |dst_i - (s R src_i + t)|^2``.

    Args:
        src, dst: (..., N, 3) corresponding points (any unit).
        with_scale: fit the scale ``s``; ``False`` gives a rigid fit (``s = 1``).
        weights: optional (..., N) non-negative per-point weights.
        mask: optional (..., N) boolean; ``False`` points are ignored.

    Returns:
        ``scale`` (...), ``R`` (..., 3, 3) a proper rotation (det +1: reflections are corrected as in
        Umeyama's theorem), ``t`` (..., 3) in the unit of ``dst``.
    """
    check_tensor('src', src, (..., None, 3))
    check_tensor('dst', dst, (..., None, 3))
    check_same_shape('src', src, 'dst', dst)
    out_dtype = src.dtype
    w = _fit_weights(src, dst, weights, mask)  # (..., N)
    x = torch.nan_to_num(src.to(torch.float64), nan=0.0, posinf=0.0, neginf=0.0)
    y = torch.nan_to_num(dst.to(torch.float64), nan=0.0, posinf=0.0, neginf=0.0)

    total = w.sum(-1)  # (...)
    norm = total.clamp_min(torch.finfo(torch.float64).tiny)[..., None]
    mu_x = (w[..., None] * x).sum(-2) / norm  # (..., 3)
    mu_y = (w[..., None] * y).sum(-2) / norm
    xc = x - mu_x[..., None, :]
    yc = y - mu_y[..., None, :]

    cov = torch.einsum('...n,...ni,...nj->...ij', w, yc, xc) / norm[..., None]  # (..., 3, 3) dst x src
    U, D, Vh = torch.linalg.svd(cov)
    sign = torch.sign(torch.linalg.det(U) * torch.linalg.det(Vh))
    sign = torch.where(sign == 0, torch.ones_like(sign), sign)
    S = torch.ones_like(D)
    S[..., -1] = sign
    R = U @ (S[..., :, None] * Vh)

    if with_scale:
        var_x = (w * xc.square().sum(-1)).sum(-1) / norm[..., 0]
        scale = (D * S).sum(-1) / var_x.clamp_min(torch.finfo(torch.float64).tiny)
    else:
        scale = torch.ones_like(total)
    t = mu_y - scale[..., None] * (R @ mu_x[..., None])[..., 0]

    empty = total <= 0
    nan = torch.full_like(total, float('nan'))
    scale = torch.where(empty, nan, scale)
    R = torch.where(empty[..., None, None], nan[..., None, None], R)
    t = torch.where(empty[..., None], nan[..., None], t)
    return scale.to(out_dtype), R.to(out_dtype), t.to(out_dtype)


def apply_similarity(points: torch.Tensor, scale: torch.Tensor, R: torch.Tensor,
                     t: torch.Tensor) -> torch.Tensor:
    """``s R p + t`` for points (..., N, 3), scale (...), R (..., 3, 3), t (..., 3)."""
    return scale[..., None, None] * torch.einsum('...ij,...nj->...ni', R, points) + t[..., None, :]


def similarity_procrustes(pred: torch.Tensor, target: torch.Tensor, mask: Optional[torch.Tensor] = None,
                          weights: Optional[torch.Tensor] = None) -> torch.Tensor:
    """Align ``pred`` (..., N, 3) onto ``target`` with a per-element similarity fit; returns (..., N, 3).

    ``mask`` / ``weights`` (..., N) select the points used for the fit; all points are transformed.
    """
    scale, R, t = umeyama(pred, target, with_scale=True, weights=weights, mask=mask)
    return apply_similarity(pred, scale, R, t)


def rigid_align(pred: torch.Tensor, target: torch.Tensor, mask: Optional[torch.Tensor] = None,
                weights: Optional[torch.Tensor] = None) -> torch.Tensor:
    """Like :func:`similarity_procrustes` but rotation and translation only (no scale)."""
    scale, R, t = umeyama(pred, target, with_scale=False, weights=weights, mask=mask)
    return apply_similarity(pred, scale, R, t)
