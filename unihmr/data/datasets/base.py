"""Shared base of the real-dataset loaders: windows over whole prepared sequences, raw or cached.

A loader reads its dataset either in the dataset's own published format (every file parsed and prepared
on first use, then kept in memory: fine for 3DPW / EMDB or a few AMASS files) or in the cached form
written by ``tools/prepare_<dataset>.py`` (``cache``: one ``.npz`` per prepared sequence, read on demand
through a small LRU: the way to use the full AMASS). Both give the same prepared sequences
(``sequence_ops.prepare_sequence``), so the same windows.

Windows: every sequence of N frames gives the starts ``0, stride, 2 stride, ...`` plus a last window
ending at frame N, each of ``window`` frames T. A sequence shorter than T gives one window padded at the
end by repeating its last frame, with ``valid`` False (and zero contact, keypoint confidence and
visibility) there. ``window=None`` gives one window per whole sequence (evaluation). ``valid`` is also
False on frames the dataset marks unusable (3DPW ``campose_valid``, EMDB ``good_frames_mask``) and on
frames that held NaN/inf (filled from the nearest finite frame): losses and metrics should skip them.
"""
from collections import OrderedDict
from pathlib import Path
from typing import Optional

import numpy as np
import torch
from torch.utils.data import Dataset

from unihmr.data.datasets.cache import CACHE_INDEX, load_sequence, read_index, write_cache
from unihmr.data.datasets.format_checks import DatasetFormatError, require_path
from unihmr.data.datasets.sequence_ops import FRAME_KEYS, frame_keys
from unihmr.registry import BODY_MODELS

GRAVITY = (0.0, -1.0, 0.0)  # gravity direction in our world (y up), meta['gravity'] of every window
ZERO_IN_PADDING = ('contact', 'vis')


def bbox_from_corners(low: np.ndarray, high: np.ndarray, scale: float) -> np.ndarray:
    """Square boxes (..., 3) (centre x, y, side) around corners ``low``/``high`` (..., 2), side ``scale`` x
    the longer side (GVHMR enlarges by 1.2), at least 1 pixel."""
    side = np.maximum((high - low).max(-1), 1.0) * scale
    return np.concatenate([0.5 * (low + high), side[..., None]], axis=-1)


class LazyBodyModel:
    """Mixin: ``self.body_model`` built from ``self.body_model_cfg`` on first use (once per worker process)."""

    _body_model = None

    @property
    def body_model(self):
        if self._body_model is None:
            self._body_model = BODY_MODELS.build(self.body_model_cfg)
        return self._body_model


