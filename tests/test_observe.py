"""observe_motion: one valid contract window, camera-frame parameters consistent with the body model."""

import numpy as np
import pytest
import torch

from observation_helpers import body_model, standin_motion, world_points
from unihmr.data.contract import validate_window
from unihmr.data.synthetic.observe import observe_motion
from unihmr.geometry.camera import project_points, world_to_camera

T = 60
CAMERA_PARAM_TOL = 1e-5  # metres


def observe(seed=0, motion=None, **kwargs):
    return observe_motion(motion or standin_motion(T), body_model(), np.random.default_rng(seed), **kwargs)


def same(x: torch.Tensor, y: torch.Tensor) -> bool:
    """Equal tensors, NaN equal to NaN (meta's absent occluders)."""
    if x.is_floating_point():
        return torch.equal(torch.nan_to_num(x, nan=-7.0), torch.nan_to_num(y, nan=-7.0))
    return torch.equal(x, y)


def tensors(tree):
    for value in tree.values():
        if isinstance(value, dict):
            yield from tensors(value)
        elif isinstance(value, torch.Tensor):
            yield value


def test_windows_are_valid_and_finite_for_every_severity():
    for severity in ('none', 'mild', 'heavy'):
        for seed in range(4):
            window = observe(seed, severity=severity)
            assert validate_window(window) == T
            assert all(torch.isfinite(v).all() for v in tensors({k: v for k, v in window.items() if k != 'meta'}))
            meta = window['meta']
            assert meta['dataset'] == 'synthetic' and meta['occluders'].shape[:1] == (T,)
            assert meta['truncation'].shape == (T, 4) and meta['dropout'].shape == (T,)
            assert window['valid'].all() and window['img_feat'].shape == (T, 64)


def test_camera_frame_parameters_reproduce_the_camera_frame_joints():
    motion = standin_motion(T)
    joints_w, _ = world_points(motion)
    edge = dict(truncation_prob=1.0, truncation_modes=('edge',))  # the camera is re-aimed: check that too
    for seed, occlusion in ((0, None), (1, None), (2, edge)):
        window = observe(seed, motion, severity='mild', occlusion=occlusion)
        p = window['smpl_params']
        with torch.no_grad():
            joints_c = body_model()(global_orient=p['global_orient_c'], body_pose=p['body_pose'], betas=p['betas'],
                                    transl=p['transl_c'], return_verts=False).joints
        expected = world_to_camera(joints_w, window['R_w2c'], window['t_w2c'])
        assert (joints_c - expected).abs().max() < CAMERA_PARAM_TOL
        assert torch.equal(p['global_orient_w'], motion['global_orient_w'])


def test_keypoints_follow_the_projected_body():
    motion = standin_motion(T)
    _, coco_w = world_points(motion)
    window = observe(0, motion)
    coco_px = project_points(world_to_camera(coco_w, window['R_w2c'], window['t_w2c']), window['K'])
    error = (window['kp2d'][..., :2] - coco_px).norm(dim=-1) / window['bbox'][:, None, 2]
    assert error.median() < 0.03 and (window['kp2d'][..., 2] > 0).all() and window['vis'].all()
    width, height = window['meta']['image_size']
    assert coco_px[..., 0].min() >= 0 and coco_px[..., 0].max() <= width
    assert coco_px[..., 1].min() >= 0 and coco_px[..., 1].max() <= height


def test_deterministic_and_severities_share_camera_and_detector_noise():
    a, b, c = observe(5), observe(5), observe(6)
    assert all(same(x, y) for x, y in zip(tensors(a), tensors(b)))
    assert not torch.equal(a['kp2d'], c['kp2d'])
    heavy = observe(5, severity='heavy', occlusion=dict(truncation_prob=0.0))
    assert torch.equal(heavy['R_w2c'], a['R_w2c']) and torch.equal(heavy['K'], a['K'])
    seen = heavy['kp2d'][..., 2] > 0
    assert torch.equal(heavy['kp2d'][seen], a['kp2d'][seen]) and not seen.all()


def test_heavy_hides_more_than_mild():
    hidden = {severity: np.mean([1 - observe(seed, severity=severity)['vis'].float().mean().item()
                                 for seed in range(12)]) for severity in ('mild', 'heavy')}
    assert hidden['mild'] < hidden['heavy']


def test_camera_options_given_cameras_contact_and_precomputed_points():
    motion = standin_motion(T)
    static = observe(0, motion, camera=dict(kind='static', image_sizes=((640, 480),)))
    assert static['meta']['camera_kind'] == 'static' and static['meta']['image_size'] == (640, 480)
    assert torch.equal(static['R_w2c'], static['R_w2c'][:1].expand(T, 3, 3))
    given = {key: static[key] for key in ('K', 'R_w2c', 't_w2c')}
    again = observe(1, motion, camera={**given, 'image_size': (640, 480)})
    assert torch.equal(again['R_w2c'], static['R_w2c']) and again['meta']['camera_kind'] == 'given'
    assert torch.equal(static['contact'], torch.zeros(T, 4)) and not static['meta']['contact_known']
    contact = (torch.arange(T)[:, None] % 2 == 0).float().expand(T, 4)
    joints_w, coco_w = world_points(motion)

    class NoBodyModel:
        def __call__(self, **kwargs):
            raise AssertionError('the body model must not be called when the points are given')

    window = observe_motion({**motion, 'contact': contact, 'joints_w': joints_w, 'coco17_w': coco_w}, NoBodyModel(),
                            np.random.default_rng(0))
    assert torch.equal(window['contact'], contact) and window['meta']['contact_known']


def test_unknown_names_raise():
    with pytest.raises(ValueError, match="'severe'"):
        observe(severity='severe')
    with pytest.raises(ValueError, match="'crane'"):
        observe(camera=dict(kind='crane'))
    with pytest.raises(ValueError, match='zoom'):
        observe(camera=dict(zoom=2.0))
    with pytest.raises(ValueError, match='R_w2c'):
        observe(camera=dict(K=torch.eye(3).expand(T, 3, 3)))
