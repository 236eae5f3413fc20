"""Motion statistics: angular speed of a known constant rotation, Euler ranges in the limit table's
parametrisation, and coverage on hand-made distributions."""
import numpy as np

from unihmr.data.motion_stats import TOLERANCE_DEG, angular_speed, coverage, summarize


def test_a_constant_rotation_rate_is_measured():
    fps, rate = 30.0, 90.0  # degrees per second about the knee's x axis
    t = np.arange(31) / fps
    pose = np.zeros((31, 21, 3))
    pose[:, 3, 0] = np.radians(rate * t)  # left_knee (body-pose index 3), pure flexion
    speed = angular_speed(pose, fps)
    np.testing.assert_allclose(speed[:, 3], rate, rtol=1e-6)
    assert np.abs(np.delete(speed, 3, axis=1)).max() < 1e-9
    stats = summarize([pose], fps)
    assert stats['euler_p95'][3, 0] == np.float64(np.percentile(rate * t, 95))  # x angle is the flexion
    assert abs(stats['euler_p95'][3, 1]) < 1e-9 and stats['frames'] == 31


def test_coverage_counts_real_frames_inside_the_widened_synthetic_box():
    rng = np.random.default_rng(0)
    synthetic = dict(euler=rng.uniform(-10, 10, size=(5000, 21, 3)))
    inside = rng.uniform(-10, 10, size=(100, 21, 3))
    real = dict(euler=np.concatenate([inside, inside + 20 + TOLERANCE_DEG]))  # half beyond the widened box
    np.testing.assert_allclose(coverage(synthetic, real), 0.5)
