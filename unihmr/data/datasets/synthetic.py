"""The embedded synthetic benchmark as datasets: windows generated on the fly, and a cached variant.

Each window is a procedural motion (``unihmr.data.synthetic.motion``) seen by a random camera with
detector-like keypoints, occlusion and the image-feature stand-in (``unihmr.data.synthetic.observe``).
Window ``i`` of split ``s`` is a pure function of ``(seed, s, i)``: the motion and the camera come from
one random stream, so the ``clean`` and ``heavy`` evaluation splits (``split='test'`` with
``severity='none'`` / ``'heavy'``; ``configs/_base_/datasets/synthetic.py``) hold the same motions and
cameras and differ only in occlusion.
"""
import hashlib
import json
from pathlib import Path
from typing import Optional, Union

import numpy as np
import torch
from torch.utils.data import Dataset

from unihmr.data.synthetic.motion import sample_motion
from unihmr.data.synthetic.observe import observe_motion
from unihmr.data.datasets.base import LazyBodyModel
from unihmr.data.datasets.in_memory import StackedWindows, materialize
from unihmr.data.datasets.severity import draw_severity, severity_weights
from unihmr.registry import DATASETS
from unihmr.utils.io import atomic_path

SPLIT_STREAMS = {'train': 0, 'val': 1, 'test': 2}

@DATASETS.register_module()
class SyntheticMotionDataset(LazyBodyModel, Dataset):
    """Procedural motion windows in the data contract, generated on the fly and deterministic by index.

    Args:
        split: ``'train'``, ``'val'`` or ``'test'`` (separate random streams).
        num_windows: dataset length.
        window: frames per window T.
        fps: frame rate of the generated motion.
        severity: occlusion severity name (``none``/``mild``/``heavy``) or a dict of weights to mix them.
        families: motion families to draw from (default: all).
        camera / occlusion: overrides passed to the camera sampler / occlusion presets.
        feat_dim: width D of the image-feature stand-in.
        seed: base seed of every stream.
        body_model: config of the body model that poses the motion.
        secondary_motion: add the generator's secondary motion (spine, neck, head, collars, arms, wrists;
            ``unihmr/data/synthetic/motion/secondary.py``); off for the benchmark splits.
    """

    def __init__(self, split: str = 'train', num_windows: int = 1000, window: int = 120, fps: float = 30.0,
                 severity: Union[str, dict] = 'none', families=None, camera: Optional[dict] = None,
                 occlusion: Optional[dict] = None, feat_dim: int = 64, seed: int = 0,
                 body_model: Optional[dict] = None, secondary_motion: bool = False):
        if split not in SPLIT_STREAMS:
            raise ValueError(f"split: unknown '{split}'; known: {sorted(SPLIT_STREAMS)}")
        if num_windows < 1 or window < 1:
            raise ValueError(f'num_windows and window must be >= 1, got {num_windows} and {window}')
        self.split, self.num_windows, self.window, self.fps = split, int(num_windows), int(window), float(fps)
        self.severity_weights = severity_weights(severity)
        self.families = None if families is None else list(families)
        self.camera, self.occlusion, self.feat_dim, self.seed = camera, occlusion, int(feat_dim), int(seed)
        self.body_model_cfg = dict(body_model or dict(type='EmbeddedSMPLX'))
        self.secondary_motion = bool(secondary_motion)
        self._body_model = None  # built on first use, once per worker process

    def __len__(self) -> int:
        return self.num_windows

    def _severity(self, index: int) -> str:
        return draw_severity(self.severity_weights, [self.seed, SPLIT_STREAMS[self.split], index, 1])

    def __getitem__(self, index: int) -> dict:
        if not 0 <= index < self.num_windows:
            raise IndexError(f'index {index} out of range for {self.num_windows} windows')
        rng = np.random.default_rng([self.seed, SPLIT_STREAMS[self.split], index])
        with torch.no_grad():
            motion = sample_motion(self.window, self.fps, rng, self.body_model, families=self.families,
                                   secondary=self.secondary_motion)
            window = observe_motion(motion, self.body_model, rng, camera=self.camera,
                                    severity=self._severity(index), feat_dim=self.feat_dim,
                                    occlusion=self.occlusion)
        window['meta'].update(dataset='synthetic', seq_id=f'{self.split}-{index:06d}', start=0, fps=self.fps,
                              families=[segment[0] for segment in motion['segments']])
        return window

    def describe(self) -> dict:
        """The arguments that determine every window (used as the cache key)."""
        return dict(split=self.split, num_windows=self.num_windows, window=self.window, fps=self.fps,
                    severity=self.severity_weights, families=self.families, camera=self.camera,
                    occlusion=self.occlusion, feat_dim=self.feat_dim, seed=self.seed,
                    body_model=self.body_model_cfg,
                    **({'secondary_motion': True} if self.secondary_motion else {}))  # earlier cache keys unchanged


@DATASETS.register_module()
class CachedSyntheticDataset(StackedWindows):
    """A ``SyntheticMotionDataset`` generated once and kept in memory, optionally on disk.

    For repeated evaluation: windows are identical to the on-the-fly dataset with the same arguments.
    With ``cache_dir`` the stacked tensors are saved as ``<cache_dir>/synthetic-<hash>.pt`` (written
    atomically) and loaded on the next construction with the same arguments.
    """

    def __init__(self, cache_dir: Optional[str] = None, progress: bool = True, **kwargs):
        source = SyntheticMotionDataset(**kwargs)
        key = hashlib.sha1(json.dumps(source.describe(), sort_keys=True, default=str).encode()).hexdigest()[:16]
        path = Path(cache_dir) / f'synthetic-{key}.pt' if cache_dir else None
        if path is not None and path.exists():
            self.data = torch.load(path, weights_only=True)
        else:
            self.data = materialize(source, f'generating synthetic {source.split} windows', progress)
            if path is not None:
                with atomic_path(path) as tmp:
                    torch.save(self.data, tmp)
        self.num_windows = len(self.data['meta'])
