"""Detector-like keypoints: noise statistics, temporal correlation, confidence, outliers, swaps, boxes."""
import numpy as np
import pytest
import torch

from unihmr.body.joint_sets import COCO17_FLIP, COCO17_NAMES
from unihmr.data.synthetic.keypoints import COCO17_OKS_SIGMAS, DETECTOR_DEFAULTS, bbox_from_points, detect_keypoints

IMAGE = (1920, 1080)
CLEAN_ONLY = dict(outlier_rate=0.0, swap_rate=0.0)


def clean_person(num_frames: int) -> np.ndarray:
    """A still person: 17 keypoints spread over a 400 x 160 px box (size 400) in the image centre."""
    rng = np.random.default_rng(123)
    points = rng.uniform([880.0, 340.0], [1040.0, 740.0], (17, 2))
    points[0], points[15] = (960.0, 340.0), (960.0, 740.0)  # pin the vertical extent to exactly 400 px
    return np.broadcast_to(points, (num_frames, 17, 2)).copy()


def errors(kp2d: torch.Tensor, clean: np.ndarray) -> np.ndarray:
    return kp2d[..., :2].double().numpy() - clean


def test_noise_matches_the_configured_per_keypoint_sigma():
    clean = clean_person(400)
    err = np.concatenate([errors(detect_keypoints(clean, np.random.default_rng(s), IMAGE, **CLEAN_ONLY)[0], clean)
                          for s in range(10)])
    measured = err.std(axis=(0, 2)) / 400.0
    expected = DETECTOR_DEFAULTS['noise_scale'] * COCO17_OKS_SIGMAS
    assert np.allclose(measured, expected, rtol=0.15)


def test_noise_is_temporally_correlated_and_confidence_falls_with_error():
    clean = clean_person(400)
    kp2d, _ = detect_keypoints(clean, np.random.default_rng(0), IMAGE, **CLEAN_ONLY)
    err = errors(kp2d, clean)
    lag1 = np.mean([np.corrcoef(err[1:, k, 0], err[:-1, k, 0])[0, 1] for k in range(17)])
    expected = DETECTOR_DEFAULTS['temporal_fraction'] * DETECTOR_DEFAULTS['temporal_rho']
    assert abs(lag1 - expected) < 0.1
    normalised = np.linalg.norm(err, axis=-1) / COCO17_OKS_SIGMAS
    conf = kp2d[..., 2].numpy()
    assert np.corrcoef(normalised.ravel(), conf.ravel())[0, 1] < -0.5
    assert 0.0 < conf.min() and conf.max() <= 1.0 and 0.75 < conf.mean() < 0.95


def test_outlier_rate_matches_the_configuration():
    clean = clean_person(300)
    options = dict(noise_scale=0.01, outlier_rate=0.05, swap_rate=0.0)
    rates = []
    for seed in range(10):
        kp2d, _ = detect_keypoints(clean, np.random.default_rng(seed), IMAGE, **options)
        far = np.linalg.norm(errors(kp2d, clean), axis=-1) > 0.05 * 400  # outliers are 10-40 % of the size away
        rates.append(far.mean())
    assert 0.035 < np.mean(rates) < 0.06


def test_swap_rate_matches_the_configuration():
    clean = clean_person(300)
    pairs = [k for k, partner in enumerate(COCO17_FLIP) if partner > k]
    options = dict(noise_scale=0.001, outlier_rate=0.0, swap_rate=0.05)
    rates = []
    for seed in range(10):
        kp2d, _ = detect_keypoints(clean, np.random.default_rng(seed), IMAGE, **options)
        xy = kp2d[..., :2].double().numpy()
        at_partner = np.linalg.norm(xy[:, pairs] - clean[:, [COCO17_FLIP[k] for k in pairs]], axis=-1) < 1.0
        rates.append(at_partner.mean())
    assert 0.035 < np.mean(rates) < 0.06


