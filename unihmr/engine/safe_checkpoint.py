"""Checkpoints that load with ``torch.load(weights_only=True)``, so ``Runner`` resume works on torch >= 2.6.

mmengine 0.10.7 saves its ``MessageHub`` state as pickled ``HistoryBuffer`` objects holding NumPy
arrays and references to their own methods; torch >= 2.6 loads checkpoints with
``weights_only=True`` by default and refuses them ("Unsupported global: HistoryBuffer"). Allow-listing
those globals would need ``builtins.getattr``, which defeats the safe loader, and passing
``weights_only=False`` trusts arbitrary code in any checkpoint file. Instead this hook stores the
message hub as plain tensors when a checkpoint is saved and rebuilds the ``HistoryBuffer`` objects
when it is loaded, so every checkpoint the project writes is safe to load by default.

Exact resume: the hook also stores the random-number states of the main process (torch CPU and CUDA, NumPy,
Python) in each checkpoint and restores them before the first iteration of a resumed run, after mmengine has
rebuilt and fast-forwarded the dataloader (whose workers are seeded by mmengine's ``worker_init_fn`` and replay
the skipped batches, so their streams match too). Validation runs inside a saved-and-restored random state, so
the training stream does not depend on when validation ran (a resumed run skips the validation of its
checkpoint's iteration).
"""
import random

import numpy as np
import torch
from mmengine.hooks import Hook
from mmengine.logging import HistoryBuffer

from unihmr.registry import HOOKS

_BUFFER_TAG = '__history_buffer__'


def to_weights_only_safe(value):
    """Return ``value`` with NumPy arrays / scalars turned into tensors / Python numbers, recursively."""
    if isinstance(value, np.ndarray):
        return torch.from_numpy(np.ascontiguousarray(value))
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        return type(value)((key, to_weights_only_safe(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return type(value)(to_weights_only_safe(item) for item in value)
    return value


def _pack_buffer(buffer: HistoryBuffer) -> dict:
    log_history, count_history = buffer.data
    return {_BUFFER_TAG: True, 'log_history': torch.from_numpy(np.asarray(log_history, dtype=np.float64)),
            'count_history': torch.from_numpy(np.asarray(count_history, dtype=np.float64)),
            'max_length': int(buffer.max_length)}


def random_state() -> dict:
    """The main process's random-number states, as tensors and numbers (loadable with ``weights_only=True``)."""
    kind, keys, position, has_gauss, gauss = np.random.get_state()
    version, python_state, python_gauss = random.getstate()
    state = dict(torch=torch.get_rng_state(),
                 numpy=dict(kind=kind, keys=torch.from_numpy(keys.astype(np.int64)), position=int(position),
                            has_gauss=int(has_gauss), gauss=float(gauss)),
                 python=dict(version=version, state=torch.tensor(python_state, dtype=torch.int64), gauss=python_gauss))
    if torch.cuda.is_available():
        state['cuda'] = torch.cuda.get_rng_state_all()
    return state


def set_random_state(state: dict) -> None:
    """Restore what :func:`random_state` captured."""
    torch.set_rng_state(state['torch'])
    numpy = state['numpy']
    np.random.set_state((numpy['kind'], numpy['keys'].numpy().astype(np.uint32), numpy['position'],
                         numpy['has_gauss'], numpy['gauss']))
    python = state['python']
    random.setstate((python['version'], tuple(int(v) for v in python['state']), python['gauss']))
    if state.get('cuda') is not None and torch.cuda.is_available() and len(state['cuda']) == torch.cuda.device_count():
        torch.cuda.set_rng_state_all(state['cuda'])


def _unpack_buffer(packed: dict) -> HistoryBuffer:
    return HistoryBuffer(packed['log_history'].numpy(), packed['count_history'].numpy(), packed['max_length'])


@HOOKS.register_module()
class SafeCheckpointHook(Hook):
    """Make saved checkpoints loadable with ``weights_only=True`` and restore them on load/resume; keep the
    random-number states so that a resumed run continues exactly (see the module docstring)."""

    priority = 'VERY_LOW'  # after every hook that adds to the checkpoint

    def __init__(self):
        self._resumed_state, self._train_state = None, None

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        checkpoint['random_state'] = random_state()
        hub = checkpoint.get('message_hub')
        if hub is not None:
            hub['log_scalars'] = {key: _pack_buffer(buffer) if isinstance(buffer, HistoryBuffer) else buffer
                                  for key, buffer in hub.get('log_scalars', {}).items()}
        for key in list(checkpoint):
            checkpoint[key] = to_weights_only_safe(checkpoint[key])

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        hub = checkpoint.get('message_hub')
        if hub is not None:
            hub['log_scalars'] = {key: _unpack_buffer(value) if isinstance(value, dict) and value.get(_BUFFER_TAG)
                                  else value for key, value in hub.get('log_scalars', {}).items()}
        # only a resumed run continues the saved stream (``load_from`` starts a new run with the config's seed)
        self._resumed_state = checkpoint.get('random_state') if getattr(runner, '_resume', False) else None

    def before_train_iter(self, runner, batch_idx: int, data_batch=None) -> None:
        if self._resumed_state is not None:
            set_random_state(self._resumed_state)
            self._resumed_state = None

    def before_val_epoch(self, runner) -> None:
        self._train_state = random_state()

    def after_val_epoch(self, runner, metrics=None) -> None:
        if self._train_state is not None:
            set_random_state(self._train_state)
            self._train_state = None
