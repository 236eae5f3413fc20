"""Shared SMPL-X losses: zero for a perfect prediction, known values for hand-made offsets, config merging."""
import math

import pytest
import torch

from unihmr.body import EmbeddedSMPLX
from unihmr.codecs import GVHMRCodec
from unihmr.data.collate import collate_windows
from unihmr.data.datasets.synthetic import SyntheticMotionDataset
from unihmr.models.batch_ops import slice_time
from unihmr.models.losses import (CameraJointLoss, ContactBCELoss, LossInputs, NormalizedTargetLoss,
                                  ReprojectionLoss, SMPLXLossSet, WorldTranslationLoss, merge_loss_cfg)
from unihmr.registry import LOSSES


@pytest.fixture(scope='module')
def batch():
    dataset = SyntheticMotionDataset(split='test', num_windows=2, window=32)
    # 8 frames keep the body-model passes fast
    return slice_time(collate_windows([dataset[0], dataset[1]]), 0, 8)


@pytest.fixture(scope='module')
def codec(batch):
    codec = GVHMRCodec()
    codec.compute_stats([batch])
    return codec


def _inputs(codec, batch, pred=None, gt=None, x_pred=None, x_gt=None):
    x_gt = codec.encode(batch) if x_gt is None else x_gt
    return LossInputs(x_pred=x_gt if x_pred is None else x_pred, x_gt=x_gt, codec=codec, pred=pred or {},
                      gt=gt or {}, batch=batch, valid=batch['valid'])


def test_perfect_prediction_gives_zero(batch, codec):
    losses = SMPLXLossSet(num_vertices=64)
    out = losses(codec.encode(batch), batch, codec, EmbeddedSMPLX())
    assert set(out) == {'loss_target', 'loss_joints_c', 'loss_joints_c_abs', 'loss_verts_c', 'loss_reproj',
                        'loss_transl_w', 'loss_contact'}
    for name, value in out.items():
        if name == 'loss_contact':  # BCE of the eps-clamped logits (+-2.94) against hard labels: -log(0.95), not 0
            assert value.item() == pytest.approx(0.1 * -math.log(1 - 0.05), rel=1e-4)
        else:
            assert value.item() < 1e-4, name


def test_joint_offset_of_one_centimetre(batch, codec):
    joints = torch.randn(2, 8, 22, 3) + torch.tensor([0.0, 0.0, 4.0])
    offset = joints + torch.tensor([0.01, 0.0, 0.0])
    inputs = _inputs(codec, batch, pred=dict(joints_c=offset), gt=dict(joints_c=joints))
    assert CameraJointLoss(align=None)(inputs).item() == pytest.approx(0.01, rel=1e-4)
    assert CameraJointLoss(align=None, distance='l2')(inputs).item() == pytest.approx(0.01, rel=1e-4)
    assert CameraJointLoss(align='pelvis')(inputs).item() == pytest.approx(0.0, abs=1e-6)
    assert CameraJointLoss(weight=3.0, align=None).weighted(inputs).item() == pytest.approx(0.03, rel=1e-4)


def test_branch_source_reads_the_joint_position_fields_not_the_rotations(batch, codec):
    """source='branch' measures the codec's pelvis-relative joint branch against the GT: 1 cm on every non-pelvis
    joint gives 1 cm x 21/22 (the pelvis is 0 in both), whatever the posed rotations say."""
    joints = torch.randn(2, 8, 22, 3) + torch.tensor([0.0, 0.0, 4.0])
    branch = joints - joints[..., :1, :]
    branch[..., 1:, 0] += 0.01
    far_rotations = joints + torch.randn(2, 8, 22, 3)  # the posed joints: nowhere near
    inputs = _inputs(codec, batch, pred=dict(joints_c=far_rotations, joints_rel_c=branch), gt=dict(joints_c=joints))
    assert CameraJointLoss(source='branch')(inputs).item() == pytest.approx(0.01 * 21 / 22, rel=1e-4)
    assert CameraJointLoss()(inputs).item() > 0.5
    with pytest.raises(ValueError, match='joint-position fields'):
        CameraJointLoss(source='branch')(_inputs(codec, batch, pred=dict(joints_c=joints), gt=dict(joints_c=joints)))
    with pytest.raises(ValueError, match="align='pelvis'"):
        CameraJointLoss(source='branch', align=None)
    with pytest.raises(ValueError, match='vertices have none'):
        LOSSES.build(dict(type='CameraVertexLoss', source='branch'))


def test_reprojection_offset_in_box_units(batch, codec):
    K = batch['K']
    depth = 5.0
    joints = torch.zeros(2, 8, 22, 3)
    joints[..., 2] = depth
    shifted = joints.clone()
    shifted[..., 0] = 0.01  # 0.01 m at 5 m -> f * 0.002 pixels
    inputs = _inputs(codec, dict(batch, vis=torch.ones(2, 8, 22, dtype=torch.bool)),
                     pred=dict(joints_c=shifted), gt=dict(joints_c=joints))
    expected = (K[..., 0, 0] * 0.01 / depth / batch['bbox'][..., 2]).mean()
    assert ReprojectionLoss()(inputs).item() == pytest.approx(expected.item(), rel=1e-4)
    hidden = dict(batch, vis=torch.zeros(2, 8, 22, dtype=torch.bool))
    assert ReprojectionLoss()(_inputs(codec, hidden, pred=dict(joints_c=shifted), gt=dict(joints_c=joints))) == 0


