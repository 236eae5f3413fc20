"""ScoreHMRRefiner (ScoreHMR section 4.1) behind a regression stage: keypoint guidance lowers the reprojection
energy, the loop stops by its rule, the world follows the refined camera orientation, the prior loads from
its own checkpoint, and a missing observation is named."""
import pytest
import torch

from unihmr.data.collate import collate_windows
from unihmr.data.datasets.synthetic import SyntheticMotionDataset
from unihmr.models.guidance import GuidanceInputs, GuidanceSet
from unihmr.registry import MODELS

FEAT = 16
PRIOR = dict(type='DiffusionPriorHead', feat_dim=FEAT, denoiser=dict(type='ResMLPDenoiser', width=32, hidden=64))
STAGE = dict(type='RegressionHead', codec=dict(type='GVHMRCodec'), losses=dict(verts_c=None),
             backbone=dict(type='RoPETransformer', width=32, depth=1, heads=2, window=16))
KP = dict(kp=dict(type='KeypointReprojectionEnergy', weight=1e-3))


def recoverer(**refiner):
    cfg = dict(type='ScoreHMRRefiner', prior=PRIOR, guidance=KP, tau=20, step=10, max_rounds=2, scale=1.0)
    return MODELS.build(dict(type='Recoverer', encoder=dict(type='ConditionEncoder', width=32, feat_dim=FEAT),
                             stages=[STAGE], refiners=[dict(cfg, **refiner)], window=24, overlap=8,
                             ground_world=False)).eval()


@pytest.fixture(scope='module')
def batch():
    dataset = SyntheticMotionDataset(split='test', num_windows=2, window=12, feat_dim=FEAT, severity='none')
    return collate_windows([dataset[0], dataset[1]])


def _kp_energy(model, batch, output):
    params = output.smpl_params_c
    posed = model.body_model(**params, return_verts=False)
    guidance = GuidanceSet(KP)
    return guidance(GuidanceInputs(x0=output.x, codec=model.stages[0].codec, batch=batch,
                                   valid=batch['valid'].bool(), posed=lambda: posed))[0]


def test_keypoint_guidance_lowers_the_reprojection_energy(batch):
    torch.manual_seed(0)
    model = recoverer()
    cond = model.encoder(batch)
    stage_output = model.stages[0].predict(cond, batch)
    refined = model.refiners[0].refine(cond, batch, stage_output)
    before, after = _kp_energy(model, batch, stage_output), _kp_energy(model, batch, refined)
    assert (after < before).all()
    torch.testing.assert_close(refined.smpl_params['betas'], stage_output.smpl_params['betas'])


def test_world_orientation_follows_the_refined_camera_orientation(batch):
    from unihmr.geometry import axis_angle_to_matrix
    torch.manual_seed(0)
    model = recoverer()
    refined = model.recover(batch)
    R_c = axis_angle_to_matrix(refined.smpl_params['global_orient_c'])
    R_w = axis_angle_to_matrix(refined.smpl_params['global_orient_w'])
    torch.testing.assert_close(batch['R_w2c'] @ R_w, R_c, atol=1e-4, rtol=0)


def test_the_loop_stops_when_the_energy_settles(batch):
    torch.manual_seed(0)
    model = recoverer(max_rounds=3, rel_tol=1e9)  # any change is "small": one round only
    calls = []
    loop = model.refiners[0].loop
    original = loop.invert
    loop.invert = lambda *args: calls.append(1) or original(*args)
    model.recover(batch)
    assert len(calls) == 1


def test_prior_weights_come_from_their_own_checkpoint(batch, tmp_path):
    torch.manual_seed(3)
    prior_model = MODELS.build(dict(type='Recoverer', encoder=dict(type='ConditionEncoder', width=32, feat_dim=FEAT),
                                    stages=[PRIOR]))
    path = tmp_path / 'prior.pth'
    torch.save({'state_dict': prior_model.state_dict()}, path)
    model = recoverer(prior_checkpoint=str(path))
    for name, value in prior_model.stages[0].state_dict().items():
        torch.testing.assert_close(model.refiners[0].prior.state_dict()[name], value)
    assert not any(key.startswith('refiners.0.prior') for key in model.state_dict())  # not in the checkpoint


def test_keypoint_guidance_without_keypoints_is_named(batch):
    model = recoverer()
    with pytest.raises(ValueError, match="kp2d"):
        model.refiners[0].refine(None, {k: v for k, v in batch.items() if k != 'kp2d'}, None)
