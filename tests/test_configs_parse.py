"""Every shipped config parses, and every `type` it names is found in a unihmr registry."""
from pathlib import Path

import mmengine.runner  # noqa: F401  (registers mmengine's loops, hooks, samplers)
import pytest
from mmengine.config import Config

from unihmr.apis.schedules import resolve_lr_schedule, warmup_cosine
from unihmr.apis.training import phase_config
from unihmr.registry import ALL_REGISTRIES, RUNNER_REGISTRIES

CONFIGS = sorted((Path(__file__).resolve().parents[1] / 'configs').rglob('*.py'))


def _types(node):
    if isinstance(node, dict):
        if isinstance(node.get('type'), str):
            yield node['type']
        for value in node.values():
            yield from _types(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from _types(value)


@pytest.mark.parametrize('path', CONFIGS, ids=lambda p: str(p.relative_to(p.parents[1])))
def test_config_parses_and_names_registered_types(path):
    cfg = Config.fromfile(str(path)).to_dict()
    for name in _types(cfg):
        assert any(registry.get(name) is not None
                   for registry in (*ALL_REGISTRIES.values(), *RUNNER_REGISTRIES.values())), \
            f'{path.name}: type {name!r} is not registered'


def _schedule(cfg, phase) -> list:
    """The param_scheduler a phase trains with (``lr_schedule`` resolved at the phase's max_iters)."""
    return resolve_lr_schedule(phase_config(cfg, phase)).param_scheduler


def test_lr_schedule_ends_at_each_run_s_max_iters():
    assert warmup_cosine(1000, warmup=200) == [
        dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0, end=200),
        dict(type='CosineAnnealingLR', by_epoch=False, begin=200, end=1000, eta_min=1e-6)]
    assert warmup_cosine(2, warmup=200) == warmup_cosine(1000, warmup=200)[:1]  # a smoke run: all warm-up
    cfg = Config.fromfile(str(Path(__file__).resolve().parents[1] / 'configs' / 'gvhmr' / 'gvhmr_cpu_synthetic.py'))
    cfg.train_cfg.max_iters = 3000  # an override moves the end of the schedule with it
    assert resolve_lr_schedule(cfg).param_scheduler[-1]['end'] == 3000
    with pytest.raises(ValueError, match='unknown keys'):
        resolve_lr_schedule(Config(dict(lr_schedule=dict(warmpu=3), train_cfg=dict(max_iters=10))))


@pytest.mark.parametrize('variant', ['plain', 'composite'])
def test_table5_ablations_train_stage2_like_the_shipped_model(variant):
    """A Table-5 row differs from the shipped FactorizedHMR in one component, never in the Stage-2 schedule."""
    root = Path(__file__).resolve().parents[1] / 'configs' / 'factorizedhmr'
    shipped = Config.fromfile(str(root / 'factorizedhmr_cpu_synthetic.py'))
    ablation = Config.fromfile(str(root / 'ablations' / f'stage2_{variant}_cpu_synthetic.py'))
    (stage2,) = [phase for phase in shipped.phases if phase['name'] == 'stage2']
    assert [phase['name'] for phase in ablation.phases] == ['stage2']
    assert ablation.phases[0]['train_cfg']['max_iters'] == stage2['train_cfg']['max_iters']
    assert _schedule(ablation, ablation.phases[0]) == _schedule(shipped, stage2)
    assert ablation.optim_wrapper == shipped.optim_wrapper
    assert ablation.train_dataloader.batch_size == shipped.train_dataloader.batch_size


def test_shipped_factorizedhmr_was_trained_with_the_committed_config():
    """The shipped config.py is the training run's resolved config; everything that shapes the model (stages,
    schedule, optimiser, training data) matches the committed config it was trained with: the Stage-2-only config
    on the shipped anchor (issue 14 re-trained Stage 2), whose model is the two-phase CPU config's. (The phase
    resolves model.train_stages and its schedule into the top level; those are compared through `phases`.)"""
    root = Path(__file__).resolve().parents[1]
    shipped = Config.fromfile(str(root / 'checkpoints' / 'factorizedhmr_cpu_synthetic' / 'config.py'))
    committed = Config.fromfile(str(root / 'configs' / 'factorizedhmr' / 'factorizedhmr_cpu_synthetic_stage2.py'))
    two_phase = Config.fromfile(str(root / 'configs' / 'factorizedhmr' / 'factorizedhmr_cpu_synthetic.py'))
    assert committed.model == two_phase.model and committed.load_from == 'checkpoints/factorizedhmr_cpu_synthetic/anchor.pth'
    assert committed.phases == [phase for phase in two_phase.phases if phase['name'] == 'stage2']
    from unihmr.models.losses.loss_set import merge_loss_cfg

    def normalised(model):  # loss terms as built (a term spelled out with its default value is the same term)
        model = {k: v for k, v in model.to_dict().items() if k != 'train_stages'}
        model['stages'] = [dict(stage, losses=merge_loss_cfg(stage.get('losses'))) for stage in model['stages']]
        return model

    assert normalised(shipped.model) == normalised(committed.model)
    for key in ('optim_wrapper', 'train_dataloader', 'codec_stats'):
        assert shipped[key] == committed[key], key
    assert len(shipped.phases) == len(committed.phases)
    for old, new in zip(shipped.phases, committed.phases):  # the shipped run wrote its schedule out in full
        assert {k: v for k, v in old.items() if k != 'param_scheduler'} == new
        assert _schedule(shipped, old) == _schedule(committed, new)


@pytest.mark.parametrize('keypoint_only, sibling', [
    ('gvhmr/gvhmr_cpu_keypoints_mixed.py', 'gvhmr/gvhmr_cpu_synthetic.py'),
    ('factorizedhmr/factorizedhmr_cpu_keypoints_mixed.py', 'factorizedhmr/factorizedhmr_cpu_synthetic.py'),
    ('gvhmr/gvhmr_cpu_mixed.py', 'gvhmr/gvhmr_cpu_synthetic.py')])
def test_mixed_configs_change_only_inputs_and_data(keypoint_only, sibling):
    """A *_mixed config trains its image-feature sibling's network with its budget, on the real-motion mix; the
    keypoint-only ones read no image features anywhere, and guidance drops only modalities they have."""
    root = Path(__file__).resolve().parents[1] / 'configs'
    mixed, base = Config.fromfile(str(root / keypoint_only)), Config.fromfile(str(root / sibling))
    assert mixed.train_dataloader.dataset.type == 'MixedMotionDataset'
    assert mixed.train_dataloader.dataset.datasets[0].secondary_motion is True
    assert mixed.train_dataloader.batch_size == base.train_dataloader.batch_size
    assert mixed.get('max_iters') == base.get('max_iters') and mixed.get('phases') == base.get('phases')
    for ours, theirs in zip(mixed.model.stages, base.model.stages):
        assert ours.backbone == theirs.backbone and ours.type == theirs.type
    if 'keypoints' in keypoint_only:
        encoders = [mixed.model.encoder] + [s.encoder for s in mixed.model.stages if s.get('encoder')]
        for encoder in encoders:
            assert 'img_feat' not in encoder.modalities and 'kp_box' in encoder.modalities
        for stage in mixed.model.stages:
            if stage.get('guidance'):  # the unconditional branch: no keypoint input of either form (section 3.3)
                assert set(stage.guidance.dropped) == {'kp_rays', 'kp_box'} <= set(stage.encoder.modalities)
