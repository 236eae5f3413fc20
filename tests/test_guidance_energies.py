"""Guidance energies (ScoreHMR eqs. 12-14, RoHM eq. 12): hand-computed values, zero at consistency, missing keys
named, active windows, and gradients that move the estimate toward the observations. The keypoint term in both
forms: 'released' (ScoreHMR's ``keypoint_fitting_loss``: per-coordinate Geman-McClure, confidence squared,
(1000 / max(W, H))^2) against hand-computed values, and 'crop' (ours before) with its earlier values.

Mutations caught here: the keypoint energy ignoring confidences ->
``test_keypoint_energy_weights_each_keypoint_by_its_confidence``; the released form with confidence to the first
power -> ``test_released_keypoint_energy_hand_computed``; with GMoF of the residual norm ->
``test_released_keypoint_energy_is_per_coordinate``; ignoring ``meta['image_size']`` or taking the width only ->
``test_released_keypoint_energy_image_size_from_meta_else_principal_point``."""
from types import SimpleNamespace

import pytest
import torch

from unihmr.body import EmbeddedSMPLX
from unihmr.codecs import GVHMRCodec
from unihmr.data.collate import collate_windows
from unihmr.data.datasets.synthetic import SyntheticMotionDataset
from unihmr.geometry import project_points
from unihmr.models.estimate import Estimate
from unihmr.models.guidance import GuidanceInputs, GuidanceSet
from unihmr.models.batch_ops import slice_time
from unihmr.registry import GUIDANCE


@pytest.fixture(scope='module')
def batch():
    dataset = SyntheticMotionDataset(split='test', num_windows=2, window=12, severity='none')
    return slice_time(collate_windows([dataset[0], dataset[1]]), 0, 5)


