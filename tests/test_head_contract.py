"""The stage contract (``heads.base``, docs/architecture.md "Adding a head") that every registered head and refiner
passes, checked on every stage of every method config, shrunk to test size:

- it builds from its config;
- ``loss`` gives finite named losses whose gradients reach its trainable parameters (a refiner says it is not
  trained here);
- ``predict`` returns an ``Estimate`` with finite parameters for S = 1 and S = 3 (S hypotheses when S > 1);
- padding frames (``valid`` False) do not change the estimate of the valid frames;
- ``num_steps`` changes the work done by a generative stage, and a deterministic one refuses it.
"""
import pytest
import torch

from unihmr.apis.config import load_config
from unihmr.body.posing import with_camera_joints, with_world_joints
from unihmr.data.collate import collate_windows
from unihmr.data.datasets.synthetic import SyntheticMotionDataset
from unihmr.data.transforms.motion_corruption import WORLD_PARAMS
import unihmr.models.heads  # noqa: F401  (registers every head)
from unihmr.models.estimate import PARAM_NAMES, Estimate
from unihmr.registry import HEADS, MODELS

FEAT = 16
CONFIGS = ['configs/gvhmr/gvhmr_cpu_synthetic.py', 'configs/factorizedhmr/factorizedhmr_cpu_synthetic.py',
           'configs/scorehmr/scorehmr_prior_cpu_synthetic.py', 'configs/scorehmr/gvhmr_scorehmr_cpu_synthetic.py',
           'configs/rohm/rohm_cpu_mixed.py', 'configs/rohm/mdm_cpu_mixed.py', 'configs/rohm/gvhmr_rohm_cpu_keypoints_mixed.py',
           'configs/moro/moro_tokenizer_cpu_mixed.py', 'configs/moro/moro_cpu_keypoints_mixed.py']
STAGES = [(config, index) for config in CONFIGS for index in range(len(load_config(config).model['stages']))] + [
    ('configs/mixes/factorizedhmr_ddpm_cpu_keypoints_mixed.py', 1)]  # DiffusionCompletionHead (its anchor is covered)
IDS = [f"{config.split('/')[-1][:-3]}:{load_config(config).model['stages'][index]['name']}" for config, index in STAGES]


def shrink(stage: dict) -> dict:
    """A stage config at test size (widths 32, one layer; a refiner's prior untrained, one short round)."""
    stage = dict(stage)
    if 'backbone' in stage:
        stage['backbone'] = dict(stage['backbone'], width=32, depth=1, heads=2, window=16)
    if stage.get('encoder'):
        stage['encoder'] = dict(stage['encoder'], width=32, feat_dim=FEAT)
    if 'denoiser' in stage:
        stage.update(denoiser=dict(stage['denoiser'], width=32, hidden=32), feat_dim=FEAT)
    if 'prior' in stage:
        stage.update(prior=shrink(stage['prior']), prior_checkpoint=None, tau=20, step=10, max_rounds=1)
    if 'trajnet' in stage:  # RoHM / MDM++: its own checkpoint not loaded, a few diffusion steps
        stage.update(trajnet=dict(stage['trajnet'], widths=(8, 16)), checkpoint=None, traj_steps=2, num_steps=3,
                     early_stop=None, posenet=dict(stage['posenet'], width=32, depth=1, heads=2, ff=32))
    if 'tokenizer' in stage:  # MoRo: a small hierarchy, two fit iterations
        stage.update(tokenizer=dict(stage['tokenizer'], levels=(64, 24, 8), channels=(4, 8, 8)), fit=dict(iters=2))
    if stage.get('type') == 'MoRoHead':
        stage.update(width=32, heads=2, motion_depth=1, decoder_depth=1, band=16, clip=16)
    return stage


def tiny_model(config: str, **changes):
    cfg = load_config(config).model.to_dict()
    if cfg.get('encoder'):
        cfg['encoder'].update(width=32, feat_dim=FEAT)
    cfg['stages'] = [shrink(stage) for stage in cfg['stages']]
    # the recoverer's own budget (RoHM's configs: 1000 PoseNet and 100 TrajNet steps) would override the stages'
    cfg.update(num_steps=None, sampler_cfg=dict(cfg.get('sampler_cfg') or {}, **(
        {'traj_steps': 2} if 'traj_steps' in (cfg.get('sampler_cfg') or {}) else {})))
    cfg.update(window=24, overlap=8, **changes)
    torch.manual_seed(0)
    return MODELS.build(cfg)


