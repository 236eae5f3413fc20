"""FactorizedHMR building blocks: the composite codec (joint fields, known/unknown partition), the new loss
terms (robust distance, joint subsets, ramps, joint-bone consistency), the ODE sampler and guidance."""
import math

import pytest
import torch

from unihmr.body import EmbeddedSMPLX
from unihmr.body.joint_sets import BODY_JOINT_NAMES, BODY_PARENTS, DEFAULT_TORSO_SPLIT
from unihmr.codecs import GVHMRCodec
from unihmr.body.posing import with_camera_joints
from unihmr.codecs.gvhmr import FACTORIZED_FIELDS, FACTORIZED_KNOWN
from unihmr.data.collate import collate_windows
from unihmr.data.datasets.synthetic import SyntheticMotionDataset
from unihmr.models.losses import (CameraJointLoss, JointBoneConsistencyLoss, LossInputs, ReprojectionLoss,
                                  point_distance)
from unihmr.models.batch_ops import slice_time
from unihmr.models.samplers import ClassifierFreeGuidance, ODESampler


@pytest.fixture(scope='module')
def body():
    return EmbeddedSMPLX()


@pytest.fixture(scope='module')
def batch(body):
    dataset = SyntheticMotionDataset(split='test', num_windows=2, window=16)
    return with_camera_joints(slice_time(collate_windows([dataset[0], dataset[1]]), 0, 6), body)


@pytest.fixture(scope='module')
def codec(batch):
    codec = GVHMRCodec(fields=FACTORIZED_FIELDS, known_fields=FACTORIZED_KNOWN)
    codec.compute_stats([batch])
    return codec


# ------------------------------------------------------------------------------------------- codec
def test_partition_masks_the_known_fields_only(codec):
    assert codec.unknown_fields == ('body_pose_non_torso', 'joints_non_torso', 'global_orient_gv', 'root_vel')
    shoulders = 2 * 3  # the two shoulder positions of joints_torso: placed by the non-torso collars
    expected = sum(codec.fields[name] for name in FACTORIZED_KNOWN) - shoulders
    assert int(codec.known_mask.sum()) == expected
    for name in FACTORIZED_KNOWN:
        if name != 'joints_torso':
            assert codec.known_mask[codec.slices[name]].all()
    for name in codec.unknown_fields:
        assert not codec.known_mask[codec.slices[name]].any()


def test_known_joint_positions_are_those_the_torso_rotations_place(codec):
    """Hand-listed: a joint's position is placed by the rotations of its ancestors; the shoulders hang from the
    collars (non-torso), every other torso joint hangs from torso joints only."""
    names = [BODY_JOINT_NAMES[j] for j in codec.joint_groups['joints_torso']]
    known = codec.known_mask[codec.slices['joints_torso']].view(-1, 3)
    assert known.all(-1).tolist() == [name not in ('left_shoulder', 'right_shoulder') for name in names]
    assert (known.all(-1) == known.any(-1)).all()  # whole joints, never single coordinates
    assert 'left_shoulder' not in [BODY_JOINT_NAMES[j] for j in DEFAULT_TORSO_SPLIT.placed_by_torso]
    assert {'neck', 'head', 'left_knee', 'left_collar'} <= {BODY_JOINT_NAMES[j] for j in DEFAULT_TORSO_SPLIT.placed_by_torso}


def test_an_anchor_without_collars_does_not_pull_the_collars_to_the_identity(codec, batch, body):
    """Issue 14, finding 3: the anchor's estimate has identity non-torso rotations, collars included. Its known
    coordinates, imposed on the exact latent, must leave eq. 8 at zero: with the shoulders' positions among them
    (built with identity collars) the GT collars would be penalised."""
    from unihmr.models.estimate import Estimate
    from unihmr.models.heads.base import impose_known
    from unihmr.models.losses import SMPLXLossSet
    params = dict(batch['smpl_params'])
    pose = params['body_pose'].clone()  # (B, T, 21, 3)
    pose[..., list(DEFAULT_TORSO_SPLIT.non_torso_pose), :] = 0.0  # what an anchor's estimate carries
    anchor = Estimate.from_params(dict(params, body_pose=pose))
    anchor_batch = with_camera_joints(dict(batch, smpl_params=anchor.params), body)
    exact = codec.encode(batch)
    known = dict(x=codec.encode(anchor_batch, names=codec.known_fields), mask=codec.known_mask)
    consistency = SMPLXLossSet(dict(target=None, joints_c=None, joints_c_abs=None, verts_c=None, reproj=None,
                                    transl_w=None, contact=None, consistency=dict(type='JointBoneConsistencyLoss')))

    def eq8(mask):
        return float(consistency(impose_known(exact, dict(known, mask=mask)), batch, codec, body)['loss_consistency'])

    exact_anchor, whole_field = eq8(codec.known_mask), eq8(codec.field_mask(codec.known_fields))
    assert exact_anchor < 1e-9
    assert whole_field > 1e-6  # the whole joints_torso field known: the GT collars are penalised