def _inputs(x0, codec, batch, posed=None, offset=None):
    """Inputs whose camera-frame body is ``posed()`` (a stand-in body model that returns it)."""
    estimate = None if posed is None else Estimate.from_params(batch['smpl_params'])
    return GuidanceInputs(batch=batch, valid=batch['valid'].bool(), estimate=estimate,
                          body_model=None if posed is None else (lambda **args: posed()), x0=x0, codec=codec,
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
    energy = GUIDANCE.build(dict(type='KeypointReprojectionEnergy', sigma=100.0, form='crop'))
    assert float(energy(_inputs(x0, codec, exact, lambda: posed)).abs().max()) < 1e-6
    far = dict(exact, kp2d=exact['kp2d'] + torch.tensor([1e4, 0.0, 0.0]))  # every point 10^4 px off
    value = energy(_inputs(x0, codec, far, lambda: posed))
    frames = batch['valid'].sum(-1).to(value)  # the per-frame term saturates at 17 sigma^2, summed over frames
    torch.testing.assert_close(value, 17 * 100.0 ** 2 * frames, rtol=1e-3, atol=0)


def test_keypoint_energy_weights_each_keypoint_by_its_confidence(batch):
    body = EmbeddedSMPLX()
    params = batch['smpl_params']
    posed = body(global_orient=params['global_orient_c'], body_pose=params['body_pose'], betas=params['betas'],
                 transl=params['transl_c'], return_verts=False)
    pixels = project_points(posed.coco17, batch['K'])
    conf = torch.ones_like(pixels[..., :1])
    moved = pixels.clone()
    moved[..., 0, 0] += 30.0  # the nose 30 px off ...
    codec = GVHMRCodec(fields=('body_pose',))
    x0 = torch.zeros(*batch['valid'].shape, codec.dim)
    energy = GUIDANCE.build(dict(type='KeypointReprojectionEnergy', sigma=1e6, crop_size=None, form='crop'))
    unseen = torch.cat([moved, conf.clone().index_fill_(-2, torch.tensor([0]), 0.0)], -1)  # ... with confidence 0
    half = torch.cat([moved, conf.clone().index_fill_(-2, torch.tensor([0]), 0.5)], -1)  # ... with confidence 0.5
    assert float(energy(_inputs(x0, codec, dict(batch, kp2d=unseen), lambda: posed)).abs().max()) < 1e-3
    frames = batch['valid'].sum(-1).to(x0)
    torch.testing.assert_close(energy(_inputs(x0, codec, dict(batch, kp2d=half), lambda: posed)),
                               0.5 * 30.0 ** 2 * frames, rtol=1e-3, atol=0)  # sigma >> r: GMoF ~ r^2


def _feet_estimate(speed_per_frame: float, frames: int = 4) -> Estimate:
    """A rest-pose body sliding along x at ``speed_per_frame`` metres per frame (world frame)."""
    zeros = torch.zeros(1, frames, 3)
    transl = zeros.clone()
    transl[..., 0] = speed_per_frame * torch.arange(frames, dtype=torch.float32)
    return Estimate(global_orient_c=zeros, transl_c=zeros, global_orient_w=zeros, transl_w=transl,
                    body_pose=torch.zeros(1, frames, 21, 3), betas=torch.zeros(1, frames, 10),
                    contact=torch.tensor([1.0, 0.9, 0.2, 0.0]).expand(1, frames, 4))  # two feet on, two off


@pytest.mark.parametrize('form, per_foot', [('released', 0.3 * 30 - 0.1), ('paper', (0.3 * 30) ** 2)])
def test_foot_skating_energy_hand_computed(form, per_foot):
    body = EmbeddedSMPLX()
    batch = dict(valid=torch.ones(1, 4, dtype=torch.bool), meta=[dict(fps=30.0)])
    inputs = GuidanceInputs.from_estimate(_feet_estimate(0.3), batch, body)
    energy = GUIDANCE.build(dict(type='FootSkatingEnergy', form=form))
    # 3 frame pairs x 2 feet in contact, each moving 0.3 m per frame at 30 fps = 9 m/s
    torch.testing.assert_close(energy(inputs), torch.tensor([3 * 2 * per_foot]), rtol=1e-4, atol=0)
    batch['valid'][0, 3] = False  # the pair into a padding frame does not count
    inputs = GuidanceInputs.from_estimate(_feet_estimate(0.3), batch, body)
    torch.testing.assert_close(energy(inputs), torch.tensor([2 * 2 * per_foot]), rtol=1e-4, atol=0)


def test_foot_skating_is_zero_below_the_speed_threshold_and_needs_contacts():
    body = EmbeddedSMPLX()
    batch = dict(valid=torch.ones(1, 4, dtype=torch.bool), meta=[dict(fps=30.0)])
    slow = GuidanceInputs.from_estimate(_feet_estimate(0.003), batch, body)  # 0.09 m/s < 0.1 m/s
    assert float(GUIDANCE.build(dict(type='FootSkatingEnergy'))(slow)) == 0.0
    no_contact = GuidanceInputs.from_estimate(_feet_estimate(0.3).with_params(contact=None), batch, body)
    with pytest.raises(ValueError, match='contact'):
        GUIDANCE.build(dict(type='FootSkatingEnergy'))(no_contact)


def test_speed_contacts_count_only_the_slow_feet():
    """contact='speed': a foot is in contact where its own speed is below contact_speed (no predicted contacts)."""
    body = EmbeddedSMPLX()
    batch = dict(valid=torch.ones(1, 4, dtype=torch.bool), meta=[dict(fps=30.0)])
    energy = GUIDANCE.build(dict(type='FootSkatingEnergy', contact='speed', contact_speed=0.3))
    slow = GuidanceInputs.from_estimate(_feet_estimate(0.008).with_params(contact=None), batch, body)  # 0.24 m/s
    # every foot moves at 0.24 m/s < 0.3 m/s: all 4 in contact over 3 frame pairs, each costing 0.24 - 0.1
    torch.testing.assert_close(energy(slow), torch.tensor([3 * 4 * (0.24 - 0.1)]), rtol=1e-4, atol=0)
    fast = GuidanceInputs.from_estimate(_feet_estimate(0.3).with_params(contact=None), batch, body)  # 9 m/s: swing
    assert float(energy(fast)) == 0.0
    with pytest.raises(ValueError, match='contact'):
        GUIDANCE.build(dict(type='FootSkatingEnergy', contact='nearby'))


def test_energies_count_only_inside_their_active_window():
    codec = GVHMRCodec(fields=('cam',))
    x0 = torch.zeros(1, 2, codec.dim)
    x0[0, 1] = 1.0
    batch = dict(valid=torch.ones(1, 2, dtype=torch.bool))
    guidance = GuidanceSet(dict(late=dict(type='TemporalConsistencyEnergy', normalized=True, t_max=100),
                                always=dict(type='TemporalConsistencyEnergy', normalized=True, weight=2.0)))
    assert float(guidance(_inputs(x0, codec, batch), t=50)[0]) == pytest.approx(3.0 + 6.0)
    total, terms = guidance(_inputs(x0, codec, batch), t=500)
    assert set(terms) == {'always'} and float(total) == pytest.approx(6.0)
    assert GuidanceSet(dict(late=dict(type='TemporalConsistencyEnergy', t_max=100)))(
        _inputs(x0, codec, batch), t=500)[0] is None  # nothing active: the sampler skips the gradient
    assert {e.frame for e in GuidanceSet(dict(kp=dict(type='KeypointReprojectionEnergy'),
                                              fs=dict(type='FootSkatingEnergy'))).energies.values()} == {'c', 'w'}


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
    crop = GUIDANCE.build(dict(type='KeypointReprojectionEnergy', sigma=1e4, form='crop'))(
        _inputs(x0, codec, boxed, lambda: posed))
    image = GUIDANCE.build(dict(type='KeypointReprojectionEnergy', sigma=1e4, crop_size=None, form='crop'))(
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


# ---------------------------------------------------------------- keypoints, the released form (ScoreHMR's code)
FOCAL = 1000.0


def _camera(cx: float = 320.0, cy: float = 240.0) -> torch.Tensor:
    """One frame's intrinsics (1, 3, 3): focal length 1000 px, principal point (cx, cy)."""
    return torch.tensor([[[FOCAL, 0.0, cx], [0.0, FOCAL, cy], [0.0, 0.0, 1.0]]])


def _keypoint_inputs(offsets, conf, K, meta=None):
    """One frame per sequence: the 17 keypoints at (0.01 k, 0, 2) m, detected ``offsets`` (B, 17, 2) px away from
    their projection (cx + 1000 * 0.01 k / 2, cy), computed by hand, with confidences ``conf`` (B, 17)."""
    count = offsets.shape[0]
    X = 0.01 * torch.arange(17.0)
    points = torch.stack([X, torch.zeros(17), torch.full((17,), 2.0)], -1).expand(count, 1, 17, 3)
    cx, cy = K[:, 0, 0, 2], K[:, 0, 1, 2]
    pixels = torch.stack([cx[:, None] + FOCAL * X / 2.0, cy[:, None].expand(count, 17)], -1)
    batch = dict(kp2d=torch.cat([pixels + offsets, conf[..., None]], -1)[:, None], K=K,
                 valid=torch.ones(count, 1, dtype=torch.bool))
    if meta is not None:
        batch['meta'] = meta
    return GuidanceInputs(batch=batch, valid=batch['valid'], estimate=SimpleNamespace(body_args=lambda frame: {}),
                          body_model=lambda **args: SimpleNamespace(coco17=points))


def _gm(r: float, sigma: float = 100.0) -> float:
    """Geman-McClure penalty of one scalar residual, by hand."""
    return sigma ** 2 * r ** 2 / (sigma ** 2 + r ** 2)


def test_released_keypoint_energy_hand_computed():
    energy = GUIDANCE.build(dict(type='KeypointReprojectionEnergy'))  # default: form='released', sigma=100
    assert energy.form == 'released'
    offsets, conf = torch.zeros(1, 17, 2), torch.zeros(1, 17)
    offsets[0, 12] = torch.tensor([500.0, 500.0])  # confidence 0: ignored
    offsets[0, 3], conf[0, 3] = torch.tensor([3.0, 4.0]), 0.5  # confidence 0.5 -> weight 0.25
    meta = [dict(image_size=(640, 480))]  # data weight 1000 / 640
    value = float(energy(_keypoint_inputs(offsets, conf, torch.stack([_camera()]), meta)))
    # (1000 / 640)^2 * 0.5^2 * (GMoF(3) + GMoF(4)) = 2.44140625 * 0.25 * (8.99191 + 15.97444) = 15.2383
    assert value == pytest.approx((1000 / 640) ** 2 * 0.25 * (_gm(3.0) + _gm(4.0)), rel=1e-4)
    assert value == pytest.approx(15.2383, abs=1e-3)
    offsets[0, 9], conf[0, 9] = torch.tensor([300.0, -150.0]), 1.0  # robust regime: 9000 + 6923.08 before weighting
    value = float(energy(_keypoint_inputs(offsets, conf, torch.stack([_camera()]), meta)))
    expected = (1000 / 640) ** 2 * (0.25 * (_gm(3.0) + _gm(4.0)) + _gm(300.0) + _gm(150.0))
    assert value == pytest.approx(expected, rel=1e-5) and value == pytest.approx(38889.94, rel=1e-5)
    # 15.24 + 38874.70: sigma is 100 px of the image (the release); GMoF of the rescaled residual (1000 / 640) r
    # would be another energy (9564.7 + 8459.9 = 18024.6)
    assert abs(value - (_gm(300.0 * 1000 / 640) + _gm(150.0 * 1000 / 640))) > 1000.0


def test_released_keypoint_energy_is_per_coordinate():
    energy = GUIDANCE.build(dict(type='KeypointReprojectionEnergy'))
    meta = [dict(image_size=(1000, 1000))]  # data weight 1
    offsets, conf = torch.zeros(1, 17, 2), torch.zeros(1, 17)
    conf[0, 5] = 1.0
    offsets[0, 5] = torch.tensor([100.0, 100.0])  # diagonal: per coordinate 2 GMoF(100) = 10000 ...
    diagonal = float(energy(_keypoint_inputs(offsets, conf, torch.stack([_camera()]), meta)))
    assert diagonal == pytest.approx(2 * _gm(100.0), rel=1e-5) and diagonal == pytest.approx(10000.0, rel=1e-5)
    assert abs(diagonal - _gm(100.0 * 2 ** 0.5)) > 3000.0  # ... GMoF of the norm would give 6666.7
    offsets[0, 5] = torch.tensor([100.0 * 2 ** 0.5, 0.0])  # the same length along an axis: both readings agree
    aligned = float(energy(_keypoint_inputs(offsets, conf, torch.stack([_camera()]), meta)))
    assert aligned == pytest.approx(_gm(100.0 * 2 ** 0.5), rel=1e-5)


def test_released_keypoint_energy_image_size_from_meta_else_principal_point():
    energy = GUIDANCE.build(dict(type='KeypointReprojectionEnergy'))
    offsets, conf = torch.zeros(3, 17, 2), torch.zeros(3, 17)
    offsets[:, 0], conf[:, 0] = torch.tensor([10.0, 0.0]), 1.0
    K = torch.stack([_camera(), _camera(cx=240.0, cy=500.0), _camera(cx=240.0, cy=500.0)])
    meta = [dict(image_size=(720, 1280)),  # portrait: max(W, H) = 1280
            dict(fps=30.0),  # no image size: 2 x the principal point, max(480, 1000) = 1000
            dict(image_size=(1920, 1080))]  # given: K is not read
    value = energy(_keypoint_inputs(offsets, conf, K, meta))
    sizes = torch.tensor([1280.0, 1000.0, 1920.0])
    torch.testing.assert_close(value, (1000.0 / sizes) ** 2 * _gm(10.0), rtol=1e-4, atol=0)
    no_meta = energy(_keypoint_inputs(offsets, conf, K))  # no meta at all: the principal point for every sequence
    torch.testing.assert_close(no_meta, (1000.0 / torch.tensor([640.0, 1000.0, 1000.0])) ** 2 * _gm(10.0),
                               rtol=1e-4, atol=0)


def test_keypoint_form_is_validated_and_sets_the_required_keys():
    with pytest.raises(ValueError, match=r"form: expected one of \('released', 'crop'\)"):
        GUIDANCE.build(dict(type='KeypointReprojectionEnergy', form='paper'))
    assert GUIDANCE.build(dict(type='KeypointReprojectionEnergy')).requires == ('kp2d', 'K')  # no person box
    assert GUIDANCE.build(dict(type='KeypointReprojectionEnergy', form='crop')).requires == ('kp2d', 'K', 'bbox')
    image_pixels = GUIDANCE.build(dict(type='KeypointReprojectionEnergy', form='crop', crop_size=None))
    assert image_pixels.requires == ('kp2d', 'K')