@pytest.fixture(scope='module')
def batch():
    dataset = SyntheticMotionDataset(split='test', num_windows=2, window=20, feat_dim=FEAT, severity='heavy')
    batch = collate_windows([dataset[0], dataset[1]])
    # a 3D observation for the stages that denoise motion (RoHM's section 5.3 input; here the ground truth)
    return dict(batch, motion_obs={name: batch['smpl_params'][name] for name in WORLD_PARAMS})


def _fit_stats(model, batch):
    for stage in model.stages:
        if getattr(stage, 'trainable', True) and hasattr(stage, 'codec'):
            posed = with_world_joints(with_camera_joints(batch, model.body_model), model.body_model)
            stage.codec.compute_stats([posed])


def _finite(estimate: Estimate) -> bool:
    values = list(estimate.params.values()) + list((estimate.samples or {}).values())
    return all(torch.isfinite(value).all() for value in values)


def test_every_registered_head_is_covered():
    covered = {load_config(config).model['stages'][index]['type'] for config, index in STAGES}
    assert covered == set(HEADS.module_dict)  # every head type has a method config here


@pytest.mark.parametrize('config, index', STAGES, ids=IDS)
def test_loss_is_finite_and_reaches_the_trainable_parameters(config, index, batch):
    model = tiny_model(config)
    stage = model.stages[index]
    if not stage.trainable:
        with pytest.raises(ValueError, match='not trained'):
            stage.loss(None, batch, {})
        return
    model = tiny_model(config, train_stages=[index]).train()
    losses = model.loss(batch)
    assert losses and all('loss' in name and torch.isfinite(value) for name, value in losses.items())
    sum(losses.values()).backward()
    trainable = [p for p in model.stages[index].parameters() if p.requires_grad]
    assert trainable and any(p.grad is not None and p.grad.abs().sum() > 0 for p in trainable)


@pytest.mark.parametrize('config, index', STAGES, ids=IDS)
@pytest.mark.parametrize('num_samples', [1, 3])
def test_predict_returns_a_finite_estimate(config, index, num_samples, batch):
    model = tiny_model(config, run_stages=index + 1, ground_world=False).eval()
    _fit_stats(model, batch)
    estimate = model.recover(batch, num_samples=num_samples)
    assert isinstance(estimate, Estimate) and _finite(estimate)
    assert estimate.body_pose.shape == (2, 20, 21, 3) and set(estimate.params) == set(PARAM_NAMES)
    if num_samples > 1:
        assert estimate.num_samples == num_samples and estimate.samples['transl_c'].shape == (3, 2, 20, 3)


@pytest.mark.parametrize('config, index', STAGES, ids=IDS)
def test_padding_frames_do_not_change_the_valid_frames(config, index, batch):
    model = tiny_model(config, run_stages=index + 1).eval()
    _fit_stats(model, batch)
    padded = dict(batch, valid=batch['valid'].clone())
    padded['valid'][:, 14:] = False
    garbage = dict(padded, kp2d=padded['kp2d'].clone(), img_feat=padded['img_feat'].clone(), bbox=padded['bbox'].clone())
    garbage['kp2d'][:, 14:, :, :2] += 500.0
    garbage['img_feat'][:, 14:] = 3.0
    garbage['bbox'][:, 14:, 2] *= 2.0
    estimates = []
    for observed in (padded, garbage):
        torch.manual_seed(1)
        estimates.append(model.recover(observed))
    for name in PARAM_NAMES:
        torch.testing.assert_close(getattr(estimates[0], name)[:, :14], getattr(estimates[1], name)[:, :14],
                                   atol=1e-4, rtol=1e-4, msg=f'{name} of the valid frames changed')


def _module_calls(fn) -> int:
    calls = []
    handle = torch.nn.modules.module.register_module_forward_hook(lambda *args: calls.append(1))
    try:
        fn()
    finally:
        handle.remove()
    return len(calls)


@pytest.mark.parametrize('config, index', STAGES, ids=IDS)
def test_num_steps_sets_the_work_of_generative_stages(config, index, batch):
    model = tiny_model(config, run_stages=index + 1, ground_world=False).eval()
    stage = model.stages[index]
    history = {}
    with torch.no_grad():
        for name, earlier in zip(model.stage_names[:index], model.stages[:index]):
            history[name] = earlier.predict(model.condition(batch), batch, history)
    cond = model.condition(batch)
    if not stage.takes_steps:
        with pytest.raises(ValueError, match='deterministic'):
            stage.predict(cond, batch, history, num_steps=2)
        return
    few = _module_calls(lambda: stage.predict(cond, batch, history, num_steps=1))
    many = _module_calls(lambda: stage.predict(cond, batch, history, num_steps=2))
    assert many > few
