"""Occlusion: exact visibility for occluders, truncation, part masks and drop-outs; presets; the transform."""
import numpy as np
import pytest
import torch

from observation_helpers import body_model, standin_motion, world_points
from unihmr.body.joint_sets import BODY_JOINT_NAMES, COCO17_NAMES
from unihmr.data.contract import validate_window
from unihmr.data.synthetic.cameras import sample_camera
from unihmr.data.synthetic.observe import observe_motion
from unihmr.data.transforms import (BODY_PARTS, MAX_OCCLUDERS, OCCLUSION_PRESETS, apply_visibility,
                                    occlusion_config, sample_occlusion, shift_to_crop, visibility)
from unihmr.geometry.camera import project_points, world_to_camera
from unihmr.registry import TRANSFORMS

IMAGE = (1280, 720)
NO_OCCLUSION = dict(occluder_prob=0.0, truncation_prob=0.0, part_prob=0.0, dropout_prob=0.0)


@pytest.fixture(scope='module')
def projected():
    """Clean projections (joints (T, 22, 2), COCO (T, 17, 2)) of a walk filmed by a static camera."""
    joints, coco = world_points(standin_motion(60))
    cam = sample_camera(joints, np.random.default_rng(0), kind='static', image_sizes=(IMAGE,))
    return tuple(project_points(world_to_camera(points, cam['R_w2c'], cam['t_w2c']), cam['K']).double().numpy()
                 for points in (joints, coco))


def test_occluder_over_one_joint_hides_exactly_that_joint(projected):
    joints, coco = (p[:1] for p in projected)
    wrist = BODY_JOINT_NAMES.index('left_wrist')
    x, y = joints[0, wrist]
    occluder = np.full((1, MAX_OCCLUDERS, 4), np.nan)
    occluder[0, 0] = (x - 2, y - 2, x + 2, y + 2)  # a small patch over the left wrist only
    joint_vis = visibility(joints, IMAGE, occluder)
    coco_vis = visibility(coco, IMAGE, occluder)
    assert joint_vis.sum() == 21 and not joint_vis[0, wrist]
    assert coco_vis.sum() == 16 and not coco_vis[0, COCO17_NAMES.index('left_wrist')]
    kp2d = torch.cat([torch.from_numpy(coco).float(), torch.full((1, 17, 1), 0.9)], -1)
    kp2d_occ, vis = apply_visibility(kp2d, torch.ones(1, 22, dtype=torch.bool), torch.from_numpy(joint_vis),
                                     torch.from_numpy(coco_vis))
    assert torch.all(kp2d_occ[0, COCO17_NAMES.index('left_wrist')] == 0)
    assert torch.equal(kp2d_occ[0, coco_vis[0]], kp2d[0, coco_vis[0]]) and vis.sum() == 21


def test_none_sees_everything_inside_the_image(projected):
    occ = sample_occlusion(*projected, IMAGE, np.random.default_rng(0), occlusion_config('none'))
    assert occ['joint_vis'].all() and occ['coco_vis'].all()
    assert np.isnan(occ['occluders']).all() and occ['occluders'].shape == (60, MAX_OCCLUDERS, 4)
    assert occ['truncation_mode'] == '' and occ['part'] == '' and not occ['dropout'].any()


def test_crop_truncation_removes_exactly_the_joints_outside_the_window(projected):
    config = occlusion_config('none', dict(truncation_prob=1.0, truncation_modes=('crop',),
                                           truncation_fraction=(0.3, 0.4)))
    for seed in range(6):
        occ = sample_occlusion(*projected, IMAGE, np.random.default_rng(seed), config)
        x0, y0, x1, y1 = (occ['truncation'][:, None, i] for i in range(4))
        for points, vis in zip(projected, (occ['joint_vis'], occ['coco_vis'])):
            inside = (points[..., 0] >= x0) & (points[..., 0] <= x1) & (points[..., 1] >= y0) & (points[..., 1] <= y1)
            assert np.array_equal(vis, inside)
        assert 0.2 < occ['joint_vis'].mean() < 0.95


