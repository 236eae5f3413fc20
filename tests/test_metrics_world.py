import pytest
import torch

from unihmr.body.joint_sets import FEET_JOINTS
from unihmr.evaluation.metrics import foot_sliding, g_mpjpe, jitter, rte, w_mpjpe, wa_mpjpe

F64 = torch.float64


def random_rotation(generator):
    q, _ = torch.linalg.qr(torch.randn(3, 3, generator=generator, dtype=F64))
    return q * torch.sign(torch.linalg.det(q))


def walking(T=40, seed=0):
    """A skeleton translating 5 cm/frame along x with small pose noise: (T, 22, 3) metres."""
    g = torch.Generator().manual_seed(seed)
    skeleton = torch.randn(22, 3, generator=g, dtype=F64) * 0.3
    root = torch.stack([torch.arange(T, dtype=F64) * 0.05, torch.zeros(T, dtype=F64), torch.zeros(T, dtype=F64)], -1)
    return skeleton + root[:, None] + 0.01 * torch.randn(T, 22, 3, generator=g, dtype=F64)


def test_identical_inputs_give_zero():
    gt = walking()
    zeros = torch.zeros(40, dtype=F64)
    for fn in (wa_mpjpe, w_mpjpe, g_mpjpe):
        torch.testing.assert_close(fn(gt, gt.clone()), zeros, atol=1e-6, rtol=0)
    torch.testing.assert_close(rte(gt[:, 0], gt[:, 0].clone()), zeros, atol=1e-9, rtol=0)


def test_constant_offset_gives_its_size_unless_aligned():
    gt = walking()
    pred = gt + torch.tensor([0.0, 0.03, 0.04], dtype=F64)
    torch.testing.assert_close(g_mpjpe(pred, gt), torch.full((40,), 50.0, dtype=F64))
    torch.testing.assert_close(wa_mpjpe(pred, gt), torch.zeros(40, dtype=F64), atol=1e-6, rtol=0)
    torch.testing.assert_close(w_mpjpe(pred, gt), torch.zeros(40, dtype=F64), atol=1e-6, rtol=0)


def test_w_mpjpe_vs_wa_mpjpe_on_drift():
    # Static GT: a regular tetrahedron (per-axis variance a², isotropic). The prediction drifts d along
    # x from frame 2 on: W-MPJPE (fit on frames 0-1, where pred == GT) sees the whole drift d*(t-1).
    a, d, T = 0.5, 0.01, 6
    tetra = a * torch.tensor([[1, 1, 1], [1, -1, -1], [-1, 1, -1], [-1, -1, 1]], dtype=F64)
    gt = tetra.expand(T, 4, 3).clone()
    offset = d * torch.clamp(torch.arange(T, dtype=F64) - 1, min=0)  # 0, 0, d, 2d, 3d, 4d
    pred = gt.clone()
    pred[..., 0] += offset[:, None]
    torch.testing.assert_close(w_mpjpe(pred, gt), offset * 1000)
    # WA-MPJPE fits the whole chunk: by symmetry R = I, the scale shrinks by 3a² / (3a² + var(offset)) and
    # the centroids coincide, so each frame's error is |(s - 1) p_j + s (o_t - mean(o))| averaged over joints.
    centred = offset - offset.mean()
    s = 3 * a ** 2 / (3 * a ** 2 + centred.square().mean())
    shift = torch.zeros(T, 1, 3, dtype=F64)
    shift[..., 0] = centred[:, None]
    expected = ((s - 1) * tetra + s * shift).norm(dim=-1).mean(-1) * 1000
    torch.testing.assert_close(wa_mpjpe(pred, gt), expected)
    assert wa_mpjpe(pred, gt).mean() < w_mpjpe(pred, gt).mean()


def test_chunks_are_aligned_independently():
    gt = walking(T=150)
    pred = gt.clone()
    pred[100:] += 1.0  # a jump at the chunk boundary
    for fn in (wa_mpjpe, w_mpjpe):
        torch.testing.assert_close(fn(pred, gt), torch.zeros(150, dtype=F64), atol=1e-6, rtol=0)
    assert torch.all(g_mpjpe(pred, gt)[100:] > 1000)


