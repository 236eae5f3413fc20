"""Initialise one part of the model from another before training starts (e.g. a Stage-2 head from Stage 1).

FactorizedHMR's Stage 2 has its own condition encoder and transformer of the same size as the Stage-1
anchor's; starting them from the trained anchor rather than from scratch lets the completion head spend
its budget on the non-torso articulation. The copy runs in ``before_train``, i.e. after ``load_from`` has
loaded the previous phase, and is skipped on resume (the resumed weights are already trained).
"""
from typing import Sequence

import torch
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from unihmr.registry import HOOKS


def copy_weights(model: torch.nn.Module, source: str, target: str) -> list:
    """Copy every parameter and buffer under the prefix ``source`` to the same name under ``target``.

    Both prefixes must exist, and every tensor of ``target`` must have a counterpart of the same shape
    under ``source`` (the parts have the same architecture). Returns the copied names (under ``target``).
    """
    state = model.state_dict()
    src = {name[len(source) + 1:]: value for name, value in state.items() if name.startswith(source + '.')}
    dst = {name[len(target) + 1:]: value for name, value in state.items() if name.startswith(target + '.')}
    for prefix, part in ((source, src), (target, dst)):
        if not part:
            raise KeyError(f'copy_weights: the model has no parameters under {prefix!r}')
    missing = sorted(set(dst) - set(src))
    mismatched = sorted(name for name in set(dst) & set(src) if src[name].shape != dst[name].shape)
    if missing or mismatched:
        raise ValueError(f'copy_weights: {source!r} -> {target!r} need the same architecture; missing in the '
                         f'source: {missing[:5]}, shape mismatch: {mismatched[:5]}')
    with torch.no_grad():
        for name, value in dst.items():
            value.copy_(src[name])
    return [f'{target}.{name}' for name in dst]


@HOOKS.register_module()
class CopyWeightsHook(Hook):
    """Before the first iteration, copy the weights of model parts onto others.

    Args:
        copies: ``(source, target)`` pairs of module prefixes, e.g. ``[('encoder', 'stages.1.encoder')]``.
    """

    priority = 'VERY_HIGH'

    def __init__(self, copies: Sequence[Sequence[str]]):
        self.copies = [tuple(pair) for pair in copies]
        if not self.copies or any(len(pair) != 2 for pair in self.copies):
            raise ValueError(f'CopyWeightsHook: copies must be (source, target) pairs, got {copies!r}')

    def before_train(self, runner) -> None:
        if runner.iter > 0:  # resumed: the weights were trained already
            return
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        for source, target in self.copies:
            names = copy_weights(model, source, target)
            runner.logger.info(f'CopyWeightsHook: initialised {len(names)} tensors of {target!r} from {source!r}')
