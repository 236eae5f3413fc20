"""Guidance energies (ScoreHMR eqs. 12-14): hand-computed values, zero at consistency, missing keys named,
and gradients that move the estimate toward the observations."""
import pytest
import torch

from unihmr.body import EmbeddedSMPLX
from unihmr.codecs import GVHMRCodec
from unihmr.data.collate import collate_windows
from unihmr.data.datasets.synthetic import SyntheticMotionDataset
from unihmr.geometry import project_points
from unihmr.models.guidance import GuidanceInputs, GuidanceSet
from unihmr.models.recoverer import slice_time
from unihmr.registry import GUIDANCE


@pytest.fixture(scope='module')
def batch():
    dataset = SyntheticMotionDataset(split='test', num_windows=2, window=12, severity='none')
    return slice_time(collate_windows([dataset[0], dataset[1]]), 0, 5)


def _inputs(x0, codec, batch, posed=None, offset=None):
    return GuidanceInputs(x0=x0, codec=codec, batch=batch, valid=batch['valid'].bool(), posed=posed,
                          transl_offset=offset)


def test_temporal_energy_is_the_sum_of_squared_frame_steps():
    codec = GVHMRCodec(fields=('betas', 'cam'))
    x0 = torch.zeros(1, 4, codec.dim)
    x0[0, 2, codec.slices['cam']] = torch.tensor([1.0, 2.0, 0.0])  # one frame off: two steps of |(1, 2, 0)|^2
    batch = dict(valid=torch.ones(1, 4, dtype=torch.bool))
    energy = GUIDANCE.build(dict(type='TemporalConsistencyEnergy', fields=('cam',)))
    assert float(energy(_inputs(x0, codec, batch))) == pytest.approx(2 * 5.0)
    x0[0, :, codec.slices['betas']] = 7.0  # constant over time: no change
    assert float(energy(_inputs(x0, codec, batch))) == pytest.approx(2 * 5.0)
    batch['valid'][0, 3] = False  # the step into an invalid frame does not count
    assert float(energy(_inputs(x0, codec, batch))) == pytest.approx(5.0)


def test_multiview_energy_is_the_spread_around_each_group_mean():
    codec = GVHMRCodec(fields=('body_pose',))
    x0 = torch.zeros(3, 2, codec.dim)
    x0[1] = 2.0  # views 0 and 1 form one group (mean 1), view 2 is alone
    batch = dict(valid=torch.ones(3, 2, dtype=torch.bool), view_group=torch.tensor([0, 0, 5]))
    value = GUIDANCE.build(dict(type='MultiViewConsistencyEnergy'))(_inputs(x0, codec, batch))
    torch.testing.assert_close(value, torch.tensor([2.0 * codec.dim, 2.0 * codec.dim, 0.0]))  # 2 frames each


def test_keypoint_energy_is_zero_on_its_own_projection_and_robust_far_away(batch):
    body = EmbeddedSMPLX()
    params = batch['smpl_params']
    posed = body(global_orient=params['global_orient_c'], body_pose=params['body_pose'], betas=params['betas'],
                 transl=params['transl_c'], return_verts=True)
    exact = dict(batch, kp2d=torch.cat([project_points(posed.coco17, batch['K']),
                                        torch.ones_like(posed.coco17[..., :1])], -1))
    codec = GVHMRCodec(fields=('body_pose',))
    x0 = torch.zeros(*batch['valid'].shape, codec.dim)
    energy = GUIDANCE.build(dict(type='KeypointReprojectionEnergy', sigma=100.0))
    assert float(energy(_inputs(x0, codec, exact, lambda: posed)).abs().max()) < 1e-6
    far = dict(exact, kp2d=exact['kp2d'] + torch.tensor([1e4, 0.0, 0.0]))  # every point 10^4 px off
    value = energy(_inputs(x0, codec, far, lambda: posed))
    frames = batch['valid'].sum(-1).to(value)  # the per-frame term saturates at 17 sigma^2, summed over frames
    torch.testing.assert_close(value, 17 * 100.0 ** 2 * frames, rtol=1e-3, atol=0)


