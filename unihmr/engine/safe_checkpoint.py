"""Checkpoints that load with ``torch.load(weights_only=True)``, so ``Runner`` resume works on torch >= 2.6.

mmengine 0.10.7 saves its ``MessageHub`` state as pickled ``HistoryBuffer`` objects holding NumPy
arrays and references to their own methods; torch >= 2.6 loads checkpoints with
``weights_only=True`` by default and refuses them ("Unsupported global: HistoryBuffer"). Allow-listing
those globals would need ``builtins.getattr``, which defeats the safe loader, and passing
``weights_only=False`` trusts arbitrary code in any checkpoint file. Instead this hook stores the
message hub as plain tensors when a checkpoint is saved and rebuilds the ``HistoryBuffer`` objects
when it is loaded, so every checkpoint the project writes is safe to load by default.
"""
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


def _unpack_buffer(packed: dict) -> HistoryBuffer:
    return HistoryBuffer(packed['log_history'].numpy(), packed['count_history'].numpy(), packed['max_length'])


@HOOKS.register_module()
class SafeCheckpointHook(Hook):
    """Make saved checkpoints loadable with ``weights_only=True`` and restore them on load/resume."""

    priority = 'VERY_LOW'  # after every hook that adds to the checkpoint

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
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
