"""The cached form of a prepared real dataset, written by ``tools/prepare_<dataset>.py``.

A folder with one ``<seq_id>.npz`` per prepared sequence (``sequence_ops``; float arrays as float32,
``/`` in ids as ``__``) and ``index.json``: ``dataset``, ``version``, the ``settings`` the sequences were
prepared with (target fps, body model, conversions) and, per sequence, ``seq_id``, ``file`` and
``num_frames``. Every file is written atomically (``unihmr.utils.io.atomic_path``); the index is written
last, so a folder with an index is complete.
"""
import json
from pathlib import Path

import numpy as np

from unihmr.data.datasets.format_checks import DatasetFormatError, require_keys
from unihmr.utils.io import atomic_path, write_text

CACHE_INDEX = 'index.json'
CACHE_VERSION = 1


def save_sequence(out_dir, seq: dict) -> str:
    """Write one prepared sequence as ``<out_dir>/<seq_id>.npz`` (float32, atomically); return the file name."""
    name = seq['seq_id'].replace('/', '__') + '.npz'
    arrays = {key: (value.astype(np.float32) if value.dtype.kind == 'f' else value)
              for key, value in seq.items() if isinstance(value, np.ndarray)}
    scalars = {key: np.asarray(value) for key, value in seq.items() if not isinstance(value, np.ndarray)}
    with atomic_path(Path(out_dir) / name) as tmp:
        np.savez(tmp, **arrays, **scalars)
    return name


def load_sequence(path) -> dict:
    """Read a sequence written by :func:`save_sequence` (scalars back to Python values)."""
    with np.load(path, allow_pickle=False) as data:
        return {key: (data[key].item() if data[key].ndim == 0 else data[key]) for key in data.files}


def write_cache(out_dir, dataset: str, sequences, settings: dict) -> Path:
    """Save every prepared sequence of the iterable ``sequences`` and then ``index.json``; return its path."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    entries = [dict(seq_id=seq['seq_id'], file=save_sequence(out_dir, seq), num_frames=len(seq['valid']))
               for seq in sequences]
    index = dict(dataset=dataset, version=CACHE_VERSION, settings=settings, sequences=entries)
    return write_text(out_dir / CACHE_INDEX, json.dumps(index, indent=1))


def read_index(root: Path, dataset: str, settings: dict) -> dict:
    """Read ``root/index.json`` and check it was prepared for ``dataset`` with the same ``settings``."""
    index = json.loads((root / CACHE_INDEX).read_text())
    require_keys(index, ('dataset', 'version', 'settings', 'sequences'), root / CACHE_INDEX)
    if index['dataset'] != dataset or index['version'] != CACHE_VERSION:
        raise DatasetFormatError(f"{root / CACHE_INDEX}: a cache of '{index['dataset']}' version {index['version']}, "
                                 f"expected '{dataset}' version {CACHE_VERSION}")
    for key, wanted in settings.items():
        cached = index['settings'].get(key)
        if cached != wanted:
            raise ValueError(f"{root / CACHE_INDEX}: prepared with {key}={cached!r}, this loader asks for "
                             f"{key}={wanted!r}; run tools/prepare_{dataset}.py again with those settings")
    return index
