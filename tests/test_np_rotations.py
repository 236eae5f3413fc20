"""The NumPy rotation helpers of the data pipeline agree with roma and invert each other."""
import numpy as np
import pytest
import roma
import torch

from unihmr.data.synthetic import np_rotations as R


@pytest.fixture
def rotvecs():
    rng = np.random.default_rng(0)
    axes = rng.normal(size=(200, 3))
    axes /= np.linalg.norm(axes, axis=-1, keepdims=True)
    angles = np.concatenate([rng.uniform(0, np.pi - 1e-3, 197), [0.0, 1e-10, np.pi - 1e-6]])
    return axes * angles[:, None]


def test_rotvec_matrix_agree_with_roma(rotvecs):
    reference = roma.rotvec_to_rotmat(torch.from_numpy(rotvecs)).numpy()
    np.testing.assert_allclose(R.rotvec_to_matrix(rotvecs), reference, atol=1e-12)
    np.testing.assert_allclose(R.matrix_to_rotvec(reference), rotvecs, atol=1e-6)


@pytest.mark.parametrize('order', ['xyz', 'yzx', 'zxy'])
def test_euler_round_trips(order):
    rng = np.random.default_rng(1)
    angles = rng.uniform(-1.2, 1.2, (100, 3))
    matrices = R.euler_to_matrix(angles, order)
    np.testing.assert_allclose(R.matrix_to_euler(matrices, order), angles, atol=1e-10)
    np.testing.assert_allclose(R.rotvec_to_matrix(R.euler_to_rotvec(angles, order)), matrices, atol=1e-10)


def test_yaw_turns_forward_towards_plus_x():
    forward, _ = R.heading_vectors(np.pi / 2)
    np.testing.assert_allclose(forward, [1.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(R.yaw_matrix(np.pi / 2) @ np.array([0.0, 0.0, 1.0]), [1.0, 0.0, 0.0], atol=1e-12)
