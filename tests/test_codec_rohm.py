"""RoHMCodec (RoHM section 3): layout, exact round trip, canonical frame, trajectory expansion, group statistics,
visibility masks; and the motion corruption of RoHM's training and test inputs."""
import math

import pytest
import torch

from unihmr.body.posing import with_world_joints
from unihmr.codecs.rohm import ABS_TRAJ_FIELDS, FIELD_GROUPS, RoHMCodec, canonical_frame, facing_yaw, unwrap
from unihmr.data.collate import collate_windows
from unihmr.data.datasets import CorruptedMotionDataset
from unihmr.data.datasets.synthetic import SyntheticMotionDataset
from unihmr.data.transforms.motion_corruption import LOWER_BODY, add_parameter_noise, occlusion_mask
from unihmr.geometry import axis_angle_to_matrix, matrix_to_axis_angle, rotation_about_axis
from unihmr.registry import BODY_MODELS


@pytest.fixture(scope='module')
def body():
    return BODY_MODELS.build(dict(type='EmbeddedSMPLX'))


@pytest.fixture(scope='module')
def batch(body):
    dataset = SyntheticMotionDataset(split='test', num_windows=2, window=40)
    return with_world_joints(collate_windows([dataset[0], dataset[1]]), body)


def test_layout_is_the_spec_table():
    codec = RoHMCodec()
    assert codec.dim == 294 and codec.traj_dim == 22 and codec.abs_traj_dim == 13
    assert tuple(codec.fields)[:9] == ('root_rot_angle', 'root_rot_angle_vel', 'root_l_pos', 'root_l_vel',
                                       'root_height', 'global_orient', 'global_orient_vel', 'transl', 'transl_vel')
    assert sum(codec.fields[name] for name in ABS_TRAJ_FIELDS) == 13


def _matrices(value):
    return axis_angle_to_matrix(value.reshape(*value.shape[:2], -1, 3))


def test_round_trip_is_exact_in_both_frames(batch, body):
    codec = RoHMCodec()
    codec.compute_stats([batch])
    x = codec.encode(batch)
    frame = canonical_frame(batch['joints_w'], batch['valid'])
    out = codec.decode(x, batch, frame=frame, body_model=body)['smpl_params']
    gt = batch['smpl_params']
    for name in ('global_orient_w', 'global_orient_c', 'body_pose'):
        assert (_matrices(out[name]) - _matrices(gt[name])).abs().max() < 1e-5, name
    for name in ('transl_w', 'transl_c', 'betas'):
        torch.testing.assert_close(out[name], gt[name], atol=1e-5, rtol=0)


def test_canonical_frame_puts_floor_origin_and_facing(batch):
    frame = canonical_frame(batch['joints_w'], batch['valid'])
    joints = (frame['rotation'][:, None, None] @ batch['joints_w'].unsqueeze(-1)).squeeze(-1) + frame['offset'][:, None, None]
    assert joints[..., 1].flatten(1).amin(1).abs().max() < 1e-6  # the lowest joint on y = 0
    assert joints[:, 0, 0, [0, 2]].abs().max() < 1e-6  # frame 0's pelvis above the origin
    assert facing_yaw(joints[:, 0]).abs().max() < 1e-5  # frame 0 faces +z
    # a motion turned and moved in the world has the same canonical representation
    turn = rotation_about_axis(torch.tensor(0.7), 'y')
    moved = dict(batch, joints_w=batch['joints_w'] @ turn.T + torch.tensor([1.0, 0.0, -2.0]))
    params = dict(batch['smpl_params'])
    pelvis = batch['joints_w'][:, :, 0] - params['transl_w']
    params['global_orient_w'] = matrix_to_axis_angle(turn @ axis_angle_to_matrix(params['global_orient_w']))
    params['transl_w'] = (params['transl_w'] + pelvis) @ turn.T + torch.tensor([1.0, 0.0, -2.0]) - pelvis
    codec = RoHMCodec()
    torch.testing.assert_close(codec.encode(dict(moved, smpl_params=params)), codec.encode(batch), atol=2e-5, rtol=0)