def test_world_translation_aligns_start(batch, codec):
    gt = batch['smpl_params']['transl_w']
    shifted = gt + torch.tensor([3.0, 0.0, -2.0])
    inputs = _inputs(codec, batch, pred=dict(smpl_params_w=dict(transl=shifted)),
                     gt=dict(smpl_params_w=dict(transl=gt)))
    assert WorldTranslationLoss()(inputs).item() == pytest.approx(0.0, abs=1e-6)
    drift = gt + 0.01 * torch.arange(8.0)[:, None] * torch.tensor([1.0, 0.0, 0.0])
    inputs.pred['smpl_params_w'] = dict(transl=drift)
    assert WorldTranslationLoss()(inputs).item() == pytest.approx(0.01 * 3.5, rel=1e-4)  # mean of 0.01 t


def test_target_and_contact_terms(batch, codec):
    x_gt = codec.encode(batch)
    inputs = _inputs(codec, batch, x_pred=x_gt + 0.5, x_gt=x_gt)
    assert NormalizedTargetLoss()(inputs).item() == pytest.approx(0.25, rel=1e-5)
    weights = dict(contact=0.0, betas=0.0)
    assert NormalizedTargetLoss(field_weights=weights)(inputs).item() == pytest.approx(0.25, rel=1e-5)
    inputs.x_pred = x_gt.clone()
    inputs.x_pred[..., codec.slices['betas']] += 1.0
    assert NormalizedTargetLoss(field_weights=dict(betas=0.0))(inputs).item() == pytest.approx(0.0, abs=1e-7)
    assert NormalizedTargetLoss()(inputs).item() == pytest.approx(10 / codec.dim, rel=1e-5)
    labels = batch['contact']
    inputs.pred['contact_logits'] = torch.where(labels > 0.5, 20.0, -20.0)
    assert ContactBCELoss()(inputs).item() < 1e-6
    inputs.pred['contact_logits'] = torch.zeros_like(labels)
    assert ContactBCELoss()(inputs).item() == pytest.approx(math.log(2), rel=1e-5)


def test_padding_frames_are_ignored(batch, codec):
    joints = torch.zeros(2, 8, 22, 3)
    pred = joints.clone()
    pred[:, 4:] += 1.0
    padded = dict(batch, valid=torch.arange(8).expand(2, 8) < 4)
    inputs = _inputs(codec, padded, pred=dict(joints_c=pred), gt=dict(joints_c=joints))
    assert CameraJointLoss(align=None)(inputs).item() == 0


def test_config_merge_and_vertex_subsample():
    cfg = merge_loss_cfg(dict(joints_c=2.0, verts_c=None, transl_w=0, contact=dict(weight=0.5),
                              extra=dict(type='CameraJointLoss', weight=1.0, align=None)))
    assert cfg['joints_c']['weight'] == 2.0 and 'verts_c' not in cfg and 'transl_w' not in cfg
    assert cfg['contact'] == dict(type='ContactBCELoss', weight=0.5)
    assert cfg['extra']['align'] is None
    with pytest.raises(ValueError, match='unknown_term'):
        merge_loss_cfg(dict(unknown_term=1.0))
    a, b = LOSSES.build(dict(type='SMPLXLossSet', num_vertices=100)), SMPLXLossSet(num_vertices=100)
    assert torch.equal(a.vertex_ids(24256), b.vertex_ids(24256))
    assert not torch.equal(a.vertex_ids(24256), SMPLXLossSet(num_vertices=100, vertex_seed=1).vertex_ids(24256))
    assert len(a.vertex_ids(24256).unique()) == 100
    assert list(a.state_dict()) == []


def test_gvhmr_released_weights_match_gvhmr_per_coordinate_mean(batch, codec):
    """GVHMR weighs its camera-joint L1 (a mean over x, y, z) by 500; ours sums over x, y, z, so the converted
    weight (configs/_base_/models/gvhmr_regression.py) must give 500 * mean |d| over every joint coordinate."""
    from pathlib import Path

    from mmengine.config import Config
    repo = Path(__file__).resolve().parents[1]
    weights = Config.fromfile(repo / 'configs/_base_/models/gvhmr_regression.py').gvhmr_released_losses
    joints = torch.randn(2, 8, 22, 3) + torch.tensor([0.0, 0.0, 4.0])
    offset = 0.02 * torch.randn(2, 8, 22, 3)
    inputs = _inputs(codec, batch, pred=dict(joints_c=joints + offset), gt=dict(joints_c=joints))
    ours = CameraJointLoss(weight=weights['joints_c'], align=None).weighted(inputs)
    assert ours.item() == pytest.approx(500 * offset.abs().mean().item(), rel=1e-4)