def test_edge_truncation_crop_is_consistent_with_shifted_intrinsics(projected):
    config = occlusion_config('none', dict(truncation_prob=1.0, truncation_modes=('edge',)))
    occ = sample_occlusion(*projected, IMAGE, np.random.default_rng(1), config)
    crop = occ['image_crop']
    assert occ['truncation_mode'] == 'edge' and np.isfinite(crop).all() and not occ['joint_vis'].all()
    K = np.array([[1000.0, 0, 640], [0, 1000.0, 360], [0, 0, 1]])
    point_c = np.array([0.3, -0.2, 4.0])
    pixel = (K @ point_c)[:2] / point_c[2]
    K_crop, pixel_crop, size = shift_to_crop(crop, K, pixel)
    assert np.allclose((K_crop @ point_c)[:2] / point_c[2], pixel_crop)
    assert size == (round(crop[2] - crop[0]), round(crop[3] - crop[1]))


def test_part_mask_hides_the_part_and_dropout_hides_whole_frames(projected):
    config = occlusion_config('none', dict(part_prob=1.0, parts=('left_arm',), part_duration=(1.0, 1.0)))
    occ = sample_occlusion(*projected, IMAGE, np.random.default_rng(0), config)
    hidden = [BODY_JOINT_NAMES.index(name) for name in BODY_PARTS['left_arm']]
    assert not occ['joint_vis'][:, hidden].any() and occ['joint_vis'].sum() == 60 * (22 - len(hidden))
    assert not occ['coco_vis'][:, [COCO17_NAMES.index(name) for name in BODY_PARTS['left_arm']]].any()
    assert occ['coco_vis'].sum() == 60 * (17 - 3)
    config = occlusion_config('none', dict(dropout_prob=1.0, num_dropouts=(2, 2), dropout_frames=(3, 5)))
    occ = sample_occlusion(*projected, IMAGE, np.random.default_rng(0), config)
    assert 3 <= occ['dropout'].sum() <= 10
    assert not occ['joint_vis'][occ['dropout']].any() and occ['joint_vis'][~occ['dropout']].all()


def test_occluders_overlap_the_person_and_heavy_hides_more_than_mild(projected):
    config = occlusion_config('none', dict(occluder_prob=1.0, num_occluders=(2, 2), occluder_duration=(1.0, 1.0)))
    occ = sample_occlusion(*projected, IMAGE, np.random.default_rng(0), config)
    assert np.isfinite(occ['occluders'][:, :2]).all() and np.isnan(occ['occluders'][:, 2:]).all()
    assert not occ['joint_vis'].all()
    hidden = {name: np.mean([1 - sample_occlusion(*projected, IMAGE, np.random.default_rng(seed),
                                                  occlusion_config(name))['joint_vis'].mean() for seed in range(60)])
              for name in ('mild', 'heavy')}
    assert 0.0 < hidden['mild'] < hidden['heavy']


def test_unknown_severity_and_option_raise():
    with pytest.raises(ValueError, match="'extreme'.*none.*mild.*heavy"):
        occlusion_config('extreme')
    with pytest.raises(ValueError, match='occluder_probability'):
        occlusion_config('mild', dict(occluder_probability=1.0))
    assert set(OCCLUSION_PRESETS) == {'none', 'mild', 'heavy'}


def test_random_occlusion_transform_from_the_registry():
    window = observe_motion(standin_motion(40), body_model(), np.random.default_rng(0), severity='none')
    transform = TRANSFORMS.build(dict(type='RandomOcclusion', severity='heavy', body_model=body_model(),
                                      truncation_prob=1.0, truncation_modes=('edge',)))
    out = transform(window, np.random.default_rng(1))
    validate_window(out)
    assert torch.all(out['vis'] <= window['vis']) and not out['vis'].all()
    assert torch.all(out['kp2d'][out['kp2d'][..., 2] == 0] == 0)
    width, height = out['meta']['image_size']
    assert out['meta']['truncation_mode'] == 'edge' and (width, height) != window['meta']['image_size']
    assert torch.allclose(out['K'][:, 0, 2], window['K'][:, 0, 2] - out['meta']['image_crop'][0])
