"""Gravity-view frames, frame changes of the root, camera angular-velocity features."""
import math

import pytest
import torch

from unihmr.geometry.gravity_view import (
    camera_angular_velocity, convert_orient, frame_rotation, get_R_c2gv, get_R_gv2w, gravity_view_from_up,
    root_c_to_w, root_w_to_c)
from unihmr.geometry.rotations import axis_angle_to_matrix, matrix_to_rot6d, rotation_about_axis

EYE = torch.eye(3, dtype=torch.float64)
# OpenCV camera (x right, y down, z forward) level with the y-up ground, looking along world +z / -z.
LEVEL_LOOKING_PLUS_Z = torch.diag(torch.tensor([-1.0, -1.0, 1.0], dtype=torch.float64))
LEVEL_LOOKING_MINUS_Z = torch.diag(torch.tensor([1.0, -1.0, -1.0], dtype=torch.float64))


def _random_R(*shape, seed=0):
    g = torch.Generator().manual_seed(seed)
    return axis_angle_to_matrix(torch.randn(*shape, 3, generator=g, dtype=torch.float64))


def _assert_rotation(R):
    torch.testing.assert_close(R.transpose(-1, -2) @ R, EYE.expand_as(R))
    torch.testing.assert_close(torch.linalg.det(R), torch.ones(R.shape[:-2], dtype=R.dtype))


def test_level_camera_conventions_worked_by_hand():
    # camera axes in world coordinates are the columns of R_c2w = R_w2c^T
    R_c2w = LEVEL_LOOKING_PLUS_Z.T
    torch.testing.assert_close(R_c2w[:, 2], torch.tensor([0.0, 0.0, 1.0], dtype=torch.float64))  # forward = +z
    torch.testing.assert_close(R_c2w[:, 1], torch.tensor([0.0, -1.0, 0.0], dtype=torch.float64))  # down = -y
    _assert_rotation(LEVEL_LOOKING_PLUS_Z)
    _assert_rotation(LEVEL_LOOKING_MINUS_Z)


@pytest.mark.parametrize('R_w2c', [LEVEL_LOOKING_PLUS_Z, LEVEL_LOOKING_MINUS_Z])
def test_gv_frame_of_level_camera_is_camera_frame_with_x_and_y_flipped(R_w2c):
    R_c2gv = get_R_c2gv(R_w2c)
    torch.testing.assert_close(R_c2gv, torch.diag(torch.tensor([-1.0, -1.0, 1.0], dtype=torch.float64)))
    # GV y is up, GV z is the viewing direction: z of the camera is unchanged
    torch.testing.assert_close(R_c2gv @ torch.tensor([0.0, 0.0, 1.0], dtype=torch.float64),
                               torch.tensor([0.0, 0.0, 1.0], dtype=torch.float64))


def test_gv_of_camera_looking_along_plus_z_is_the_world_frame():
    torch.testing.assert_close(get_R_gv2w(LEVEL_LOOKING_PLUS_Z), EYE)
    torch.testing.assert_close(get_R_gv2w(LEVEL_LOOKING_MINUS_Z),
                               rotation_about_axis(torch.tensor(math.pi, dtype=torch.float64), 'y'))


def test_gv_of_pitched_and_yawed_camera_is_the_camera_heading():
    yaw, pitch, roll = 0.7, 0.4, -0.2
    # camera-to-world: turn by yaw about world y, tilt down by pitch, roll about the optical axis
    R_c2w = (rotation_about_axis(torch.tensor(yaw, dtype=torch.float64), 'y')
             @ rotation_about_axis(torch.tensor(pitch, dtype=torch.float64), 'x')
             @ rotation_about_axis(torch.tensor(roll, dtype=torch.float64), 'z') @ LEVEL_LOOKING_PLUS_Z.T)
    R_w2c = R_c2w.T
    R_gv2w = get_R_gv2w(R_w2c)
    torch.testing.assert_close(R_gv2w, rotation_about_axis(torch.tensor(yaw, dtype=torch.float64), 'y'))
    # GV z in world = optical axis projected on the ground, normalised
    forward = R_c2w[:, 2] * torch.tensor([1.0, 0.0, 1.0], dtype=torch.float64)
    torch.testing.assert_close(R_gv2w[:, 2], forward / forward.norm())


def test_gv_is_a_yaw_of_the_world_for_random_cameras():
    R_w2c = _random_R(4, 30, seed=1)
    R_c2gv = get_R_c2gv(R_w2c)
    _assert_rotation(R_c2gv)
    up = torch.tensor([0.0, 1.0, 0.0], dtype=torch.float64)
    torch.testing.assert_close(get_R_gv2w(R_w2c) @ up, up.expand(4, 30, 3))
    # gravity_view_from_up is scale-invariant in its argument
    up_c = R_w2c @ up
    torch.testing.assert_close(gravity_view_from_up(5.0 * up_c), R_c2gv)


