"""The image-feature stand-in: fixed projection, configurable width, sensitive to visible pose only."""
import numpy as np
import pytest
import torch

from unihmr.body.joint_sets import BODY_JOINT_NAMES
from unihmr.data.synthetic.features import FEATURE_INPUTS, feature_network, image_features
from unihmr.data.synthetic.np_rotations import matrix_to_rotvec, rotvec_to_matrix, rotvec_to_rot6d
from unihmr.geometry.rotations import axis_angle_to_matrix, axis_angle_to_rot6d

T = 8


def inputs(seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    kp2d = torch.from_numpy(np.concatenate([rng.uniform(400, 600, (T, 17, 2)), rng.uniform(0.5, 1, (T, 17, 1))], -1))
    return dict(global_orient_c=torch.from_numpy(rng.normal(0, 1, (T, 3))).float(),
                body_pose=torch.from_numpy(rng.normal(0, 0.3, (T, 21, 3))).float(),
                betas=torch.from_numpy(rng.normal(0, 1, (T, 10))).float(), kp2d=kp2d.float(),
                bbox=torch.tensor([[500.0, 500.0, 240.0]]).expand(T, 3), vis=torch.ones(T, 22, dtype=torch.bool))


def features(rng_seed: int = 0, **kwargs) -> torch.Tensor:
    args = {**inputs(), **kwargs}
    return image_features(rng=np.random.default_rng(rng_seed), **args)


def test_deterministic_and_the_same_projection_for_every_sample():
    assert torch.equal(features(3), features(3))
    assert not torch.equal(features(3), features(4))  # the noise comes from the sample's rng
    assert torch.equal(features(3, noise_std=0.0), features(4, noise_std=0.0))  # the "backbone" does not
    fresh = feature_network.__wrapped__(64)
    assert all(np.array_equal(a, b) for a, b in zip(feature_network(64), fresh))


def test_width_is_configurable_and_output_is_unit_scale():
    for width in (16, 64, 200):
        out = features(feat_dim=width, noise_std=0.0)
        assert out.shape == (T, width) and out.dtype == torch.float32 and torch.isfinite(out).all()
    assert 0.2 < features(feat_dim=256, noise_std=0.0).std() < 3.0
    with pytest.raises(ValueError, match='feat_dim'):
        features(feat_dim=0)


def test_features_follow_the_visible_pose_but_not_occluded_joints():
    base = inputs()
    elbow, wrist = BODY_JOINT_NAMES.index('left_elbow'), BODY_JOINT_NAMES.index('left_wrist')
    bent = base['body_pose'].clone()
    bent[:, elbow - 1] += 0.5  # the elbow rotation: evidenced by the wrist
    changed = features(noise_std=0.0, body_pose=bent)
    assert (changed - features(noise_std=0.0)).abs().max() > 1e-3
    hidden = base['vis'].clone()
    hidden[:, wrist] = False
    assert torch.allclose(features(noise_std=0.0, body_pose=bent, vis=hidden),
                          features(noise_std=0.0, vis=hidden))


def test_a_dropped_frame_carries_no_pose():
    empty = dict(vis=torch.zeros(T, 22, dtype=torch.bool), kp2d=torch.zeros(T, 17, 3), noise_std=0.0)
    a, b = features(**empty), image_features(rng=np.random.default_rng(0), **{**inputs(5), **empty})
    assert torch.allclose(a, b) and torch.allclose(a, a[:1].expand_as(a))


def test_numpy_rotations_match_the_geometry_layout():
    rng = np.random.default_rng(0)
    aa = rng.normal(size=(200, 3))
    aa *= rng.uniform(0, np.pi, (200, 1)) / np.linalg.norm(aa, axis=1, keepdims=True)
    aa[:3] = [[0.0, 0.0, 0.0], [1e-9, 0.0, 0.0], [0.0, np.pi - 1e-9, 0.0]]
    reference = axis_angle_to_matrix(torch.from_numpy(aa)).numpy()
    assert np.allclose(rotvec_to_matrix(aa), reference, atol=1e-12)
    assert np.allclose(rotvec_to_matrix(matrix_to_rotvec(reference)), reference, atol=1e-12)
    assert np.allclose(rotvec_to_rot6d(aa), axis_angle_to_rot6d(torch.from_numpy(aa)).numpy(), atol=1e-12)
    assert sum(FEATURE_INPUTS.values()) == feature_network(8)[0].shape[0]
