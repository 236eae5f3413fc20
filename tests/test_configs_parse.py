"""Every shipped config parses, and every `type` it names is found in a unihmr registry."""
from pathlib import Path

import mmengine.runner  # noqa: F401  (registers mmengine's loops, hooks, samplers)
import pytest
from mmengine.config import Config

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


@pytest.mark.parametrize('variant', ['plain', 'composite'])
def test_table5_ablations_train_stage2_like_the_shipped_model(variant):
    """A Table-5 row differs from the shipped FactorizedHMR in one component, never in the Stage-2 schedule."""
    root = Path(__file__).resolve().parents[1] / 'configs' / 'factorizedhmr'
    shipped = Config.fromfile(str(root / 'factorizedhmr_cpu_synthetic.py'))
    ablation = Config.fromfile(str(root / 'ablations' / f'stage2_{variant}_cpu_synthetic.py'))
    (stage2,) = [phase for phase in shipped.phases if phase['name'] == 'stage2']
    assert [phase['name'] for phase in ablation.phases] == ['stage2']
    assert ablation.phases[0]['train_cfg']['max_iters'] == stage2['train_cfg']['max_iters']
    assert ablation.phases[0]['param_scheduler'] == stage2['param_scheduler']
    assert ablation.optim_wrapper == shipped.optim_wrapper
    assert ablation.train_dataloader.batch_size == shipped.train_dataloader.batch_size


def test_shipped_factorizedhmr_was_trained_with_the_committed_config():
    """The shipped config.py is the training run's resolved config; everything that shapes the model (stages,
    schedule, optimiser, training data) matches the committed CPU config. (Phase 2 of the run resolves
    model.train_stages and the phase's schedule into the top level; those are compared through `phases`.)"""
    root = Path(__file__).resolve().parents[1]
    shipped = Config.fromfile(str(root / 'checkpoints' / 'factorizedhmr_cpu_synthetic' / 'config.py'))
    committed = Config.fromfile(str(root / 'configs' / 'factorizedhmr' / 'factorizedhmr_cpu_synthetic.py'))
    from unihmr.models.losses.loss_set import merge_loss_cfg

    def normalised(model):  # loss terms as built (a term spelled out with its default value is the same term)
        model = {k: v for k, v in model.to_dict().items() if k != 'train_stages'}
        model['stages'] = [dict(stage, losses=merge_loss_cfg(stage.get('losses'))) for stage in model['stages']]
        return model

    assert normalised(shipped.model) == normalised(committed.model)
    for key in ('phases', 'optim_wrapper', 'train_dataloader', 'codec_stats'):
        assert shipped[key] == committed[key], key
