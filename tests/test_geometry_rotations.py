"""Rotation conversions: round trips, hand-computed cases, layouts, shapes, dtypes."""
import math

import pytest
import roma
import torch

from unihmr.geometry.rotations import (
    IDENTITY_ROT6D, axis_angle_to_matrix, axis_angle_to_quaternion, axis_angle_to_rot6d, geodesic_distance,
    matrix_to_axis_angle, matrix_to_quaternion, matrix_to_rot6d, quaternion_to_axis_angle, quaternion_to_matrix,
    quaternion_wxyz_to_xyzw, quaternion_xyzw_to_wxyz, relative_rotation, rot6d_to_axis_angle, rot6d_to_matrix,
    rotate_vectors, rotation_about_axis, rotation_angle)


def _random_aa(*shape, max_angle=3.0, seed=0):
    g = torch.Generator().manual_seed(seed)
    axis = torch.nn.functional.normalize(torch.randn(*shape, 3, generator=g, dtype=torch.float64), dim=-1)
    angle = torch.rand(*shape, 1, generator=g, dtype=torch.float64) * max_angle
    return axis * angle


def test_90_degrees_about_x_by_hand():
    R = axis_angle_to_matrix(torch.tensor([math.pi / 2, 0.0, 0.0]))
    expected = torch.tensor([[1.0, 0.0, 0.0], [0.0, 0.0, -1.0], [0.0, 1.0, 0.0]])
    torch.testing.assert_close(R, expected, atol=1e-6, rtol=0)
    torch.testing.assert_close(rotate_vectors(R, torch.tensor([0.0, 1.0, 0.0])), torch.tensor([0.0, 0.0, 1.0]),
                               atol=1e-6, rtol=0)
    torch.testing.assert_close(rotation_about_axis(torch.tensor(math.pi / 2), 'x'), expected, atol=1e-6, rtol=0)


def test_rotation_about_y_maps_z_to_x_for_positive_angle():
    R = rotation_about_axis(torch.tensor([0.3]), 'y')
    torch.testing.assert_close(rotate_vectors(R, torch.tensor([0.0, 0.0, 1.0])),
                               torch.tensor([[math.sin(0.3), 0.0, math.cos(0.3)]]))


def test_axis_angle_matrix_round_trip_any_leading_dims():
    aa = _random_aa(4, 5, 2)
    R = axis_angle_to_matrix(aa)
    assert R.shape == (4, 5, 2, 3, 3) and R.dtype == torch.float64
    assert roma.is_rotation_matrix(R.reshape(-1, 3, 3), epsilon=1e-10)
    torch.testing.assert_close(matrix_to_axis_angle(R), aa)


def test_6d_layout_is_first_two_columns_and_round_trips():
    R = axis_angle_to_matrix(_random_aa(7, 3))
    d6 = matrix_to_rot6d(R)
    assert d6.shape == (7, 3, 6)
    torch.testing.assert_close(d6[..., :3], R[..., :, 0])
    torch.testing.assert_close(d6[..., 3:], R[..., :, 1])
    torch.testing.assert_close(rot6d_to_matrix(d6), R)
    torch.testing.assert_close(matrix_to_rot6d(torch.eye(3)), torch.tensor(IDENTITY_ROT6D))
    aa = _random_aa(6)
    torch.testing.assert_close(rot6d_to_axis_angle(axis_angle_to_rot6d(aa)), aa)


def test_6d_to_matrix_orthonormalises_arbitrary_input():
    d6 = torch.randn(100, 6, generator=torch.Generator().manual_seed(1))
    R = rot6d_to_matrix(d6)
    torch.testing.assert_close(R.transpose(-1, -2) @ R, torch.eye(3).expand(100, 3, 3), atol=1e-5, rtol=0)
    torch.testing.assert_close(torch.linalg.det(R), torch.ones(100), atol=1e-5, rtol=0)
    # the first column is the normalised first 3-vector
    torch.testing.assert_close(R[:, :, 0], torch.nn.functional.normalize(d6[:, :3], dim=-1))


def test_quaternion_xyzw_convention_and_round_trips():
    angle = 0.8
    q = axis_angle_to_quaternion(torch.tensor([0.0, 0.0, angle]))
    torch.testing.assert_close(q, torch.tensor([0.0, 0.0, math.sin(angle / 2), math.cos(angle / 2)]))
    wxyz = torch.tensor([math.cos(angle / 2), 0.0, 0.0, math.sin(angle / 2)])
    torch.testing.assert_close(quaternion_xyzw_to_wxyz(q), wxyz)
    torch.testing.assert_close(quaternion_wxyz_to_xyzw(quaternion_xyzw_to_wxyz(q)), q)
    aa = _random_aa(3, 4)
    R = axis_angle_to_matrix(aa)
    torch.testing.assert_close(quaternion_to_matrix(matrix_to_quaternion(R)), R)
    torch.testing.assert_close(quaternion_to_axis_angle(axis_angle_to_quaternion(aa)), aa)
    # non-unit quaternions are normalised; q and -q are the same rotation
    torch.testing.assert_close(quaternion_to_matrix(-3.0 * matrix_to_quaternion(R)), R)


def test_relative_rotation_and_angles():
    R_a, R_b = axis_angle_to_matrix(_random_aa(5, seed=2)), axis_angle_to_matrix(_random_aa(5, seed=3))
    rel = relative_rotation(R_a, R_b)
    torch.testing.assert_close(R_a @ rel, R_b)
    torch.testing.assert_close(geodesic_distance(R_a, R_b), rotation_angle(rel))
    aa = _random_aa(8)
    torch.testing.assert_close(rotation_angle(axis_angle_to_matrix(aa)), aa.norm(dim=-1))
    # broadcasting against a single matrix
    assert geodesic_distance(torch.eye(3, dtype=torch.float64), R_a).shape == (5,)


def test_dtype_and_gradients_preserved():
    aa = _random_aa(3).float().requires_grad_()
    d6 = axis_angle_to_rot6d(aa)
    assert d6.dtype == torch.float32
    d6.sum().backward()
    assert torch.isfinite(aa.grad).all()


@pytest.mark.parametrize('fn, arg, name', [
    (axis_angle_to_matrix, torch.zeros(2, 4), 'aa'),
    (matrix_to_axis_angle, torch.zeros(2, 3, 4), 'R'),
    (rot6d_to_matrix, torch.zeros(5), 'd6'),
    (quaternion_to_matrix, torch.zeros(3), 'q'),
    (matrix_to_rot6d, torch.zeros(3, 3, dtype=torch.long), 'R'),
])
def test_bad_shapes_raise_value_error_naming_argument(fn, arg, name):
    with pytest.raises(ValueError, match=name):
        fn(arg)


def test_rotation_about_axis_rejects_unknown_axis():
    with pytest.raises(ValueError, match='axis'):
        rotation_about_axis(torch.tensor(0.1), 'w')
