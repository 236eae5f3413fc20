import math

import pytest
import torch

from unihmr.geometry.alignment import apply_similarity, rigid_align, similarity_procrustes, umeyama


def random_rotation(*batch, generator=None, dtype=torch.float64):
    q, r = torch.linalg.qr(torch.randn(*batch, 3, 3, generator=generator, dtype=dtype))
    q = q * torch.sign(torch.diagonal(r, dim1=-2, dim2=-1))[..., None, :]
    return q * torch.sign(torch.linalg.det(q))[..., None, None]  # det +1


def test_umeyama_recovers_known_similarity_with_leading_dims():
    g = torch.Generator().manual_seed(0)
    src = torch.randn(4, 5, 22, 3, generator=g, dtype=torch.float64)
    R = random_rotation(4, 5, generator=g)
    s = torch.rand(4, 5, generator=g, dtype=torch.float64) * 2 + 0.5
    t = torch.randn(4, 5, 3, generator=g, dtype=torch.float64)
    dst = apply_similarity(src, s, R, t)
    s_hat, R_hat, t_hat = umeyama(src, dst)
    assert s_hat.shape == (4, 5) and R_hat.shape == (4, 5, 3, 3) and t_hat.shape == (4, 5, 3)
    torch.testing.assert_close(s_hat, s)
    torch.testing.assert_close(R_hat, R)
    torch.testing.assert_close(t_hat, t)


def test_umeyama_float32_and_rigid_mode():
    g = torch.Generator().manual_seed(1)
    src = torch.randn(30, 3, generator=g)
    R = random_rotation(generator=g).float()
    dst = 3.0 * src @ R.T + torch.tensor([1.0, -2.0, 0.5])
    s_hat, R_hat, t_hat = umeyama(src, dst, with_scale=False)
    assert s_hat.dtype == torch.float32 and float(s_hat) == 1.0
    torch.testing.assert_close(R_hat, R, atol=1e-5, rtol=1e-5)
    s_hat, _, _ = umeyama(src, dst)
    assert abs(float(s_hat) - 3.0) < 1e-5


def test_umeyama_corrects_reflection():
    g = torch.Generator().manual_seed(2)
    src = torch.randn(50, 3, generator=g, dtype=torch.float64)
    mirror = torch.diag(torch.tensor([1.0, 1.0, -1.0], dtype=torch.float64))
    _, R, _ = umeyama(src, src @ mirror)
    assert math.isclose(float(torch.linalg.det(R)), 1.0, abs_tol=1e-9)  # a rotation, never the mirror
    # Planar points (z = 0) are their own mirror image: the best proper rotation fits exactly.
    planar = src.clone()
    planar[:, 2] = 0
    aligned = similarity_procrustes(planar, planar @ mirror)
    torch.testing.assert_close(aligned, planar @ mirror)


def test_mask_and_weights_select_fit_points():
    g = torch.Generator().manual_seed(3)
    src = torch.randn(20, 3, generator=g, dtype=torch.float64)
    dst = src + torch.tensor([0.1, 0.2, 0.3], dtype=torch.float64)
    outliers = dst.clone()
    outliers[:5] += 10.0
    mask = torch.ones(20, dtype=torch.bool)
    mask[:5] = False
    torch.testing.assert_close(rigid_align(src, outliers, mask=mask)[5:], dst[5:])
    torch.testing.assert_close(rigid_align(src, outliers, weights=mask.double())[5:], dst[5:])


def test_rigid_align_keeps_scale_and_procrustes_is_invariant():
    g = torch.Generator().manual_seed(4)
    pred = torch.randn(8, 22, 3, generator=g, dtype=torch.float64)
    target = torch.randn(8, 22, 3, generator=g, dtype=torch.float64)
    moved = apply_similarity(pred, torch.full((8,), 2.5, dtype=torch.float64), random_rotation(8, generator=g),
                             torch.randn(8, 3, generator=g, dtype=torch.float64))
    torch.testing.assert_close(similarity_procrustes(moved, target), similarity_procrustes(pred, target))
    rigid = rigid_align(pred * 2.0, pred)
    torch.testing.assert_close(rigid - rigid.mean(-2, keepdim=True), 2.0 * (pred - pred.mean(-2, keepdim=True)))


def test_nonfinite_points_are_ignored_in_fit_and_stay_nan():
    g = torch.Generator().manual_seed(5)
    src = torch.randn(10, 3, generator=g, dtype=torch.float64)
    dst = src + 1.0
    src[3] = float('nan')
    aligned = similarity_procrustes(src, dst)
    assert torch.isnan(aligned[3]).all()
    keep = torch.arange(10) != 3
    torch.testing.assert_close(aligned[keep], dst[keep])
    s, R, t = umeyama(src, dst, mask=torch.zeros(10, dtype=torch.bool))  # nothing to fit
    assert torch.isnan(s) and torch.isnan(R).all() and torch.isnan(t).all()


def test_wrong_shapes_raise():
    with pytest.raises(ValueError, match=r'src: expected shape \(\.\.\., \*, 3\), got \(4, 2\)'):
        umeyama(torch.zeros(4, 2), torch.zeros(4, 2))
    with pytest.raises(ValueError, match=r'src and dst must have the same shape, got \(4, 3\) and \(5, 3\)'):
        umeyama(torch.zeros(4, 3), torch.zeros(5, 3))
