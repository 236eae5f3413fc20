"""Regional, physics and multi-sample metrics."""
import math

import pytest
import roma
import torch

from unihmr.body.joint_sets import BODY_JOINT_NAMES, DEFAULT_TORSO_SPLIT
from unihmr.evaluation.metrics import (contact_accuracy, diversity, ground_penetration, lowest_height, masked_mpjpe,
                                       mean_mpjpe, min_mpjpe, pearson, regional_mpjpe, regional_pa_mpjpe,
                                       rotation_error, skating_ratio, spread_and_error,
                                       uncertainty_error_correlation, visibility_split_mpjpe)

F64 = torch.float64
LEFT_ANKLE, RIGHT_ANKLE = BODY_JOINT_NAMES.index('left_ankle'), BODY_JOINT_NAMES.index('right_ankle')
LEFT_TOE, RIGHT_TOE = BODY_JOINT_NAMES.index('left_foot'), BODY_JOINT_NAMES.index('right_foot')


def joints(T=5, seed=0):
    return torch.randn(T, 22, 3, generator=torch.Generator().manual_seed(seed), dtype=F64) * 0.3


# ---- regional -------------------------------------------------------------------------------------
def test_rotation_error_is_the_angle_between_rotations():
    axis = torch.tensor([0.0, 0.6, 0.8], dtype=F64)
    base = torch.tensor([[0.3, -0.2, 0.1]], dtype=F64)
    turned = (torch.tensor([[0.0, 0.0, 0.0]], dtype=F64), axis[None] * math.radians(30))
    assert float(rotation_error(turned[1], turned[0])) == pytest.approx(30.0, abs=1e-6)
    # left-invariant: the same relative turn on top of any rotation is the same angle
    composed = roma.rotvec_composition([turned[1], base])
    assert float(rotation_error(composed, base)) == pytest.approx(30.0, abs=1e-6)



def test_visibility_split_hand_case():
    gt = joints(T=2)
    pred = gt.clone()
    pred[0, 3, 0] += 0.010  # visible joint, 10 mm
    pred[0, 4, 0] += 0.030  # occluded joint, 30 mm
    pred[1, 5, 0] += 0.060  # occluded joint, 60 mm
    vis = torch.ones(2, 22, dtype=torch.bool)
    vis[0, 4] = vis[1, 5] = vis[1, 6] = False
    vis_err, occ_err = visibility_split_mpjpe(pred, gt, vis)
    assert vis_err.shape == (41,) and occ_err.shape == (3,)
    assert vis_err.mean().item() == pytest.approx(10 / 41)  # joint-weighted, RoHM style
    assert occ_err.mean().item() == pytest.approx(30.0)  # (30 + 60 + 0) / 3
    torch.testing.assert_close(masked_mpjpe(pred, gt, ~vis), occ_err)


def test_torso_split_errors():
    gt = joints()
    pred = gt.clone()
    torso, non_torso = DEFAULT_TORSO_SPLIT.torso_joints, DEFAULT_TORSO_SPLIT.non_torso_joints
    pred[:, list(non_torso), 1] += 0.02
    torch.testing.assert_close(regional_mpjpe(pred, gt), torch.zeros(5, dtype=F64))
    torch.testing.assert_close(regional_mpjpe(pred, gt, non_torso), torch.full((5,), 20.0, dtype=F64))
    torch.testing.assert_close(regional_pa_mpjpe(pred, gt, non_torso), torch.zeros(5, dtype=F64), atol=1e-6, rtol=0)
    assert len(torso) + len(non_torso) == 22 and 0 in torso


# ---- physics --------------------------------------------------------------------------------------

def standing(T=4, toe=0.05, ankle=0.12):
    """Joints well above the floor except the feet: toes at ``toe`` m, ankles at ``ankle`` m (y up)."""
    x = torch.zeros(T, 22, 3, dtype=F64)
    x[..., 1] = 1.0
    x[:, [LEFT_TOE, RIGHT_TOE], 1] = toe
    x[:, [LEFT_ANKLE, RIGHT_ANKLE], 1] = ankle
    return x