class MotionWindowDataset(LazyBodyModel, Dataset):
    """Windows of T frames over the prepared sequences of one real dataset (see the module docstring).

    Subclasses set ``dataset_name`` and implement ``find_files()`` (the raw files; raises
    ``FileNotFoundError`` when there are none), ``iter_raw_sequences(files)`` (prepared sequences read from
    them), ``settings()`` (what the prepared form depends on; checked against a cache) and
    ``make_window(chunk, meta, index)`` (a contract window from a slice of a prepared sequence); their
    ``__init__`` ends with ``self._open()``. Construction only checks the paths (and reads a cache's
    index); raw files are parsed on first use. ``write_cache(out_dir)`` writes the cached form.

    Args:
        root: the dataset folder in its published layout, or a folder written by ``tools/prepare_*.py``.
        window: frames per window T, or None for whole sequences.
        stride: frames between window starts (default: T, non-overlapping).
        fps: target frame rate; sequences are resampled to it.
        min_frames: sequences with fewer frames (at ``fps``) are left out.
        feat_dim: width D of ``img_feat``.
        body_model: config of the body model (default ``EmbeddedSMPLX``).
        cache_size: prepared sequences kept in memory when reading a cache.
    """

    dataset_name = None

    def __init__(self, root, window: Optional[int] = 120, stride: Optional[int] = None, fps: float = 30.0,
                 min_frames: int = 1, feat_dim: int = 64, body_model: Optional[dict] = None, cache_size: int = 8):
        if window is not None and window < 1:
            raise ValueError(f'window must be >= 1 or None, got {window}')
        if stride is not None and stride < 1:
            raise ValueError(f'stride must be >= 1, got {stride}')
        if fps <= 0:
            raise ValueError(f'fps must be positive, got {fps}')
        self.root = require_path(root, f'{self.dataset_name} root')
        self.window, self.stride, self.fps = window, stride or window, float(fps)
        self.min_frames, self.feat_dim, self.cache_size = int(min_frames), int(feat_dim), int(cache_size)
        self.body_model_cfg = dict(body_model or dict(type='EmbeddedSMPLX'))
        self._body_model, self._cache, self._windows = None, OrderedDict(), None

    def _open(self) -> None:
        """Read the cache index, or find the raw files (both raise on a bad path)."""
        self.is_cache = (self.root / CACHE_INDEX).exists()
        if self.is_cache:
            index = read_index(self.root, self.dataset_name, self.settings())
            self._sequences = [(e['seq_id'], e['num_frames'], self.root / e['file']) for e in index['sequences']]
        else:
            self.files, self._sequences = self.find_files(), None

    @property
    def sequences(self) -> list:
        """(seq_id, num_frames, cached file or None) of every sequence; parses the raw files on first use."""
        if self._sequences is None:
            sequences = []
            for seq in self.iter_raw_sequences(self.files):
                self._cache[len(sequences)] = seq  # raw data stays in memory
                sequences.append((seq['seq_id'], len(seq['valid']), None))
            self.cache_size = max(self.cache_size, len(sequences))
            self._sequences = sequences
        return self._sequences

    @property
    def windows(self) -> list:
        """(sequence number, start frame) of every window."""
        if self._windows is None:
            self._windows = [(number, start) for number, (_, num_frames, _) in enumerate(self.sequences)
                             if num_frames >= self.min_frames
                             for start in window_starts(num_frames, self.window, self.stride)]
        return self._windows

    def settings(self) -> dict:
        return {'fps': self.fps, 'body_model': self.body_model_cfg}

    def find_files(self) -> list:
        """The dataset's raw sequence files under ``root``."""
        raise NotImplementedError(f'{type(self).__name__} must implement find_files (abstract in MotionWindowDataset)')

    def iter_raw_sequences(self, files, progress: bool = False):
        """Yield the prepared sequences read from the raw ``files``."""
        raise NotImplementedError(f'{type(self).__name__} must implement iter_raw_sequences (abstract)')

    def make_window(self, chunk: dict, meta: dict, index: int) -> dict:
        """One contract window from a chunk of a prepared sequence."""
        raise NotImplementedError(f'{type(self).__name__} must implement make_window (abstract)')

    def write_cache(self, out_dir, progress: bool = True) -> Path:
        """Prepare every raw sequence and write the cached form to ``out_dir``; return the index path."""
        if self.is_cache:
            raise DatasetFormatError(f"{self.root}: already a prepared cache, expected the published layout")
        return write_cache(out_dir, self.dataset_name, self.iter_raw_sequences(self.files, progress), self.settings())

    def sequence(self, number: int) -> dict:
        """Prepared sequence ``number`` (from memory, or read from the cache through the LRU)."""
        entry = self.sequences[number]
        if number in self._cache:
            self._cache.move_to_end(number)
            return self._cache[number]
        seq = load_sequence(entry[2])
        self._cache[number] = seq
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return seq

    def __len__(self) -> int:
        return len(self.windows)

    def __getitem__(self, index: int) -> dict:
        if not 0 <= index < len(self.windows):
            raise IndexError(f'index {index} out of range for {len(self.windows)} windows')
        return self.window_item(index, index)

    def window_item(self, motion_window: int, index: int) -> dict:
        """Motion window ``motion_window`` made into a contract window as item ``index`` (its observation seed)."""
        number, start = self.windows[motion_window]
        seq = self.sequence(number)
        length = self.window or len(seq['valid'])
        chunk = slice_window(seq, start, length)
        meta = dict(dataset=self.dataset_name, seq_id=seq['seq_id'], start=start, fps=self.fps,
                    gravity=torch.tensor(GRAVITY), gravity_source=str(seq.get('gravity_source', '')))
        with torch.no_grad():
            return self.make_window(chunk, meta, index)


def window_starts(num_frames: int, window: Optional[int], stride: Optional[int]) -> list:
    """Start frames of the windows over a sequence: every ``stride`` frames, plus one ending at the last
    frame; a single start 0 when the sequence is not longer than a window or ``window`` is None."""
    if window is None or num_frames <= window:
        return [0]
    starts = list(range(0, num_frames - window + 1, stride))
    if starts[-1] + window < num_frames:
        starts.append(num_frames - window)
    return starts


def slice_window(seq: dict, start: int, length: int) -> dict:
    """Frames ``start .. start + length`` of every per-frame key, padded at the end by repeating the last
    frame with ``valid`` False, zero contact and visibility, and zero keypoint confidence."""
    out = {key: value for key, value in seq.items() if key not in FRAME_KEYS}
    num = len(seq['valid'])
    take = np.minimum(np.arange(start, start + length), num - 1)
    padded = np.arange(start, start + length) >= num
    for key in frame_keys(seq):
        value = seq[key][take].copy()
        if key == 'valid':
            value &= ~padded
        elif key in ZERO_IN_PADDING:
            value[padded] = 0
        elif key == 'kp2d':
            value[padded, :, 2] = 0
        out[key] = value
    return out