@pytest.mark.parametrize('known, unknown, words', [
    (('betas',), ('betas', 'cam'), 'in both'),
    (('betas',), ('cam',), 'in neither'),
    (('contact',), None, "not in the layout"),
])
def test_a_mask_that_does_not_partition_the_latent_is_refused(known, unknown, words):
    with pytest.raises(ValueError, match=words):
        GVHMRCodec(fields=FACTORIZED_FIELDS, known_fields=known, unknown_fields=unknown)


def test_joint_fields_hold_pelvis_relative_camera_joints(codec, batch):
    decoded = codec.decode(codec.encode(batch), batch)
    rel = batch['joints_c'] - batch['joints_c'][..., :1, :]
    torch.testing.assert_close(decoded['joints_rel_c'], rel, atol=1e-5, rtol=0)
    torso = decoded['fields']['joints_torso'].unflatten(-1, (-1, 3))
    torch.testing.assert_close(torso[..., 0, :], rel[..., 1, :], atol=1e-5, rtol=0)  # first torso joint: left hip
    assert decoded['contact'] is None  # no contact field in the eq. 3 latent


def test_joint_fields_without_joints_name_the_missing_key(codec, batch):
    bare = {key: value for key, value in batch.items() if key != 'joints_c'}
    with pytest.raises(ValueError, match="joints_c"):
        codec.encode(bare)


def test_encoding_only_the_known_fields_leaves_the_rest_at_the_mean(codec, batch):
    full, known_only = codec.encode(batch), codec.encode(batch, names=codec.known_fields)
    mask = codec.field_mask(codec.known_fields)  # the encoded fields (known_mask leaves out the shoulder positions)
    torch.testing.assert_close(known_only[..., mask], full[..., mask])
    assert known_only[..., ~mask].abs().max() == 0


# ------------------------------------------------------------------------------------------ losses
def test_robust_distance_matches_pseudo_huber():
    d = torch.tensor([[0.3, 0.4, 0.0]])  # norm 0.5
    delta = 0.1
    assert float(point_distance(d, 'robust', delta)) == pytest.approx(delta ** 2 * (math.sqrt(1 + 25) - 1))
    small = torch.tensor([[1e-3, 0.0, 0.0]])  # quadratic regime: ~ |d|^2 / 2
    assert float(point_distance(small, 'robust', 1.0)) == pytest.approx(0.5e-6, rel=1e-3)


def test_ramp_grows_linearly_then_holds():
    term = ReprojectionLoss(weight=2.0, ramp_iters=100)
    assert term.current_weight(0) == 0 and term.current_weight(50) == pytest.approx(1.0)
    assert term.current_weight(500) == 2.0 and term.current_weight(None) == 2.0


def _posed(body, batch):
    params = batch['smpl_params']
    return body(global_orient=params['global_orient_c'], body_pose=params['body_pose'], betas=params['betas'],
                transl=params['transl_c'], return_verts=False).joints


def test_joint_subsets_ignore_the_other_region(codec, batch, body):
    joints = _posed(body, batch)
    moved = joints.clone()
    torso_joint = DEFAULT_TORSO_SPLIT.torso_joints[3]
    moved[..., torso_joint, :] += torch.tensor([0.01, 0.0, 0.0])
    inputs = LossInputs(x_pred=None, x_gt=None, codec=codec, pred=dict(joints_c=moved), gt=dict(joints_c=joints),
                        batch=batch, valid=batch['valid'].bool())
    assert float(CameraJointLoss(joints='non_torso', align=None)(inputs)) == 0
    assert float(ReprojectionLoss(joints='non_torso', use_vis=False)(inputs)) == 0
    torso = float(CameraJointLoss(joints='torso', align=None)(inputs))
    assert torso == pytest.approx(0.01 / len(DEFAULT_TORSO_SPLIT.torso_joints), rel=1e-4)
    with pytest.raises(ValueError, match='joints'):
        CameraJointLoss(joints='arms')