def test_camera_offset_gradient_points_toward_the_keypoints(batch):
    body = EmbeddedSMPLX()
    params = batch['smpl_params']
    posed = body(global_orient=params['global_orient_c'], body_pose=params['body_pose'], betas=params['betas'],
                 transl=params['transl_c'], return_verts=True)
    kp = torch.cat([project_points(posed.coco17, batch['K']), torch.ones_like(posed.coco17[..., :1])], -1)
    offset = torch.tensor([0.05, 0.0, 0.0]).expand(*batch['valid'].shape, 3).clone().requires_grad_(True)
    guidance = GuidanceSet(dict(kp=dict(type='KeypointReprojectionEnergy')))
    codec = GVHMRCodec(fields=('body_pose',))
    total, terms = guidance(_inputs(torch.zeros(*batch['valid'].shape, codec.dim), codec, dict(batch, kp2d=kp),
                                    lambda: posed, offset))
    total.sum().backward()
    assert set(terms) == {'kp'} and (offset.grad[..., 0] > 0).all()  # moving back toward x = 0 lowers it


def test_missing_observations_are_named(batch):
    guidance = GuidanceSet(dict(kp=dict(type='KeypointReprojectionEnergy'), mv=dict(type='MultiViewConsistencyEnergy')))
    with pytest.raises(ValueError, match=r"KeypointReprojectionEnergy needs batch keys \['kp2d'\]"):
        guidance.check({k: v for k, v in batch.items() if k != 'kp2d'})
    with pytest.raises(ValueError, match='view_group'):
        guidance.check(batch)
    codec = GVHMRCodec(fields=('betas',))
    with pytest.raises(ValueError, match='not in the codec layout'):
        GUIDANCE.build(dict(type='TemporalConsistencyEnergy', fields=('body_pose',)))(
            _inputs(torch.zeros(1, 2, codec.dim), codec, dict(valid=torch.ones(1, 2, dtype=torch.bool))))


def test_keypoint_residuals_are_measured_in_crop_pixels(batch):
    body = EmbeddedSMPLX()
    params = batch['smpl_params']
    posed = body(global_orient=params['global_orient_c'], body_pose=params['body_pose'], betas=params['betas'],
                 transl=params['transl_c'], return_verts=True)
    kp = torch.cat([project_points(posed.coco17, batch['K']) + 1.0, torch.ones_like(posed.coco17[..., :1])], -1)
    boxed = dict(batch, kp2d=kp, bbox=torch.cat([batch['bbox'][..., :2], torch.full_like(batch['bbox'][..., 2:], 448.0)], -1))
    codec = GVHMRCodec(fields=('body_pose',))
    x0 = torch.zeros(*batch['valid'].shape, codec.dim)
    crop = GUIDANCE.build(dict(type='KeypointReprojectionEnergy', sigma=1e4))(_inputs(x0, codec, boxed, lambda: posed))
    image = GUIDANCE.build(dict(type='KeypointReprojectionEnergy', sigma=1e4, crop_size=None))(
        _inputs(x0, codec, boxed, lambda: posed))
    torch.testing.assert_close(crop, image * 0.25, rtol=1e-3, atol=0)  # (224 / 448)^2 of a 1-px offset each way


def test_consistency_energies_read_denormalised_values():
    codec = GVHMRCodec(fields=('cam',))
    codec.std.fill_(2.0)
    x0 = torch.zeros(1, 2, codec.dim)
    x0[0, 1] = 1.0  # one normalised unit = 2 raw units per coordinate
    batch = dict(valid=torch.ones(1, 2, dtype=torch.bool))
    raw = GUIDANCE.build(dict(type='TemporalConsistencyEnergy'))(_inputs(x0, codec, batch))
    normalized = GUIDANCE.build(dict(type='TemporalConsistencyEnergy', normalized=True))(_inputs(x0, codec, batch))
    assert float(raw) == pytest.approx(3 * 4.0) and float(normalized) == pytest.approx(3 * 1.0)
