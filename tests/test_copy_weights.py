"""Initialising one model part from another (FactorizedHMR's Stage 2 from its Stage 1) before training."""
from types import SimpleNamespace

import pytest
import torch
from mmengine.logging import MMLogger
from torch import nn

from unihmr.engine import CopyWeightsHook, copy_weights


def _model():
    torch.manual_seed(0)
    return nn.ModuleDict(dict(first=nn.Sequential(nn.Linear(4, 8), nn.LayerNorm(8)),
                              second=nn.Sequential(nn.Linear(4, 8), nn.LayerNorm(8)),
                              wide=nn.Sequential(nn.Linear(4, 16), nn.LayerNorm(16))))


def test_copy_makes_the_target_equal_to_the_source_and_leaves_the_source_alone():
    model = _model()
    source_before = {k: v.clone() for k, v in model['first'].state_dict().items()}
    assert not torch.equal(model['first'][0].weight, model['second'][0].weight)
    names = copy_weights(model, 'first', 'second')
    assert sorted(names) == sorted(f'second.{k}' for k in model['second'].state_dict())
    for key, value in model['second'].state_dict().items():
        assert torch.equal(value, source_before[key]) and torch.equal(model['first'].state_dict()[key], value)
    x = torch.randn(3, 4)
    assert torch.equal(model['first'](x), model['second'](x))
    model['second'][0].weight.data.add_(1.0)  # a copy, not shared storage
    assert not torch.equal(model['first'][0].weight, model['second'][0].weight)


def test_copy_rejects_a_missing_prefix_or_another_architecture():
    model = _model()
    with pytest.raises(KeyError, match="'third'"):
        copy_weights(model, 'third', 'second')
    with pytest.raises(ValueError, match='shape mismatch'):
        copy_weights(model, 'wide', 'second')


def _runner(model, iteration):
    return SimpleNamespace(model=model, iter=iteration, logger=MMLogger.get_instance('test_copy_weights'))


def test_hook_copies_before_the_first_iteration_but_not_on_resume():
    model = _model()
    resumed = {k: v.clone() for k, v in model['second'].state_dict().items()}
    hook = CopyWeightsHook(copies=[('first', 'second')])
    hook.before_train(_runner(model, iteration=10))
    assert all(torch.equal(v, resumed[k]) for k, v in model['second'].state_dict().items())
    hook.before_train(_runner(model, iteration=0))
    assert torch.equal(model['second'][0].weight, model['first'][0].weight)
    with pytest.raises(ValueError, match='pairs'):
        CopyWeightsHook(copies=[('first',)])
