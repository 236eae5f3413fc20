"""Any dataset of windows generated once and kept in memory as stacked tensors.

``InMemoryDataset(dataset=dict(type='MixedMotionDataset', ...))`` materialises every window of the wrapped
dataset at construction (with a progress bar) and serves them by index, identical to the wrapped dataset's.
For trainings whose own step is cheaper than generating a window (the ScoreHMR prior); the synthetic-only
``CachedSyntheticDataset`` shares the same materialisation and can also persist it on disk.
"""
import json
from typing import Sequence

from torch.utils.data import Dataset

from unihmr.data.collate import collate_windows
from unihmr.data.contract import validate_window
from unihmr.registry import DATASETS


def materialize(source: Sequence, desc: str, progress: bool = True) -> dict:
    """All windows of ``source`` collated into one stacked dict (the first window is validated)."""
    indices = range(len(source))
    if progress:
        from tqdm import tqdm
        indices = tqdm(indices, desc=desc, leave=False)
    windows = [source[i] for i in indices]
    for window in windows[:1]:
        validate_window(window)
    return collate_windows(windows)


def unstack(stacked: dict, index: int) -> dict:
    """Window ``index`` of a stacked dict (tensors indexed on dim 0, lists by position, dicts recursively)."""
    def pick(value):
        if isinstance(value, dict):
            return {key: pick(v) for key, v in value.items()}
        return value[index]
    return {key: pick(value) for key, value in stacked.items()}


class StackedWindows(Dataset):
    """Windows served from a stacked dict ``self.data`` (set by the subclass)."""

    data: dict

    def __len__(self) -> int:
        return len(self.data['meta'])

    def __getitem__(self, index: int) -> dict:
        if not 0 <= index < len(self):
            raise IndexError(f'index {index} out of range for {len(self)} windows')
        return unstack(self.data, index)


_GENERATED: dict = {}  # config -> stacked windows, the last two built in this process


def _config_key(dataset) -> str:
    return json.dumps(dataset.to_dict() if hasattr(dataset, 'to_dict') else dataset, sort_keys=True, default=str)


@DATASETS.register_module()
class InMemoryDataset(StackedWindows):
    """The windows of ``dataset`` (a registry config or a dataset object), generated once at construction.

    Built again from the same config in the same process (the codec statistics, then the training loader; every
    phase of a multi-phase training), it serves the windows already generated: generation is deterministic given
    the config (its seeds), and the windows are only read.
    """

    def __init__(self, dataset, progress: bool = True):
        key = _config_key(dataset) if isinstance(dataset, dict) else None
        if key is not None and key in _GENERATED:
            self.data = _GENERATED[key]
            return
        source = DATASETS.build(dataset) if isinstance(dataset, dict) else dataset
        self.data = materialize(source, f'generating {type(source).__name__} windows', progress)
        if key is not None:
            while len(_GENERATED) >= 2:
                _GENERATED.pop(next(iter(_GENERATED)))
            _GENERATED[key] = self.data