def test_missing_keypoints_have_zero_confidence_and_position():
    clean = clean_person(20)
    clean[:, 3, 0] = -50.0  # off the image
    visible = np.ones((20, 17), bool)
    visible[5:8, 9] = False
    kp2d, _ = detect_keypoints(clean, np.random.default_rng(0), IMAGE, visible=visible)
    assert torch.all(kp2d[:, 3] == 0) and torch.all(kp2d[5:8, 9] == 0)
    others = torch.ones(20, 17, dtype=torch.bool)
    others[:, 3] = False
    others[5:8, 9] = False
    assert torch.all(kp2d[..., 2][others] > 0)


def test_bbox_from_keypoints_is_square_scaled_and_jittered():
    clean = clean_person(50)
    exact = bbox_from_points(clean, np.random.default_rng(0), center_jitter=0.0, scale_jitter=0.0)
    centre_x = 0.5 * (clean[0, :, 0].min() + clean[0, :, 0].max())
    assert np.allclose(exact, [[centre_x, 540.0, 1.2 * 400.0]] * 50)  # side: 1.2 x the longer side
    jittered = bbox_from_points(clean, np.random.default_rng(0))
    assert 0 < np.abs(jittered[:, 2] / exact[:, 2] - 1).max() < 0.2
    in_view = np.ones((50, 17), bool)
    in_view[:, 15] = False  # the lowest point leaves the view: the box shrinks
    assert np.all(bbox_from_points(clean, np.random.default_rng(0), in_view, center_jitter=0.0,
                                   scale_jitter=0.0)[:, 2] < exact[:, 2])


def test_deterministic_by_seed_and_unknown_option_raises():
    clean = clean_person(30)
    a, b = (detect_keypoints(clean, np.random.default_rng(4), IMAGE) for _ in range(2))
    c = detect_keypoints(clean, np.random.default_rng(5), IMAGE)
    assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1]) and not torch.equal(a[0], c[0])
    with pytest.raises(ValueError, match='noise_scal'):
        detect_keypoints(clean, np.random.default_rng(0), IMAGE, noise_scal=0.1)


def test_swaps_concentrate_in_side_views():
    clean = clean_person(300)
    shoulders, hips = (COCO17_NAMES.index(f'left_{part}') for part in ('shoulder', 'hip'))
    for left in (shoulders, hips):
        right = COCO17_FLIP[left]
        clean[:150, left, 0], clean[:150, right, 0] = 1040.0, 880.0  # frontal: wide apart
        clean[150:, left, 0], clean[150:, right, 0] = 960.0, 960.0  # side view: overlapping
        clean[:, right, 1] = clean[:, left, 1] + 20.0
    options = dict(noise_scale=0.001, outlier_rate=0.0, swap_rate=0.05)
    swapped = []
    for seed in range(10):
        kp2d, _ = detect_keypoints(clean, np.random.default_rng(seed), IMAGE, **options)
        swapped.append(np.abs(kp2d[..., 1].double().numpy() - clean[..., 1])[:, shoulders] > 10.0)
    swapped = np.stack(swapped, axis=1)  # (T, seeds)
    assert swapped[150:].mean() > 2.5 * swapped[:150].mean()


def test_exact_keypoints_keep_finite_detector_like_confidences():
    """noise_scale=0 (exact keypoints, e.g. an upper-bound evaluation): positions equal the clean ones and the
    confidences stay finite and in range (they were 0/0 = NaN)."""
    clean = clean_person(50)
    kp2d, _ = detect_keypoints(clean, np.random.default_rng(0), IMAGE, noise_scale=0.0, **CLEAN_ONLY)
    np.testing.assert_allclose(errors(kp2d, clean), 0.0, atol=1e-3)
    conf = kp2d[..., 2]
    assert torch.isfinite(conf).all() and conf.min() >= DETECTOR_DEFAULTS['conf_min'] and conf.max() <= 1.0
