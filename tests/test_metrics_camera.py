import pytest
import torch

from unihmr.evaluation.metrics import accel_error, mpjpe, pa_mpjpe, pve, reprojection_error, summarize
from unihmr.geometry.alignment import apply_similarity



def random_rotation(*batch, generator=None):
    q, _ = torch.linalg.qr(torch.randn(*batch, 3, 3, generator=generator, dtype=torch.float64))
    return q * torch.sign(torch.linalg.det(q))[..., None, None]  # det +1


def joints(T=10, seed=0, J=22):
    return torch.randn(T, J, 3, generator=torch.Generator().manual_seed(seed), dtype=torch.float64) * 0.3


def test_identical_inputs_give_zero():
    gt = joints()
    for fn in (mpjpe, pa_mpjpe):
        values = fn(gt, gt.clone())
        assert values.shape == (10,)
        torch.testing.assert_close(values, torch.zeros(10, dtype=torch.float64), atol=1e-6, rtol=0)
    torch.testing.assert_close(accel_error(gt, gt.clone()), torch.zeros(8, dtype=torch.float64))


def test_translation_is_removed_by_pelvis_alignment():
    gt = joints()
    pred = gt + torch.tensor([0.03, 0.0, 0.04], dtype=torch.float64)  # 5 cm
    torch.testing.assert_close(mpjpe(pred, gt), torch.zeros(10, dtype=torch.float64))
    torch.testing.assert_close(mpjpe(pred, gt, root_idxs=None), torch.full((10,), 50.0, dtype=torch.float64))


def test_one_joint_offset_gives_its_share_in_mm():
    gt = joints()
    pred = gt.clone()
    pred[:, 5, 1] += 0.022  # right knee 22 mm up; 1 of 22 joints
    torch.testing.assert_close(mpjpe(pred, gt), torch.ones(10, dtype=torch.float64))
    pred_hips = gt.clone()
    pred_hips[:, 1, 0] += 0.01  # moving a hip moves the GVHMR-style hip-mean root by 5 mm
    assert torch.all(mpjpe(pred_hips, gt, root_idxs=(1, 2)) > 4.0)


def test_pa_mpjpe_is_invariant_to_similarity_of_prediction():
    gt = joints(T=6, seed=1)
    pred = gt + 0.02 * joints(T=6, seed=2)
    g = torch.Generator().manual_seed(3)
    moved = apply_similarity(pred, torch.rand(6, generator=g, dtype=torch.float64) + 0.5,
                             random_rotation(6, generator=g), torch.randn(6, 3, generator=g, dtype=torch.float64))
    torch.testing.assert_close(pa_mpjpe(moved, gt), pa_mpjpe(pred, gt))
    assert torch.all(pa_mpjpe(pred, gt) <= mpjpe(pred, gt) + 1e-9)
    torch.testing.assert_close(pa_mpjpe(apply_similarity(gt, torch.full((6,), 1.3, dtype=torch.float64),
                                                         random_rotation(6, generator=g), torch.ones(6, 3)), gt),
                               torch.zeros(6, dtype=torch.float64), atol=1e-9, rtol=0)


def test_pve_aligns_vertices_by_joint_pelvis():
    gt_j, gt_v = joints(), joints(J=100, seed=5)
    shift = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)
    torch.testing.assert_close(pve(gt_v + shift, gt_v, gt_j + shift, gt_j), torch.zeros(10, dtype=torch.float64))
    pred_v = gt_v.clone()
    pred_v[..., 2] += 0.004
    torch.testing.assert_close(pve(pred_v, gt_v, gt_j, gt_j), torch.full((10,), 4.0, dtype=torch.float64))


@pytest.mark.parametrize('fps', [30.0, 60.0])
def test_accel_of_constant_acceleration_error(fps):
    T, a = 12, 2.0  # m/s²
    gt = joints(T=T)
    time = torch.arange(T, dtype=torch.float64) / fps
    pred = gt.clone()
    pred[..., 0] += 0.5 * a * time[:, None] ** 2
    values = accel_error(pred, gt, fps=fps, root_idxs=None)
    assert values.shape == (T - 2,)
    torch.testing.assert_close(values, torch.full((T - 2,), a, dtype=torch.float64))
    pred_body = gt.clone()
    pred_body[:, 1:, 0] += 0.5 * a * time[:, None] ** 2  # all but the pelvis: 21 of 22 joints
    torch.testing.assert_close(accel_error(pred_body, gt, fps=fps),
                               torch.full((T - 2,), a * 21 / 22, dtype=torch.float64))


def test_nan_frames_propagate_per_frame():
    gt = joints()
    pred = gt + 0.01
    pred[4, 7] = float('nan')
    for fn in (mpjpe, pa_mpjpe):
        values = fn(pred, gt)
        assert torch.isnan(values[4]) and torch.isfinite(values[torch.arange(10) != 4]).all()
    acc = accel_error(pred, gt)
    assert torch.isnan(acc[2:5]).all() and torch.isfinite(acc[:2]).all() and torch.isfinite(acc[5:]).all()
    mean, n_bad = summarize(mpjpe(pred, gt))
    assert n_bad == 1 and mean == pytest.approx(0.0, abs=1e-9)


def test_wrong_shapes_raise_naming_argument_and_shapes():
    with pytest.raises(ValueError, match=r'pred: expected shape \(\.\.\., \*, 3\), got \(5, 22, 2\)'):
        mpjpe(torch.zeros(5, 22, 2), torch.zeros(5, 22, 2))
    with pytest.raises(ValueError, match=r'pred and gt must have the same shape, got \(5, 22, 3\) and \(5, 21, 3\)'):
        pa_mpjpe(torch.zeros(5, 22, 3), torch.zeros(5, 21, 3))
    with pytest.raises(ValueError, match='pred_verts'):
        pve(torch.zeros(5, 9, 3), torch.zeros(5, 8, 3), torch.zeros(5, 22, 3), torch.zeros(5, 22, 3))
    with pytest.raises(ValueError, match='at least 3 frames'):
        accel_error(torch.zeros(2, 22, 3), torch.zeros(2, 22, 3))


def test_reprojection_error_in_pixels_matches_the_pinhole_model():
    # one joint of two moved 1 cm sideways at 2 m depth with f = 1000 px: 1000 * 0.01 / 2 = 5 px, mean 2.5 px
    K = torch.tensor([[1000.0, 0.0, 320.0], [0.0, 1000.0, 240.0], [0.0, 0.0, 1.0]], dtype=torch.float64)
    gt = torch.tensor([[[0.0, 0.0, 2.0], [0.1, 0.2, 3.0]]], dtype=torch.float64).repeat(4, 1, 1)  # (T=4, J=2, 3)
    pred = gt.clone()
    pred[:, 0, 0] += 0.01
    torch.testing.assert_close(reprojection_error(pred, gt, K), torch.full((4,), 2.5, dtype=torch.float64))
    # moving a joint along its own ray does not change its projection, but does change MPJPE-like errors
    along_ray = gt.clone()
    along_ray[:, 1] *= 1.5
    torch.testing.assert_close(reprojection_error(along_ray, gt, K), torch.zeros(4, dtype=torch.float64))
