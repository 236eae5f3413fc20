"""Operations on data-contract batches and estimates shared by the recoverer and the heads."""
import torch

from unihmr.models.estimate import Estimate


def slice_time(value, start: int, end: int):
    """Frames ``start:end`` of a batch, an ``Estimate`` or a dict of them: every tensor with a time axis
    (B, T, ...) is sliced along dim 1 (per-sequence values such as ``meta`` are kept)."""
    if isinstance(value, Estimate):
        return value.slice_time(start, end)
    if isinstance(value, dict):
        return {key: slice_time(item, start, end) for key, item in value.items()}
    if isinstance(value, torch.Tensor) and value.dim() >= 2:
        return value[:, start:end]
    return value


def single_frames(value, rows: torch.Tensor):
    """The frames ``rows`` (B, n) of a batch (nested dicts too) as B n one-frame sequences: every tensor with a time
    axis (B, T, ...) becomes (B n, 1, ...), sequence b n + i being frame ``rows[b, i]`` of sequence b; per-sequence
    tensors (B,) and lists (``meta``) are repeated n times in place."""
    count = rows.shape[1]
    if isinstance(value, dict):
        return {key: single_frames(item, rows) for key, item in value.items()}
    if isinstance(value, torch.Tensor) and value.dim() >= 2:
        index = rows.to(value.device).view(*rows.shape, *[1] * (value.dim() - 2)).expand(*rows.shape, *value.shape[2:])
        return torch.gather(value, 1, index).flatten(0, 1)[:, None]
    if isinstance(value, torch.Tensor) and value.dim() == 1:
        return value.repeat_interleave(count)
    if isinstance(value, list):
        return [item for item in value for _ in range(count)]
    return value


def repeat_batch(value, times: int):
    """Every tensor (B, ...) of a batch (nested dicts too) repeated to (times * B, ...), sample-major (row
    s * B + b is sequence b); lists (``meta``) are repeated as lists; an ``Estimate`` field by field (its own
    hypotheses along their batch axis, dim 1)."""
    if isinstance(value, Estimate):
        return value.repeat(times)
    if isinstance(value, dict):
        return {key: repeat_batch(item, times) for key, item in value.items()}
    if isinstance(value, torch.Tensor) and value.dim() >= 1:
        return value.repeat(times, *([1] * (value.dim() - 1)))
    if isinstance(value, list):
        return value * times
    return value


def concat_batch(values: list):
    """Batches (or estimates, or dicts of them) of the same length joined along the batch axis: tensors (B, ...)
    concatenated on dim 0, lists (``meta``) concatenated, anything else taken from the first."""
    first = values[0]
    if isinstance(first, Estimate):
        return Estimate.concat(values)
    if isinstance(first, dict):
        return {key: concat_batch([value[key] for value in values]) for key in first}
    if isinstance(first, torch.Tensor) and first.dim() >= 1:
        return torch.cat(values, dim=0)
    if isinstance(first, list):
        return [item for value in values for item in value]
    return first
