"""Batching of data-contract windows: tensors are stacked, ``meta`` stays a list of per-window dicts.

``torch``'s default collate would try to transpose ``meta`` (strings, lists of unequal length); this
keeps it as it is. Registered as ``collate_windows`` in scope ``unihmr``; mmengine's Runner looks collate functions up
without switching scope, so dataloader configs name it with its scope
(``collate_fn=dict(type='unihmr.collate_windows')``).
"""
import torch

from unihmr.registry import FUNCTIONS


def _stack(values, key: str):
    first = values[0]
    if isinstance(first, torch.Tensor):
        shapes = {tuple(v.shape) for v in values}
        if len(shapes) > 1:
            raise ValueError(f'{key}: windows in a batch must share a shape, got {sorted(shapes)}; '
                             f'use the same window length (padding frames have valid=False)')
        return torch.stack(values)
    if isinstance(first, dict):
        return {name: _stack([v[name] for v in values], f'{key}.{name}') for name in first}
    return list(values)


@FUNCTIONS.register_module()
def collate_windows(windows: list) -> dict:
    """List of windows (dicts of (T, ...) tensors) -> one dict of (B, T, ...) tensors, ``meta`` a list."""
    if not windows:
        raise ValueError('collate_windows: empty batch')
    batch = {key: _stack([w[key] for w in windows], key) for key in windows[0] if key != 'meta'}
    batch['meta'] = [w.get('meta', {}) for w in windows]
    return batch
