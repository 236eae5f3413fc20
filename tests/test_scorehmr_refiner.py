"""ScoreHMRRefiner (ScoreHMR section 4.1) as a stage behind a regression stage: keypoint guidance lowers the
reprojection energy (also with the camera offset frozen, so the pose guidance itself must descend), the loop
stops by its rule, the world follows the refined camera orientation, the prior loads from its own checkpoint,
hypotheses are refined too, a missing observation is named, ``grad_through_denoiser`` reaches the sampler's
``Guidance`` and the base config holds the released settings.

Mutations caught here: the refiner's pose guidance ascending the energy (``eps - ...`` in eq. 10) while the
camera offset still descends -> ``test_keypoint_guidance_lowers_the_reprojection_energy[frozen camera]``; the
refiner not passing ``grad_through_denoiser`` on -> ``test_the_gradient_option_reaches_the_guidance[True]``."""
from pathlib import Path

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
    cfg = dict(name='scorehmr', type='ScoreHMRRefiner', prior=PRIOR, guidance=KP, tau=20, step=10, max_rounds=2,
               scale=1.0)
    return MODELS.build(dict(type='Recoverer', encoder=dict(type='ConditionEncoder', width=32, feat_dim=FEAT),
                             stages=[dict(STAGE, name='regression'), dict(cfg, **refiner)], window=24, overlap=8,
                             ground_world=False)).eval()


@pytest.fixture(scope='module')
def batch():
    dataset = SyntheticMotionDataset(split='test', num_windows=2, window=12, feat_dim=FEAT, severity='none')
    return collate_windows([dataset[0], dataset[1]])


def _kp_energy(model, batch, estimate):
    return GuidanceSet(KP)(GuidanceInputs.from_estimate(estimate, batch, model.body_model))[0]


@pytest.mark.parametrize('camera_lr', [1e-2, 0.0], ids=['camera optimised', 'frozen camera'])
def test_keypoint_guidance_lowers_the_reprojection_energy(batch, camera_lr):
    torch.manual_seed(0)
    model = recoverer(camera_lr=camera_lr)
    cond = model.encoder(batch)
    stage_output = model.stages[0].predict(cond, batch)
    refined = model.stages[1].predict(cond, batch, {'regression': stage_output})
    before, after = _kp_energy(model, batch, stage_output), _kp_energy(model, batch, refined)
    assert (after < before).all()
    torch.testing.assert_close(refined.betas, stage_output.betas)


def test_hypotheses_are_refined_with_the_point_estimate(batch):
    torch.manual_seed(0)
    model = recoverer()
    cond = model.encoder(batch)
    earlier = model.stages[0].predict(cond, batch, num_samples=2)  # deterministic: two copies of the answer
    refined = model.stages[1].predict(cond, batch, {'regression': earlier}, num_samples=2)
    assert refined.samples['body_pose'].shape == (2, *refined.body_pose.shape)
    for sample in range(2):  # each copy refined like the point estimate (same inputs, batched)
        torch.testing.assert_close(refined.samples['body_pose'][sample], refined.body_pose, atol=1e-4, rtol=0)


def test_world_orientation_follows_the_refined_camera_orientation(batch):
    from unihmr.geometry import axis_angle_to_matrix
    torch.manual_seed(0)
    model = recoverer()
    refined = model.recover(batch)
    R_c = axis_angle_to_matrix(refined.global_orient_c)
    R_w = axis_angle_to_matrix(refined.global_orient_w)
    torch.testing.assert_close(batch['R_w2c'] @ R_w, R_c, atol=1e-4, rtol=0)


def test_the_loop_stops_when_the_energy_settles(batch):
    torch.manual_seed(0)
    model = recoverer(max_rounds=3, rel_tol=1e9)  # any change is "small": one round only
    calls = []
    loop = model.stages[1].loop
    original = loop.invert
    loop.invert = lambda *args: calls.append(1) or original(*args)
    model.recover(batch)
    assert len(calls) == 1


def test_prior_weights_come_from_their_own_checkpoint(batch, tmp_path):
    torch.manual_seed(3)
    prior_model = MODELS.build(dict(type='Recoverer', stages=[PRIOR]))  # no shared encoder: the prior reads img_feat
    path = tmp_path / 'prior.pth'
    torch.save({'state_dict': prior_model.state_dict()}, path)
    model = recoverer(prior_checkpoint=str(path))
    for name, value in prior_model.stages[0].state_dict().items():
        torch.testing.assert_close(model.stages[1].prior.state_dict()[name], value)
    assert not any(key.startswith('stages.1.') for key in model.state_dict())  # the prior is not in the checkpoint


def test_keypoint_guidance_without_keypoints_is_named(batch):
    model = recoverer()
    with pytest.raises(ValueError, match="kp2d"):
        model.stages[1].predict(None, {k: v for k, v in batch.items() if k != 'kp2d'}, {'regression': None})


def test_the_refiner_is_not_trained_by_the_recoverer():
    model = recoverer()
    assert model.train_stages == (0,)
    with pytest.raises(ValueError, match='not trained here'):
        MODELS.build(dict(type='Recoverer', encoder=dict(type='ConditionEncoder', width=32, feat_dim=FEAT),
                          stages=[STAGE, dict(type='ScoreHMRRefiner', prior=PRIOR, guidance=KP, tau=20, step=10)],
                          train_stages=[1]))


def test_codec_statistics_are_fitted_for_trained_stages_only():
    """tools/train.py fits codec statistics before training: never over the refiner's loaded prior."""
    from unihmr.apis.codec_stats import _codecs
    assert list(_codecs(recoverer())) == ['stages.0.codec']


@pytest.mark.parametrize('through', [None, False, True])
def test_the_gradient_option_reaches_the_guidance(batch, through):
    torch.manual_seed(0)
    model = recoverer(max_rounds=1, **({} if through is None else dict(grad_through_denoiser=through)))
    refiner, seen = model.stages[1], []
    original = refiner.loop.sample

    def sample(eps_fn, x_tau, guidance=None):
        seen.append(guidance)
        return original(eps_fn, x_tau, guidance)

    refiner.loop.sample = sample
    cond = model.encoder(batch)
    refiner.predict(cond, batch, {'regression': model.stages[0].predict(cond, batch)})
    assert [guidance.through_denoiser for guidance in seen] == [bool(through)]  # default: False, the release


def test_base_config_holds_the_released_guidance_settings():
    from mmengine import Config
    cfg = Config.fromfile(str(Path(__file__).resolve().parents[1] / 'configs' / '_base_' / 'models' / 'scorehmr.py'))
    for refiner in (cfg.scorehmr_refiner, cfg.scorehmr_refiner_cpu):
        assert refiner.grad_through_denoiser is False and refiner.guidance.keypoints.form == 'released'
        assert refiner.guidance.keypoints.weight == 0.003 and 'multiview' not in refiner.guidance
    assert cfg.scorehmr_refiner.guidance.temporal.weight == 30.0
    multiview = cfg.multiview_guidance  # the release: W_MULTIVIEW 0.005 x consistency_weight 300^2
    assert multiview.type == 'MultiViewConsistencyEnergy' and multiview.weight == 0.005 * 300 ** 2