def test_rte_rigid_motion_and_hand_case():
    gt = walking()[:, 0]
    g = torch.Generator().manual_seed(1)
    moved = gt @ random_rotation(g).T + torch.tensor([3.0, -1.0, 2.0], dtype=F64)
    torch.testing.assert_close(rte(moved, gt), torch.zeros(40, dtype=F64), atol=1e-9, rtol=0)
    # GT: 11 frames along a 10 m line; prediction 10 % too long. Rigid fit: centroids match, so the
    # error at frame i is |1.1 i - 0.5 - i| = |0.1 (i - 5)| m, i.e. |i - 5| % of the 10 m path.
    line = torch.zeros(11, 3, dtype=F64)
    line[:, 0] = torch.arange(11, dtype=F64)
    values = rte(1.1 * line, line)
    torch.testing.assert_close(values, (torch.arange(11, dtype=F64) - 5).abs())
    assert values.mean().item() == pytest.approx(30 / 11)
    assert not torch.isfinite(rte(line[:1].expand(5, 3), line[:1].expand(5, 3))).any()  # static root: undefined


def test_jitter_constant_velocity_and_cubic():
    fps, T = 30.0, 20
    t = torch.arange(T, dtype=F64) / fps
    base = torch.randn(22, 3, generator=torch.Generator().manual_seed(2), dtype=F64)
    constant_velocity = base + t[:, None, None] * torch.tensor([1.0, 0.5, -2.0], dtype=F64)
    torch.testing.assert_close(jitter(constant_velocity, fps), torch.zeros(T - 3, dtype=F64), atol=1e-6, rtol=0)
    cubic = base.expand(T, 22, 3).clone()
    cubic[..., 1] += 5.0 * t[:, None] ** 3  # third derivative 30 m/s³ = 3.0 in units of 10 m/s³
    torch.testing.assert_close(jitter(cubic, fps), torch.full((T - 3,), 3.0, dtype=F64))


def test_foot_sliding_planted_foot_moving_2mm_per_frame():
    T = 8
    gt = walking(T=T)
    gt[:, list(FEET_JOINTS)] = gt[0, list(FEET_JOINTS)]  # all four foot joints planted in GT
    swing = FEET_JOINTS[0]
    gt[:, swing, 0] += torch.arange(T, dtype=F64) * 0.05  # ... except the left ankle, which swings
    pred = gt.clone()
    pred[:, list(FEET_JOINTS), 2] += torch.arange(T, dtype=F64)[:, None] * 0.002
    values = foot_sliding(pred, gt)
    assert values.shape == ((T - 1) * 3,)  # the swinging joint is never in contact
    torch.testing.assert_close(values, torch.full_like(values, 2.0))


def test_nan_frames_propagate_and_do_not_poison_fits():
    gt = walking()
    pred = gt + 0.02 * torch.randn(40, 22, 3, generator=torch.Generator().manual_seed(3), dtype=F64)
    clean = wa_mpjpe(pred, gt)
    pred[10, 3] = float('nan')
    values = wa_mpjpe(pred, gt)
    assert torch.isnan(values[10])
    keep = torch.arange(40) != 10
    assert torch.isfinite(values[keep]).all() and (values[keep] - clean[keep]).abs().max() < 5.0
    assert torch.isnan(jitter(pred)[7:11]).all() and torch.isfinite(jitter(pred)[11:]).all()
    assert torch.isnan(g_mpjpe(pred, gt)[10])


def test_wrong_shapes_raise():
    with pytest.raises(ValueError, match=r'pred: expected shape \(\.\.\., \*, \*, 3\), got \(22, 3\)'):
        wa_mpjpe(torch.zeros(22, 3), torch.zeros(22, 3))
    with pytest.raises(ValueError, match=r'pred_root and gt_root must have the same shape, got \(5, 3\) and \(6, 3\)'):
        rte(torch.zeros(5, 3), torch.zeros(6, 3))
    with pytest.raises(ValueError, match='joints: jitter needs at least 4 frames'):
        jitter(torch.zeros(3, 22, 3))


def test_masked_g_mpjpe_splits_by_visibility():
    from unihmr.evaluation.metrics import masked_g_mpjpe
    gt = torch.zeros(2, 3, 22, 3, dtype=F64)
    pred = gt.clone()
    pred[..., :11, 0] = 0.01  # 10 mm on the first 11 joints, 30 mm on the rest
    pred[..., 11:, 1] = 0.03
    vis = torch.zeros(2, 3, 22, dtype=torch.bool)
    vis[..., :11] = True
    torch.testing.assert_close(masked_g_mpjpe(pred, gt, vis), torch.full((66,), 10.0, dtype=F64))
    torch.testing.assert_close(masked_g_mpjpe(pred, gt, ~vis), torch.full((66,), 30.0, dtype=F64))
