"""Normalisation statistics of the codecs, computed from the training data before training starts.

``fit_codec_stats`` sets ``mean`` / ``std`` of every stage's codec from ``cfg.codec_stats.num_windows``
windows of the training dataset, spread evenly over its indices (``stats_indices``: fixed, so every process of a
distributed run computes the same numbers; the first N windows of a dataset that lists its windows clip by clip
are its first clips only: on the real-motion mix they were CMU subject 002's, and the other subjects' poses lay up
to 67 standard deviations out). The statistics are buffers of the codecs, so every checkpoint carries them.
``tools/compute_stats.py`` runs the same code and saves them to a file.
"""
import numpy as np
import torch
from mmengine.logging import print_log
from torch.utils.data import DataLoader, Subset

from unihmr.body.posing import with_camera_joints, with_world_joints
from unihmr.data.collate import collate_windows
from unihmr.registry import DATASETS

DEFAULT_STATS_CFG = dict(num_windows=256, batch_size=32)


def _codecs(model) -> dict:
    """``name -> codec`` of every stage trained here that has one (a refiner's prior keeps the statistics of its
    own checkpoint); unwraps DDP."""
    model = getattr(model, 'module', model)
    return {f'stages.{index}.codec': head.codec for index, head in enumerate(model.stages)
            if head.trainable and getattr(head, 'codec', None) is not None}


def stats_indices(length: int, count: int) -> list:
    """``min(count, length)`` dataset indices spread evenly over ``range(length)``, first and last included."""
    count = min(int(count), int(length))
    return sorted({int(round(i)) for i in np.linspace(0, length - 1, count)}) if count > 0 else []


def fit_codec_stats(model, cfg) -> dict:
    """Compute and set every codec's statistics from the training dataset; returns ``name -> codec``."""
    stats_cfg = {**DEFAULT_STATS_CFG, **dict(cfg.get('codec_stats') or {})}
    dataset = DATASETS.build(dict(cfg.train_dataloader.dataset))
    indices = stats_indices(len(dataset), stats_cfg['num_windows'])
    count = len(indices)
    loader = DataLoader(Subset(dataset, indices), batch_size=int(stats_cfg['batch_size']), shuffle=False,
                        collate_fn=collate_windows)
    batches = list(loader)
    codecs = _codecs(model)
    body_model = getattr(model, 'module', model).body_model
    posed = {}  # joint-position fields encode GT joints: camera-frame (GVHMR) or world-frame (RoHM)
    for name, codec in codecs.items():
        for flag, pose in (('needs_joints', with_camera_joints), ('needs_world_joints', with_world_joints)):
            if getattr(codec, flag, False) and flag not in posed:
                posed[flag] = [pose(batch, body_model) for batch in batches]
        flag = next((flag for flag in posed if getattr(codec, flag, False)), None)
        codec.compute_stats(posed[flag] if flag else batches)
        print_log(f'{name}: statistics from {count} training windows (dim {codec.dim})', logger='current')
    return codecs


def save_codec_stats(codecs: dict, path) -> None:
    """Write ``{name: {'mean', 'std'}}`` to ``path`` (torch file, loads with weights_only=True)."""
    from unihmr.utils.io import atomic_path
    with atomic_path(path) as tmp:
        torch.save({name: {'mean': codec.mean.cpu(), 'std': codec.std.cpu()} for name, codec in codecs.items()}, tmp)
