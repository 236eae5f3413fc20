"""Load a recoverer from a config and a checkpoint, and evaluate it over a dataloader with a progress bar."""
import csv
import json
from pathlib import Path

import torch
from torch.utils.data import DataLoader
from tqdm import tqdm

from unihmr.registry import DATASETS, FUNCTIONS, METRICS, MODELS
from unihmr.utils.io import atomic_path, write_text
from unihmr.utils.validation import UserInputError


class CheckpointMismatchError(ValueError):
    """A checkpoint's tensors do not fit the model the config builds."""


def to_device(value, device):
    """Move every tensor inside nested dicts / lists to ``device``."""
    if isinstance(value, torch.Tensor):
        return value.to(device)
    if isinstance(value, dict):
        return {key: to_device(item, device) for key, item in value.items()}
    if isinstance(value, list):
        return [to_device(item, device) for item in value]
    return value


def read_checkpoint(path, device='cpu') -> dict:
    """``torch.load(path, weights_only=True)`` of a checkpoint dict; an empty, truncated, text or foreign file
    raises ``CheckpointMismatchError`` naming it (never a suggestion to load it unsafely)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f'checkpoint not found: {path}')
    try:
        state = torch.load(path, map_location=device, weights_only=True)
    except Exception as error:  # torch raises RuntimeError, UnpicklingError, EOFError, ... for unreadable files
        reason = str(error).strip().splitlines()[0][:120] if str(error).strip() else type(error).__name__
        raise CheckpointMismatchError(f'checkpoint {path} cannot be read: it is empty, truncated or not a '
                                      f'checkpoint saved by torch ({type(error).__name__}: {reason})') from None
    if not isinstance(state, dict):
        raise CheckpointMismatchError(f'checkpoint {path} holds a {type(state).__name__}, not a state dict')
    return state


def load_state(model: torch.nn.Module, checkpoint, device='cpu') -> None:
    """Load ``checkpoint`` (an mmengine checkpoint or a bare state dict) into ``model``; every key and
    shape must match, otherwise ``CheckpointMismatchError`` names the differences."""
    path = Path(checkpoint)
    state = read_checkpoint(path, device)
    state = state.get('state_dict', state)
    expected = model.state_dict()
    missing = sorted(set(expected) - set(state))
    unexpected = sorted(set(state) - set(expected))
    resized = sorted(f'{k}: checkpoint {tuple(state[k].shape)} vs model {tuple(v.shape)}'
                     for k, v in expected.items() if k in state and state[k].shape != v.shape)
    if missing or unexpected or resized:
        def show(items):
            return f"{len(items)} ({', '.join(items[:4])}{', ...' if len(items) > 4 else ''})"
        raise CheckpointMismatchError(
            f'checkpoint {path} does not match the config: missing keys {show(missing)}, unexpected keys '
            f'{show(unexpected)}, different shapes {show(resized)}')
    model.load_state_dict(state)


def build_model(cfg, checkpoint=None, device='cpu') -> torch.nn.Module:
    """The recoverer of ``cfg.model``, with ``checkpoint`` loaded, in eval mode on ``device``. An unknown type
    name or a device this build cannot use raises ``UserInputError``."""
    if str(device).startswith('cuda') and not torch.cuda.is_available():
        raise UserInputError(f"device {device!r}: this torch build sees no CUDA device; use --device cpu")
    try:
        model = MODELS.build(dict(cfg.model))
    except KeyError as error:
        if 'registry' not in str(error):
            raise
        raise UserInputError(f'model: {str(error).strip(chr(34) + chr(39))}') from None
    if checkpoint is not None:
        load_state(model, checkpoint)
    return model.to(device).eval()


def build_dataloader(loader_cfg) -> DataLoader:
    """A plain torch DataLoader from an mmengine-style dataloader config (dataset, batch_size, collate_fn)."""
    loader_cfg = dict(loader_cfg)
    batch_size = loader_cfg.get('batch_size', 1)
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise UserInputError(f'dataloader batch_size must be a positive integer, got {batch_size!r}')
    try:
        dataset = DATASETS.build(dict(loader_cfg['dataset']))
    except (ValueError, TypeError) as error:  # a dataset refuses its options (unknown severity, ...)
        raise UserInputError(f'dataloader dataset: {error}') from None
    collate = FUNCTIONS.get(dict(loader_cfg.get('collate_fn', dict(type='unihmr.collate_windows')))['type'])
    return DataLoader(dataset, batch_size=batch_size, shuffle=False,
                      num_workers=int(loader_cfg.get('num_workers', 0)), collate_fn=collate)


@torch.no_grad()
def evaluate(model, dataloader, metric_cfg, device='cpu', progress: bool = True, seed: int = 0):
    """Run ``model`` in predict mode over ``dataloader``; returns (metrics dict, per-sequence rows).
    The torch RNG is seeded with ``seed`` first, so sampling heads give the same numbers on every run."""
    torch.manual_seed(seed)
    metric = METRICS.build(dict(metric_cfg))
    for batch in tqdm(dataloader, desc='evaluating', disable=not progress):
        batch = to_device(batch, device)
        metric.process(batch, model(mode='predict', **batch))
    results = metric.compute_metrics(metric.results)
    return results, metric.per_sequence


def write_results(metrics: dict, per_sequence: list, json_path, csv_path) -> None:
    """Flat JSON of metric -> value, and a per-sequence CSV, both written atomically."""
    write_text(json_path, json.dumps({k: float(v) for k, v in metrics.items()}, indent=2, sort_keys=True) + '\n')
    write_sequence_csv(per_sequence, csv_path)


def write_sequence_csv(per_sequence: list, csv_path) -> None:
    """The per-sequence rows (``seq_id``, ``num_frames``, one column per metric), written atomically."""
    columns = ['seq_id', 'num_frames'] + sorted({k for row in per_sequence for k in row} - {'seq_id', 'num_frames'})
    with atomic_path(csv_path) as tmp, open(tmp, 'w', newline='') as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(per_sequence)
