"""Trajectory roll-out from local velocities, heading, MoRo eq. 2 canonicalisation and its inverse."""
import pytest
import torch

from unihmr.geometry.rotations import axis_angle_to_matrix, rotation_about_axis
from unihmr.geometry.trajectory import (
    canonicalize_trajectory, cumulative_matmul, heading_angle, heading_rotation, rollout_velocity,
    uncanonicalize_trajectory, velocity_from_trajectory)


def _random_trajectory(*shape, seed=0, dtype=torch.float64):
    """Smoothly turning orientations (..., T, 3, 3) and a random-walk translation (..., T, 3)."""
    g = torch.Generator().manual_seed(seed)
    aa = torch.cumsum(0.1 * torch.randn(*shape, 3, generator=g, dtype=dtype), dim=-2)
    transl = torch.cumsum(0.05 * torch.randn(*shape, 3, generator=g, dtype=dtype), dim=-2)
    return axis_angle_to_matrix(aa), transl


def test_constant_velocity_rolls_out_a_straight_line():
    T = 20
    R = rotation_about_axis(torch.full((T,), 0.5, dtype=torch.float64), 'y')
    vel = torch.tensor([0.0, 0.0, 0.04], dtype=torch.float64).expand(T, 3)
    start = torch.tensor([1.0, 0.9, -2.0], dtype=torch.float64)
    transl = rollout_velocity(vel, R, start)
    direction = R[0] @ vel[0]
    expected = start + torch.arange(T, dtype=torch.float64).unsqueeze(-1) * direction
    torch.testing.assert_close(transl, expected)
    torch.testing.assert_close(rollout_velocity(vel, R)[0], torch.zeros(3, dtype=torch.float64))


def test_velocity_from_trajectory_inverts_rollout():
    R, transl = _random_trajectory(3, 40, seed=1)
    vel = velocity_from_trajectory(transl, R)
    assert vel.shape == (3, 40, 3)
    torch.testing.assert_close(rollout_velocity(vel, R, transl[..., 0, :]), transl)
    # and the other way round on every used velocity
    torch.testing.assert_close(velocity_from_trajectory(rollout_velocity(vel, R), R)[..., :-1, :], vel[..., :-1, :])
    # frame t's velocity is the world step expressed in frame t's axes
    torch.testing.assert_close(R[1, 5] @ vel[1, 5], transl[1, 6] - transl[1, 5])
    # heading-frame velocities work the same way
    H = heading_rotation(R)
    torch.testing.assert_close(rollout_velocity(velocity_from_trajectory(transl, H), H, transl[..., 0, :]), transl)
    # a single frame has zero velocity
    single = velocity_from_trajectory(transl[:, :1], R[:, :1])
    torch.testing.assert_close(single, torch.zeros(3, 1, 3, dtype=torch.float64))


def test_heading_is_the_yaw_about_y():
    yaw = torch.tensor([-2.5, -0.3, 0.0, 1.0, 3.0], dtype=torch.float64)
    tilt = rotation_about_axis(torch.tensor([0.3, -0.2, 0.1, 0.4, -0.5], dtype=torch.float64), 'x')
    R = rotation_about_axis(yaw, 'y') @ tilt
    torch.testing.assert_close(heading_angle(R), yaw)
    torch.testing.assert_close(heading_rotation(R), rotation_about_axis(yaw, 'y'))


def test_cumulative_matmul_matches_a_loop():
    R, _ = _random_trajectory(2, 13, seed=2)
    P = cumulative_matmul(R)
    expected = [R[:, 0]]
    for t in range(1, 13):
        expected.append(expected[-1] @ R[:, t])
    torch.testing.assert_close(P, torch.stack(expected, dim=1))
    torch.testing.assert_close(cumulative_matmul(R[:, :1]), R[:, :1])


def test_canonicalisation_matches_moro_equation_2():
    R, transl = _random_trajectory(10, seed=3)
    R_cano, transl_cano = canonicalize_trajectory(R, transl)
    assert R_cano.shape == (9, 3, 3) and transl_cano.shape == (9, 3)
    t = 4
    torch.testing.assert_close(R_cano[t], torch.linalg.inv(R[t]) @ R[t + 1])
    torch.testing.assert_close(transl_cano[t], torch.linalg.inv(R[t]) @ (transl[t + 1] - transl[t]))


def test_canonicalisation_is_invariant_to_a_global_rigid_transform():
    R, transl = _random_trajectory(2, 30, seed=4)
    G = axis_angle_to_matrix(torch.tensor([0.3, -1.2, 2.0], dtype=torch.float64))
    g = torch.tensor([5.0, -1.0, 3.0], dtype=torch.float64)
    R_moved = G @ R
    transl_moved = (G @ transl.unsqueeze(-1)).squeeze(-1) + g
    for a, b in zip(canonicalize_trajectory(R, transl), canonicalize_trajectory(R_moved, transl_moved)):
        torch.testing.assert_close(a, b)


def test_uncanonicalisation_inverts_canonicalisation():
    R, transl = _random_trajectory(4, 37, seed=5)
    R_back, transl_back = uncanonicalize_trajectory(*canonicalize_trajectory(R, transl), R[..., 0, :, :],
                                                    transl[..., 0, :])
    torch.testing.assert_close(R_back, R)
    torch.testing.assert_close(transl_back, transl)


def test_uncanonicalisation_long_float32_sequence_stays_accurate():
    R, transl = _random_trajectory(1000, seed=6, dtype=torch.float32)
    R_back, transl_back = uncanonicalize_trajectory(*canonicalize_trajectory(R, transl), R[0], transl[0])
    assert (R_back - R).abs().max() < 1e-4
    assert (transl_back - transl).abs().max() < 1e-3


@pytest.mark.parametrize('fn, args, name', [
    (rollout_velocity, (torch.zeros(5, 2), torch.eye(3).expand(5, 3, 3)), 'vel_local'),
    (rollout_velocity, (torch.zeros(5, 3), torch.eye(3).expand(4, 3, 3)), 'R_root'),
    (velocity_from_trajectory, (torch.zeros(5, 3), torch.zeros(5, 3)), 'R_root'),
    (canonicalize_trajectory, (torch.eye(3).expand(1, 3, 3), torch.zeros(1, 3)), 'R_root'),
    (uncanonicalize_trajectory, (torch.eye(3).expand(4, 3, 3), torch.zeros(4, 3), torch.eye(3), torch.zeros(2)),
     'transl_0'),
    (heading_angle, (torch.zeros(3, 2),), 'R_root'),
])
def test_bad_inputs_raise_value_error_naming_argument(fn, args, name):
    with pytest.raises(ValueError, match=name):
        fn(*args)
