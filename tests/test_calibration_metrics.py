"""Hypothesis calibration (issue 18): the fraction of joints whose error is within k sample spreads, and the
spread-error correlation, on visible and occluded joints separately."""
import math

import numpy as np
import pytest
import torch

from unihmr.evaluation import MotionMetric
from unihmr.evaluation.metrics import gaussian_calibration, within_spread

J = 22


def test_within_spread_on_a_hand_computed_case():
    # one frame, joints 0 (root) and 1; two samples of joint 1 at x = +-1 mm around 0, the truth at 1.5 mm
    samples = torch.zeros(2, 1, 2, 3)
    samples[0, 0, 1, 0], samples[1, 0, 1, 0] = 1e-3, -1e-3
    gt = torch.zeros(1, 2, 3)
    gt[0, 1, 0] = 1.5e-3
    joints = torch.tensor([[False, True]])
    # spread: mean distance to the sample mean (0) = 1 mm; error of the mean = 1.5 mm -> within 2 spreads, not 1
    assert within_spread(samples, gt, 1.0, joints).tolist() == [0.0]
    assert within_spread(samples, gt, 1.5, joints).tolist() == [1.0]
    assert within_spread(samples, gt, 2.0, joints).tolist() == [1.0]


def test_gaussian_calibration_is_the_chi3_cdf():
    # Monte Carlo of |N(0, I_3)| against the closed form used at S -> infinity (spread = E[chi_3] exactly)
    radii = np.linalg.norm(np.random.default_rng(0).normal(size=(400000, 3)), axis=-1)
    for k in (0.5, 1.0, 2.0):
        expected = float((radii <= k * 2.0 * math.sqrt(2.0 / math.pi)).mean())
        assert gaussian_calibration(k, 10 ** 9) == pytest.approx(expected, abs=3e-3)
    with pytest.raises(ValueError, match='at least 2'):
        gaussian_calibration(1.0, 1)


def test_hypotheses_drawn_like_the_truth_follow_the_gaussian_curve():
    # a calibrated model: the S hypotheses and the truth are independent draws of the same Gaussian per joint
    generator = torch.Generator().manual_seed(0)
    num_samples, frames = 64, 400
    centre = torch.randn(frames, J, 3, generator=generator) * 0.2
    sigma = 0.01 + 0.05 * torch.rand(frames, J, 1, generator=generator)
    draw = lambda *shape: centre + sigma * torch.randn(*shape, frames, J, 3, generator=generator)  # noqa: E731
    samples, gt = draw(num_samples), draw(1)[0]
    # no root alignment: the draws are independent per joint
    everything = torch.ones(frames, J, dtype=torch.bool)
    for k in (0.5, 1.0, 2.0):
        fraction = within_spread(samples, gt, k, everything, root_idxs=None).mean().item()
        assert fraction == pytest.approx(gaussian_calibration(k, num_samples), abs=0.02)
    # over-confident hypotheses (spread a quarter of the truth's) fall below the curve
    tight = centre + (samples - centre) / 4
    assert within_spread(tight, gt, 1.0, everything, root_idxs=None).mean().item() < gaussian_calibration(1.0, 64) - 0.3


def test_motion_metric_reports_calibration_and_correlation_by_visibility():
    generator = torch.Generator().manual_seed(1)
    gt = torch.randn(10, J, 3, generator=generator) * 0.3
    samples = gt + 0.01 * torch.randn(4, 10, J, 3, generator=generator)
    vis = torch.ones(10, J, dtype=torch.bool)
    vis[:, 12:] = False
    samples[:, :, 12:] += 0.5  # occluded joints: all hypotheses agree on a pose 0.5 m off -> never within 3 spreads
    metric = MotionMetric(metrics=['calibration_vis_k3', 'calibration_occ_k3', 'uncertainty_corr_vis',
                                   'uncertainty_corr_occ', 'min_mpjpe'])
    metric.process(None, [dict(seq_id='s', pred_samples_joints_c=samples, gt_joints_c=gt, vis=vis)])
    result = metric.compute_metrics(metric.results)
    assert result['calibration_occ_k3'] == 0.0
    # visible joints: the mean of 4 samples is within 3 spreads almost always (the root, aligned to 0 error and 0
    # spread, is left out: it would count as within)
    assert result['calibration_vis_k3'] > 0.8
    assert set(result) >= {'uncertainty_corr_vis', 'uncertainty_corr_occ'}
    single = MotionMetric(metrics=['calibration_vis_k1'])  # one hypothesis: no spread, no value
    single.process(None, [dict(seq_id='s', pred_samples_joints_c=samples[:1], gt_joints_c=gt, vis=vis)])
    assert single.compute_metrics(single.results) == {}


def test_the_root_joint_is_not_counted():
    gt = torch.zeros(1, J, 3)
    samples = torch.zeros(2, 1, J, 3)
    samples[0, :, 1:, 0], samples[1, :, 1:, 0] = 1.0, 1.1  # every non-root joint about 1 m off, spread 5 cm
    metric = MotionMetric(metrics=['calibration_vis_k1'])
    metric.process(None, [dict(seq_id='s', pred_samples_joints_c=samples, gt_joints_c=gt,
                               vis=torch.ones(1, J, dtype=torch.bool))])
    assert metric.compute_metrics(metric.results)['calibration_vis_k1'] == 0.0
