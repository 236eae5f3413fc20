"""Pinhole camera: projection by hand, rays, intrinsics, CLIFF feature, weak perspective <-> transl_c."""
import pytest
import torch

from unihmr.geometry.camera import (
    camera_to_world, cliff_bbox_feature, default_focal_length, intrinsics_from_focal, project_points,
    transl_to_weak_perspective, unproject_pixels, weak_perspective_to_transl, world_to_camera)
from unihmr.geometry.rotations import axis_angle_to_matrix

K_HAND = torch.tensor([[1000.0, 0.0, 500.0], [0.0, 1000.0, 300.0], [0.0, 0.0, 1.0]])


def test_projection_by_hand():
    points = torch.tensor([[0.0, 0.0, 2.0], [1.0, 0.0, 5.0], [0.0, -1.0, 4.0]])
    pixels = project_points(points, K_HAND)
    torch.testing.assert_close(pixels, torch.tensor([[500.0, 300.0], [700.0, 300.0], [500.0, 50.0]]))


def test_projection_broadcasts_K_over_leading_dims():
    g = torch.Generator().manual_seed(0)
    points = torch.randn(2, 3, 17, 3, generator=g) + torch.tensor([0.0, 0.0, 5.0])
    K = K_HAND.expand(2, 3, 3, 3).clone()
    K[1, :, 0, 0] = 800.0
    pixels = project_points(points, K)
    assert pixels.shape == (2, 3, 17, 2)
    torch.testing.assert_close(pixels[1, 2], project_points(points[1, 2], K[1, 2]))
    torch.testing.assert_close(project_points(points, K_HAND)[0], pixels[0])


def test_points_behind_camera_are_clamped_not_nan():
    points = torch.tensor([[0.1, -0.2, 0.0], [0.1, 0.2, -3.0]])
    pixels = project_points(points, K_HAND, eps=1e-3)
    assert torch.isfinite(pixels).all()
    torch.testing.assert_close(pixels[0], torch.tensor([500.0 + 1000 * 100, 300.0 - 1000 * 200]))


def test_unproject_inverts_project_and_is_parallel():
    g = torch.Generator().manual_seed(1)
    points = torch.randn(4, 30, 3, generator=g, dtype=torch.float64)
    points[..., 2] += 6.0
    K = intrinsics_from_focal(torch.tensor([900.0, 1000.0, 1100.0, 1200.0], dtype=torch.float64), 1280, 720)
    rays = unproject_pixels(project_points(points, K), K)
    torch.testing.assert_close(rays.norm(dim=-1), torch.ones(4, 30, dtype=torch.float64))
    direction = points / points.norm(dim=-1, keepdim=True)
    torch.testing.assert_close(rays, direction)
    plane = unproject_pixels(project_points(points, K), K, normalize=False)
    torch.testing.assert_close(plane, points / points[..., 2:])
    torch.testing.assert_close(project_points(3.0 * plane, K), project_points(points, K))


def test_intrinsics_and_default_focal():
    K = intrinsics_from_focal(1000.0, 1000, 600)
    torch.testing.assert_close(K, K_HAND)
    assert K.dtype == torch.get_default_dtype()
    torch.testing.assert_close(default_focal_length(300, 400), torch.tensor(500.0))
    batched = intrinsics_from_focal(torch.tensor([500.0, 600.0]), torch.tensor([640.0, 800.0]), 480)
    assert batched.shape == (2, 3, 3)
    torch.testing.assert_close(batched[1, 0, 2], torch.tensor(400.0))


def test_world_camera_points_round_trip():
    g = torch.Generator().manual_seed(2)
    R = axis_angle_to_matrix(torch.randn(5, 3, generator=g))
    t = torch.randn(5, 3, generator=g)
    x_w = torch.randn(5, 22, 3, generator=g)
    x_c = world_to_camera(x_w, R, t)
    torch.testing.assert_close(x_c[2, 7], R[2] @ x_w[2, 7] + t[2])
    torch.testing.assert_close(camera_to_world(x_c, R, t), x_w, atol=1e-5, rtol=0)


def test_cliff_bbox_feature_by_hand():
    bbox = torch.tensor([[700.0, 100.0, 250.0]])
    torch.testing.assert_close(cliff_bbox_feature(bbox, K_HAND), torch.tensor([[0.2, -0.2, 0.25]]))


def test_weak_perspective_hand_case():
    # s = 1, box of 200 px centred 200 px right of the principal point, f = 1000:
    # tz = 2 f / (s size) = 10, tx_full = tx + 2 * 200 / 200 = tx + 2.
    bbox = torch.tensor([700.0, 300.0, 200.0])
    transl = weak_perspective_to_transl(torch.tensor([1.0, 0.1, -0.3]), bbox, K_HAND)
    torch.testing.assert_close(transl, torch.tensor([2.1, -0.3, 10.0]))
    # the root then projects to the box centre shifted by the crop offset (size / 2 * s * t)
    root_pixel = project_points(transl.reshape(1, 3), K_HAND)[0]
    torch.testing.assert_close(root_pixel, torch.tensor([700.0 + 100 * 0.1, 300.0 - 100 * 0.3]))


def test_weak_perspective_round_trip_batched():
    g = torch.Generator().manual_seed(3)
    T = 50
    transl = torch.randn(2, T, 3, generator=g, dtype=torch.float64) + torch.tensor([0.0, 0.0, 8.0], dtype=torch.float64)
    bbox = torch.cat([torch.rand(2, T, 2, generator=g, dtype=torch.float64) * 1000,
                      torch.rand(2, T, 1, generator=g, dtype=torch.float64) * 300 + 50], dim=-1)
    K = intrinsics_from_focal(torch.full((2, T), 1100.0, dtype=torch.float64), 1000, 800)
    cam = transl_to_weak_perspective(transl, bbox, K)
    torch.testing.assert_close(weak_perspective_to_transl(cam, bbox, K), transl)
    torch.testing.assert_close(transl_to_weak_perspective(weak_perspective_to_transl(cam, bbox, K), bbox, K), cam)


@pytest.mark.parametrize('fn, args, name', [
    (project_points, (torch.zeros(4, 2), K_HAND), 'points'),
    (project_points, (torch.ones(4, 3), torch.eye(4)), 'K'),
    (unproject_pixels, (torch.zeros(4, 3), K_HAND), 'pixels'),
    (cliff_bbox_feature, (torch.zeros(4), K_HAND), 'bbox'),
    (weak_perspective_to_transl, (torch.zeros(2), torch.zeros(3), K_HAND), 'cam'),
    (transl_to_weak_perspective, (torch.zeros(3), torch.zeros(3), torch.zeros(3)), 'K'),
])
def test_bad_shapes_raise_value_error_naming_argument(fn, args, name):
    with pytest.raises(ValueError, match=name):
        fn(*args)