def test_camera_looking_straight_down_falls_back_to_finite_frame():
    R_c2w = rotation_about_axis(torch.tensor(math.pi / 2, dtype=torch.float64), 'x') @ LEVEL_LOOKING_PLUS_Z.T
    torch.testing.assert_close(R_c2w[:, 2], torch.tensor([0.0, -1.0, 0.0], dtype=torch.float64), atol=1e-12, rtol=0)
    R_c2gv = get_R_c2gv(R_c2w.T)
    assert torch.isfinite(R_c2gv).all()
    _assert_rotation(R_c2gv)


def test_orientation_conversions_round_trip_and_compose():
    R_w2c = _random_R(2, 10, seed=2)
    R_root_c = _random_R(2, 10, seed=3)
    R_root_w = convert_orient(R_root_c, R_w2c, 'c', 'w')
    torch.testing.assert_close(R_root_w, R_w2c.transpose(-1, -2) @ R_root_c)
    torch.testing.assert_close(convert_orient(R_root_w, R_w2c, 'w', 'c'), R_root_c)
    R_root_gv = convert_orient(R_root_c, R_w2c, 'c', 'gv')
    torch.testing.assert_close(R_root_gv, get_R_c2gv(R_w2c) @ R_root_c)
    torch.testing.assert_close(convert_orient(R_root_gv, R_w2c, 'gv', 'w'), R_root_w)
    torch.testing.assert_close(convert_orient(R_root_w, R_w2c, 'w', 'gv'), R_root_gv)
    torch.testing.assert_close(convert_orient(R_root_gv, R_w2c, 'gv', 'c'), R_root_c)
    torch.testing.assert_close(frame_rotation(R_w2c, 'c', 'c'), EYE.expand(2, 10, 3, 3))


def test_root_parameters_camera_world_round_trip_with_pelvis_offset():
    R_w2c, R_root_w = _random_R(12, seed=4), _random_R(12, seed=5)
    g = torch.Generator().manual_seed(6)
    t_w2c, transl_w = torch.randn(2, 12, 3, generator=g, dtype=torch.float64).unbind(0)
    offset = torch.tensor([0.001, -0.35, 0.012], dtype=torch.float64)
    R_root_c, transl_c = root_w_to_c(R_root_w, transl_w, R_w2c, t_w2c, offset)
    # the pelvis (transl + offset) moves like a point
    torch.testing.assert_close(transl_c + offset, (R_w2c @ (transl_w + offset).unsqueeze(-1)).squeeze(-1) + t_w2c)
    back_R, back_t = root_c_to_w(R_root_c, transl_c, R_w2c, t_w2c, offset)
    torch.testing.assert_close(back_R, R_root_w)
    torch.testing.assert_close(back_t, transl_w)
    _, transl_c0 = root_w_to_c(R_root_w, transl_w, R_w2c, t_w2c)
    torch.testing.assert_close(transl_c0, (R_w2c @ transl_w.unsqueeze(-1)).squeeze(-1) + t_w2c)


def test_camera_angular_velocity():
    static = LEVEL_LOOKING_PLUS_Z.expand(2, 6, 3, 3)
    assert camera_angular_velocity(static).shape == (2, 6, 6)
    torch.testing.assert_close(camera_angular_velocity(static), torch.zeros(2, 6, 6, dtype=torch.float64))
    # a camera panning by a constant step about its own y axis
    step = rotation_about_axis(torch.tensor(0.05, dtype=torch.float64), 'y')
    R_w2c = torch.stack([torch.linalg.matrix_power(step, t) for t in range(5)]) @ _random_R(seed=7)
    features = camera_angular_velocity(R_w2c)
    torch.testing.assert_close(features[0], torch.zeros(6, dtype=torch.float64))
    expected = matrix_to_rot6d(step) - matrix_to_rot6d(EYE)
    torch.testing.assert_close(features[1:], expected.expand(4, 6))
    raw = camera_angular_velocity(R_w2c, subtract_identity=False)
    torch.testing.assert_close(raw[0], matrix_to_rot6d(EYE))
    torch.testing.assert_close(raw[3], matrix_to_rot6d(step))


@pytest.mark.parametrize('fn, args, name', [
    (get_R_c2gv, (torch.zeros(5, 3),), 'R_w2c'),
    (gravity_view_from_up, (torch.zeros(5, 2),), 'up_c'),
    (camera_angular_velocity, (torch.zeros(5, 6),), 'R_w2c'),
    (convert_orient, (torch.zeros(3), torch.eye(3), 'c', 'w'), 'R_root'),
    (frame_rotation, (torch.eye(3), 'c', 'world'), 'dst'),
    (root_w_to_c, (torch.eye(3), torch.zeros(4), torch.eye(3), torch.zeros(3)), 'transl_w'),
])
def test_bad_inputs_raise_value_error_naming_argument(fn, args, name):
    with pytest.raises(ValueError, match=name):
        fn(*args)