def test_expanding_the_absolute_trajectory_gives_the_encoded_velocities(batch):
    codec = RoHMCodec()
    codec.compute_stats([batch])
    x = codec.encode(batch)
    wiped = x.clone()
    wiped[..., ~codec.field_mask(ABS_TRAJ_FIELDS)] = 0.0
    expanded = codec.expand_trajectory(wiped)
    traj = codec.field_mask([name for name in codec.fields][:9])
    torch.testing.assert_close(expanded[..., traj], x[..., traj], atol=1e-4, rtol=0)


def test_statistics_share_one_std_per_field_group(batch):
    codec = RoHMCodec()
    codec.compute_stats([batch])
    raw = codec.encode(batch, normalize=False)[batch['valid']]
    for name, group in FIELD_GROUPS.items():
        mask = codec.field_mask(group)
        if name == 'contact':
            assert (codec.std[mask] == 1).all() and (codec.mean[mask] == 0).all()
            continue
        per_coordinate = raw[:, mask].double().std(0, unbiased=False).clamp(min=codec.min_std)
        torch.testing.assert_close(codec.std[mask].double(), per_coordinate.mean().expand(int(mask.sum())),
                                   atol=1e-6, rtol=1e-4)


def test_coordinate_mask_follows_the_joints():
    codec = RoHMCodec()
    vis = torch.ones(1, 2, 22, dtype=torch.bool)
    vis[0, 1, 0] = False  # pelvis hidden in frame 1: the trajectory is masked there
    vis[0, :, 4] = False  # left knee hidden
    mask = codec.coordinate_mask(vis)
    s = codec.slices
    assert mask[0, 0, :22].all() and not mask[0, 1, :22].any()
    assert not mask[0, 0, s['local_joints']][12:15].any() and mask[0, 0, s['local_joints']][:12].all()
    assert not mask[0, 0, s['body_pose']][18:24].any() and mask[0, 0, s['body_pose']][:18].all()  # knee = pose 3
    assert mask[..., s['betas']].all() and not mask[..., s['contact']].any()


def test_unwrap_keeps_turning_past_pi():
    angle = torch.remainder(torch.linspace(0, 3 * math.pi, 30) + math.pi, 2 * math.pi)[None] - math.pi
    torch.testing.assert_close(unwrap(angle) - unwrap(angle)[:, :1], torch.linspace(0, 3 * math.pi, 30)[None],
                               atol=1e-5, rtol=0)


# ------------------------------------------------------------------------------------------------ corruption
def test_parameter_noise_has_the_level_s_standard_deviations():
    params = dict(global_orient_w=torch.zeros(4, 500, 3), transl_w=torch.zeros(4, 500, 3),
                  body_pose=torch.zeros(4, 500, 21, 3), betas=torch.zeros(4, 500, 10))
    noisy = add_parameter_noise(params, 3.0, torch.Generator().manual_seed(0))
    assert abs(noisy['body_pose'].std().item() - math.radians(3)) < 2e-3
    assert abs(noisy['global_orient_w'].std().item() - math.radians(3)) < 3e-3
    assert abs(noisy['transl_w'].std().item() - 0.03) < 1e-3
    assert abs(noisy['betas'].std().item() - 0.03) < 1e-3


def test_occlusion_schemes():
    lower = occlusion_mask('lower_body', (2, 10))
    assert not lower[..., list(LOWER_BODY)].any() and lower[..., 0].all()  # the pelvis stays visible
    span = occlusion_mask('frame_span', (3, 50), generator=torch.Generator().manual_seed(0))
    hidden = ~span.all(-1)
    assert (hidden.sum(1) == 5).all() and (~span[hidden]).all()  # 10 % of the frames, every joint
    with pytest.raises(ValueError, match='unknown'):
        occlusion_mask('legs', (1, 3))


def test_corrupted_dataset_is_reproducible_and_masks_vis():
    source = SyntheticMotionDataset(split='test', num_windows=2, window=20)
    dataset = CorruptedMotionDataset(source, level=5, occlusion='lower_body', seed=3)
    first, again = dataset[1], dataset[1]
    torch.testing.assert_close(first['motion_obs']['body_pose'], again['motion_obs']['body_pose'])
    assert not first['vis'][:, list(LOWER_BODY)].any() and first['vis'][:, 0].all()
    assert (first['motion_obs']['transl_w'] - first['smpl_params']['transl_w']).abs().max() > 0
