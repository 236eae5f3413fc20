"""GVHMRCodec: layout, round trip on a synthetic window, streaming statistics, subset codecs."""
import numpy as np
import pytest
import torch

from unihmr.codecs import CONTACT_LABEL_EPS, GVHMRCodec
from unihmr.data.collate import collate_windows
from unihmr.data.datasets.synthetic import SyntheticMotionDataset
from unihmr.geometry import axis_angle_to_matrix
from unihmr.registry import CODECS


@pytest.fixture(scope='module')
def batch():
    dataset = SyntheticMotionDataset(split='test', num_windows=2, window=32)
    return collate_windows([dataset[0], dataset[1]])


def test_slices_cover_dim_exactly():
    codec = CODECS.build(dict(type='GVHMRCodec'))
    assert codec.dim == 158
    assert tuple(codec.fields) == GVHMRCodec.DEFAULT_FIELDS
    covered = torch.zeros(codec.dim, dtype=torch.int64)
    for name, sl in codec.slices.items():
        assert sl.stop - sl.start == codec.fields[name]
        covered[sl] += 1
    assert (covered == 1).all()
    x = torch.randn(2, 3, codec.dim)
    assert torch.equal(codec.join(codec.split(x)), x)
    assert set(codec.state_dict()) == {'mean', 'std'}


def test_round_trip(batch):
    codec = GVHMRCodec()
    codec.compute_stats([batch])
    x = codec.encode(batch)
    assert x.shape == (2, 32, codec.dim)
    out = codec.decode(x, batch)
    gt = batch['smpl_params']
    for key in ('global_orient_c', 'global_orient_w', 'body_pose'):  # rotations exact (compared as matrices)
        err = (axis_angle_to_matrix(out['smpl_params'][key]) - axis_angle_to_matrix(gt[key])).abs().max()
        assert err < 1e-5, key
    assert torch.allclose(out['smpl_params']['transl_c'], gt['transl_c'], atol=1e-5)
    assert torch.allclose(out['smpl_params']['betas'], gt['betas'], atol=1e-5)
    assert torch.allclose(out['smpl_params_c']['transl'], gt['transl_c'], atol=1e-5)
    # world translation: rolled out from the origin (the documented convention), exact up to the start offset
    assert torch.allclose(out['smpl_params']['transl_w'][:, 0], torch.zeros(2, 3))
    assert torch.allclose(out['smpl_params']['transl_w'], gt['transl_w'] - gt['transl_w'][:, :1], atol=1e-4)
    start = gt['transl_w'][:, 0]
    assert torch.allclose(codec.decode(x, batch, transl_w0=start)['smpl_params_w']['transl'], gt['transl_w'],
                          atol=1e-4)
    # contact: labels in, probabilities eps / 1 - eps out
    assert torch.allclose(out['contact'], batch['contact'].clamp(CONTACT_LABEL_EPS, 1 - CONTACT_LABEL_EPS),
                          atol=1e-5)


def test_stats_match_numpy(batch):
    codec = GVHMRCodec()
    second = dict(batch, valid=batch['valid'].clone())
    second['valid'][1, 20:] = False
    codec.compute_stats([batch, second])
    raw = [codec.encode(b, normalize=False).numpy() for b in (batch, second)]
    rows = np.concatenate([raw[0].reshape(-1, codec.dim), raw[1][second['valid'].numpy()]], axis=0)
    mean, std = rows.mean(0), np.maximum(rows.std(0), codec.min_std)
    contact = codec.slices['contact']
    mean[contact], std[contact] = 0.0, 1.0
    np.testing.assert_allclose(codec.mean.numpy(), mean, atol=1e-5)
    np.testing.assert_allclose(codec.std.numpy(), std, rtol=1e-4, atol=1e-6)
    x = codec.encode(batch)
    assert x[..., codec.slices['betas']].abs().max() < 10


def test_subset_codec_is_a_config_change(batch):
    full = GVHMRCodec()
    anchor = CODECS.build(dict(type='GVHMRCodec', fields=('body_pose_torso', 'betas', 'global_orient_c', 'cam')))
    assert anchor.dim == 8 * 6 + 10 + 6 + 3
    x = anchor.encode(batch)
    fill = {'body_pose_non_torso': full.encode_fields(batch)['body_pose'].unflatten(-1, (21, 6))[
        ..., list(anchor.torso_split.non_torso_pose), :].flatten(-2)}
    out = anchor.decode(x, batch, fill=fill)
    gt = batch['smpl_params']
    pose_err = axis_angle_to_matrix(out['smpl_params']['body_pose']) - axis_angle_to_matrix(gt['body_pose'])
    assert pose_err.abs().max() < 1e-5
    assert torch.allclose(out['smpl_params']['transl_c'], gt['transl_c'], atol=1e-5)
    assert 'root_vel' in out['missing']
    placeholder = anchor.decode(x, batch)  # without fill: identity non-torso rotations
    non_torso = placeholder['smpl_params']['body_pose'][..., list(anchor.torso_split.non_torso_pose), :]
    assert non_torso.abs().max() < 1e-6


def test_unknown_field_is_named():
    with pytest.raises(ValueError, match='nonsense'):
        GVHMRCodec(fields=('betas', 'nonsense'))


def test_any_network_output_decodes_to_a_finite_camera_translation(batch):
    """The weak-perspective scale is stored as log s: even wild outputs give s > 0 and a finite transl_c."""
    codec = GVHMRCodec()
    codec.compute_stats([batch])
    wild = torch.randn(*batch['kp2d'].shape[:2], codec.dim) * 20
    out = codec.decode(wild, batch)
    assert torch.isfinite(out['smpl_params_c']['transl']).all()
    assert (out['smpl_params_c']['transl'][..., 2] > 0).all()  # in front of the camera
