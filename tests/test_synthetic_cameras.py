"""Synthetic cameras: valid rotations and intrinsics, subject in view, static vs smooth moving cameras."""
import math

import numpy as np
import pytest
import torch

from observation_helpers import standin_motion, world_points
from unihmr.data.synthetic.cameras import CAMERA_KINDS, look_at, sample_camera, shift_view
from unihmr.geometry.camera import project_points, world_to_camera
from unihmr.geometry.rotations import geodesic_distance

FPS = 30.0
MAX_TURN_PER_FRAME = math.radians(3.0)  # 90 deg/s
MAX_MOVE_PER_FRAME = 0.1  # metres, 3 m/s


@pytest.fixture(scope='module')
def joints():
    return world_points(standin_motion(90))[0]


def cameras(joints, seeds=range(4)):
    return [(kind, sample_camera(joints, np.random.default_rng(seed), kind=kind, fps=FPS))
            for kind in CAMERA_KINDS for seed in seeds]


def test_rotations_are_proper_and_intrinsics_match_the_fov(joints):
    for kind, cam in cameras(joints):
        R, K = cam['R_w2c'].double(), cam['K'].double()
        assert torch.allclose(R @ R.transpose(-1, -2), torch.eye(3, dtype=R.dtype).expand_as(R), atol=1e-6)
        assert torch.allclose(torch.linalg.det(R), torch.ones(R.shape[0], dtype=R.dtype), atol=1e-6)
        width, height = cam['image_size']
        assert torch.all(K[:, 0, 0] == K[:, 1, 1]) and torch.all(K[:, 0, 2] == width / 2)
        assert torch.all(K[:, 1, 2] == height / 2) and torch.all(K[:, 2] == torch.tensor([0.0, 0, 1], dtype=K.dtype))
        fov = math.degrees(2 * math.atan(max(width, height) / 2 / K[0, 0, 0].item()))
        assert 40.0 - 1e-3 <= fov <= 80.0 + 1e-3, kind


def test_subject_is_in_view_and_in_front(joints):
    for kind, cam in cameras(joints):
        assert cam['in_view'], kind
        points_c = world_to_camera(joints, cam['R_w2c'], cam['t_w2c'])
        assert points_c[..., 2].min() > 0.3, kind
        pixels = project_points(points_c, cam['K'])
        width, height = cam['image_size']
        assert pixels[..., 0].min() >= 0 and pixels[..., 0].max() <= width, kind
        assert pixels[..., 1].min() >= 0 and pixels[..., 1].max() <= height, kind


def test_static_camera_is_constant_and_level_looking(joints):
    cam = sample_camera(joints, np.random.default_rng(3), kind='static')
    assert torch.equal(cam['R_w2c'], cam['R_w2c'][:1].expand_as(cam['R_w2c']))
    assert torch.equal(cam['t_w2c'], cam['t_w2c'][:1].expand_as(cam['t_w2c']))
    up_in_camera = cam['R_w2c'][0] @ torch.tensor([0.0, 1.0, 0.0])
    assert up_in_camera[1] < -0.9  # world up is image up (camera -y): no camera upside down


def test_moving_cameras_move_smoothly(joints):
    for kind, cam in cameras(joints):
        R, t = cam['R_w2c'].double(), cam['t_w2c'].double()
        centre = -(R.transpose(-1, -2) @ t[..., None])[..., 0]
        turn = geodesic_distance(R[1:], R[:-1])
        move = (centre[1:] - centre[:-1]).norm(dim=-1)
        assert turn.max() < MAX_TURN_PER_FRAME and move.max() < MAX_MOVE_PER_FRAME, kind
        if kind != 'static':
            assert turn.max() > 1e-5 or move.max() > 1e-5, kind


def test_look_at_convention_and_shift_view():
    position, target = np.array([[0.0, 1.0, -5.0]]), np.array([[0.0, 1.0, 0.0]])
    assert np.allclose(look_at(position, target)[0], np.diag([-1.0, -1.0, 1.0]))
    R = look_at(position, target)
    t = -(R @ position[..., None])[..., 0]  # t = -R c
    focal, shift = 1000.0, np.array([150.0, -80.0])
    ray = np.array([-shift[0] / focal, -shift[1] / focal, 1.0])  # through pixel centre - shift
    point_w = R[0].T @ (3.0 * ray - t[0])
    R2, t2 = shift_view(R, t, focal, shift)
    point_c = R2[0] @ point_w + t2[0]
    assert np.allclose(point_c[:2] / point_c[2], 0.0, atol=1e-9)  # now on the optical axis
    assert np.allclose(R2[0] @ R2[0].T, np.eye(3)) and np.allclose(-R2[0].T @ t2[0], [0.0, 1.0, -5.0])


def test_deterministic_by_seed_and_unknown_kind_raises(joints):
    first, again = (sample_camera(joints, np.random.default_rng(7)) for _ in range(2))
    other = sample_camera(joints, np.random.default_rng(8))
    assert all(torch.equal(first[k], again[k]) for k in ('K', 'R_w2c', 't_w2c'))
    assert not torch.equal(first['t_w2c'], other['t_w2c'])
    with pytest.raises(ValueError, match="'drone'.*static"):
        sample_camera(joints, np.random.default_rng(0), kind='drone')