def test_skating_ratio_rohm_thresholds():
    fps = 30.0
    x = standing()
    feet = [LEFT_ANKLE, RIGHT_ANKLE, LEFT_TOE, RIGHT_TOE]
    x[:, feet, 0] += torch.arange(4, dtype=F64)[:, None] * 0.2 / fps  # 20 cm/s horizontally
    torch.testing.assert_close(skating_ratio(x, fps), torch.ones(3, dtype=F64))
    slow = standing()
    slow[:, feet, 2] += torch.arange(4, dtype=F64)[:, None] * 0.05 / fps  # 5 cm/s: below 10 cm/s
    assert skating_ratio(slow, fps).sum() == 0
    one_foot = standing()
    one_foot[:, [LEFT_ANKLE, LEFT_TOE], 0] += torch.arange(4, dtype=F64)[:, None] * 0.2 / fps
    assert skating_ratio(one_foot, fps).sum() == 0  # all foot joints must slide
    high = x.clone()
    high[:, [LEFT_ANKLE, RIGHT_ANKLE], 1] = 0.16  # ankles above 15 cm
    assert skating_ratio(high, fps).sum() == 0
    lifted = x + torch.tensor([0.0, 0.5, 0.0], dtype=F64)
    torch.testing.assert_close(skating_ratio(lifted, fps, floor_height=0.5), torch.ones(3, dtype=F64))
    batch = torch.stack([x, lifted])  # leading dims with one floor height per clip
    torch.testing.assert_close(skating_ratio(batch, fps, floor_height=torch.tensor([0.0, 0.5])),
                               torch.ones(2, 3, dtype=F64))
    x[2, 0] = float('nan')  # any non-finite joint marks the steps touching frame 2
    torch.testing.assert_close(skating_ratio(x, fps), torch.tensor([1.0, float('nan'), float('nan')], dtype=F64),
                               equal_nan=True)


def test_ground_penetration_and_floor():
    x = standing(T=3, toe=0.05)
    x[1, LEFT_TOE, 1] = -0.02  # 20 mm below, right toe above: frame mean 10 mm
    x[2, [LEFT_TOE, RIGHT_TOE], 1] = -0.004
    torch.testing.assert_close(ground_penetration(x), torch.tensor([0.0, 10.0, 4.0], dtype=F64))
    assert lowest_height(x).item() == pytest.approx(-0.02)
    torch.testing.assert_close(ground_penetration(x, floor_height=lowest_height(x)), torch.zeros(3, dtype=F64))


def test_contact_accuracy():
    gt = torch.tensor([[1, 1, 0, 0], [1, 0, 1, 0]])
    pred = torch.tensor([[0.9, 0.2, 0.1, 0.6], [1.0, 0.0, 1.0, 0.0]])
    torch.testing.assert_close(contact_accuracy(pred, gt), torch.tensor([0.5, 1.0], dtype=F64))
    with pytest.raises(ValueError, match=r'pred_contact: expected shape \(\.\.\., 4\), got \(2, 3\)'):
        contact_accuracy(pred[:, :3], gt[:, :3])


# ---- multi-sample ---------------------------------------------------------------------------------

def test_min_le_mean_and_single_sample():
    gt = joints()
    g = torch.Generator().manual_seed(1)
    samples = gt + 0.05 * torch.randn(6, 5, 22, 3, generator=g, dtype=F64)
    best, mean = min_mpjpe(samples, gt), mean_mpjpe(samples, gt)
    assert best.shape == mean.shape == (5,) and torch.all(best <= mean) and torch.all(best < mean)
    torch.testing.assert_close(min_mpjpe(samples[:1], gt), mean_mpjpe(samples[:1], gt))


def test_diversity_hand_cases():
    gt = joints()
    torch.testing.assert_close(diversity(gt.expand(4, 5, 22, 3)), torch.zeros(5, dtype=F64))
    d = 0.07
    pair = torch.stack([gt, gt + torch.tensor([0.0, 0.0, d], dtype=F64)])
    torch.testing.assert_close(diversity(pair, root_idxs=None), torch.full((5,), 70.0, dtype=F64))
    torch.testing.assert_close(diversity(pair), torch.zeros(5, dtype=F64), atol=1e-9, rtol=0)  # pelvis-aligned
    limbs = pair.clone()
    limbs[1] = gt
    limbs[1, :, 1:, 2] += d  # all but the pelvis: 21 of 22 joints at distance d
    torch.testing.assert_close(diversity(limbs), torch.full((5,), 70.0 * 21 / 22, dtype=F64))
    with pytest.raises(ValueError, match='at least 2 samples'):
        diversity(gt[None])


def test_uncertainty_error_correlation():
    gt = joints(T=20)
    g = torch.Generator().manual_seed(2)
    sigma = torch.rand(20, 22, 1, generator=g, dtype=F64) * 0.1  # per-joint noise level
    samples = gt + sigma * torch.randn(50, 20, 22, 3, generator=g, dtype=F64)
    spread, error = spread_and_error(samples, gt)
    assert spread.shape == error.shape == (20, 22)
    r = uncertainty_error_correlation(samples, gt)
    assert 0.3 < r.item() <= 1.0
    x = torch.arange(10, dtype=F64)
    assert pearson(x, 2 * x + 1).item() == pytest.approx(1.0)
    assert pearson(x, -x).item() == pytest.approx(-1.0)
    assert torch.isnan(pearson(x, torch.ones(10, dtype=F64)))


def test_sample_shapes_are_checked():
    with pytest.raises(ValueError, match=r'samples: expected shape \(\*, 5, 22, 3\), got \(3, 4, 22, 3\)'):
        min_mpjpe(torch.zeros(3, 4, 22, 3), torch.zeros(5, 22, 3))