def test_an_anchor_posed_with_the_true_limbs_is_supervised_on_all_joints(batch, body):
    """``fill_from_gt``: the anchor's exact fields give zero joint error on all 22 joints once the limbs come from
    the GT (and a large one at the identity limbs); a wrong hip rotation then shows on the knee and ankle."""
    from unihmr.models.losses import SMPLXLossSet
    anchor = GVHMRCodec(fields=('body_pose_torso', 'betas', 'global_orient_c', 'cam'))
    anchor.compute_stats([batch])
    terms = dict(target=None, joints_c_abs=None, verts_c=None, reproj=None, transl_w=None, contact=None,
                 joints_c=dict(joints='all', align=None))
    filled, plain = SMPLXLossSet(terms, fill_from_gt=('body_pose_non_torso',)), SMPLXLossSet(terms)
    exact = anchor.encode(batch)
    assert float(filled(exact, batch, anchor, body)['loss_joints_c']) < 1e-4
    assert float(plain(exact, batch, anchor, body)['loss_joints_c']) > 1e-2
    raw = anchor.encode(batch, normalize=False)
    hip = anchor.split(raw)['body_pose_torso'].unflatten(-1, (-1, 6))
    hip = torch.cat([hip[..., :1, :].roll(1, dims=-1), hip[..., 1:, :]], dim=-2)  # first torso rotation (left hip)
    wrong = anchor.normalize(anchor.join(dict(anchor.split(raw), body_pose_torso=hip.flatten(-2))))
    assert float(filled(wrong, batch, anchor, body)['loss_joints_c']) > 1e-3
    with pytest.raises(ValueError, match='fill_from_gt'):
        SMPLXLossSet(terms, fill_from_gt=('betas',)).check_codec(anchor)


def test_joint_bone_consistency_is_zero_when_consistent_and_counts_bones(codec, batch, body):
    joints = _posed(body, batch)
    rel = joints - joints[..., :1, :]
    term = JointBoneConsistencyLoss(distance='l1')

    def value(branch):
        return float(term(LossInputs(x_pred=None, x_gt=None, codec=codec, pred=dict(joints_c=joints, joints_rel_c=branch),
                                     gt={}, batch=batch, valid=batch['valid'].bool())))

    assert value(rel) == pytest.approx(0, abs=1e-7)
    wrist = 21
    shifted = rel.clone()
    shifted[..., wrist, 0] += 0.02  # one joint 2 cm off: one joint offset, one bone (wrist - elbow) changed
    children = sum(1 for parent in BODY_PARENTS if parent == wrist)
    joint_term = 0.02 / 21  # mean over the 21 non-pelvis joints
    bone_term = 0.02 * (1 + children) / 21  # mean over the 21 bones
    assert value(shifted) == pytest.approx(joint_term + bone_term, rel=1e-4)


# ----------------------------------------------------------------------------------------- sampler
@pytest.mark.parametrize('solver', ['euler', 'midpoint', 'rk4', 'dopri5'])
def test_ode_sampler_integrates_a_constant_field_and_keeps_known_coordinates(solver):
    z0 = torch.randn(2, 3, 5)
    target = torch.randn(2, 3, 5)
    known = torch.tensor([True, False, False, True, False])
    sampler = ODESampler(solver=solver, steps=7)
    z1 = sampler.sample(lambda t, z: target - z0, z0, known)  # straight line z0 -> target
    torch.testing.assert_close(z1[..., ~known], target[..., ~known], atol=1e-4, rtol=0)
    assert torch.equal(z1[..., known], z0[..., known])


def test_euler_takes_the_configured_number_of_steps():
    calls = []
    ODESampler('euler', steps=13).sample(lambda t, z: calls.append(float(t)) or torch.zeros_like(z), torch.zeros(1, 2))
    assert len(calls) == 13 and calls[0] == 0.0 and calls[-1] == pytest.approx(12 / 13)


@pytest.mark.parametrize('kwargs, words', [(dict(solver='leapfrog'), 'unknown'), (dict(steps=0), 'positive'),
                                           (dict(steps=2.5), 'positive')])
def test_bad_sampler_settings_are_named(kwargs, words):
    with pytest.raises(ValueError, match=words):
        ODESampler(**kwargs)


def test_guidance_mixes_branches_and_draws_one_mask_for_all_dropped_modalities():
    guidance = ClassifierFreeGuidance(scale=1.5, drop_prob=0.5, dropped=('kp_rays', 'img_feat'))
    both = torch.tensor([[2.0], [1.0]])  # conditional 2, unconditional 1
    assert float(ClassifierFreeGuidance.combine(both, 1.5)) == pytest.approx(1 + 1.5 * (2 - 1))
    drop = guidance.training_drop(1000)
    assert set(drop) == {'kp_rays', 'img_feat'} and torch.equal(drop['kp_rays'], drop['img_feat'])
    assert 0.4 < float(drop['kp_rays'].float().mean()) < 0.6
    assert not ClassifierFreeGuidance(scale=1.0).uses_uncond() and guidance.uses_uncond()
    assert not ClassifierFreeGuidance().uses_uncond() and ClassifierFreeGuidance().training_drop(4) == {}  # default: off
    with pytest.raises(ValueError, match='drop_prob'):
        ClassifierFreeGuidance(drop_prob=1.0)
