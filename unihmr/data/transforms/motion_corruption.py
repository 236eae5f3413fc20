"""Noisy, occluded 3D motion: RoHM's training corruption and its 3D-observation test inputs (RoHM section 4.4 and
supp. B.1; section 5.3; ``shared/specs/rohm.md``, "Training" and "Evaluation").

- :func:`add_parameter_noise`: noise level k is Gaussian noise of std k degrees on the global orientation and every
  body rotation (axis-angle components), k cm on the translation and 0.01 k on the betas, added to world-frame
  SMPL-X parameters (joints then come from forward kinematics, so the noise accumulates along the chain).
- :func:`occlusion_mask`: per-joint visibility (B, T, 22), True = visible, by scheme:
  ``'none'``; ``'random_joints'`` (1-6 joints per sequence, the release's first masks); ``'lower_body'`` (hips,
  knees, ankles, feet: the paper's Occ-L; the pelvis stays visible, so the trajectory does); ``'upper_body'``;
  ``'full_body_span'`` (every joint over a span of 30 % of the frames); ``'frame_span'`` (every joint over a span of
  ``span_fraction`` of the frames: Occ-10 %); ``'visibility'`` (the window's own ``vis``: the synthetic benchmark's
  occlusion, our stand-in for the release's "real occlusion masks"). :func:`mixed_occlusion_mask` draws one scheme
  per sequence from a dict of probabilities.
``data.datasets.corrupted.CorruptedMotionDataset`` applies them to a dataset's windows (the Occ-L / Occ-10 % test
sets).
"""
from typing import Optional

import torch

from unihmr.body.joint_sets import BODY_JOINT_NAMES, NUM_BODY_JOINTS

LOWER_BODY = tuple(BODY_JOINT_NAMES.index(name) for name in (
    'left_hip', 'right_hip', 'left_knee', 'right_knee', 'left_ankle', 'right_ankle', 'left_foot', 'right_foot'))
UPPER_BODY = tuple(i for i in range(1, NUM_BODY_JOINTS) if i not in LOWER_BODY)
SCHEMES = ('none', 'random_joints', 'lower_body', 'upper_body', 'full_body_span', 'frame_span', 'visibility')
WORLD_PARAMS = ('global_orient_w', 'transl_w', 'body_pose', 'betas')


def add_parameter_noise(params: dict, level: float, generator: Optional[torch.Generator] = None) -> dict:
    """World-frame ``params`` (``global_orient_w``, ``transl_w`` (B, T, 3), ``body_pose`` (B, T, 21, 3), ``betas``
    (B, T, 10)) plus noise of level k (degrees, cm, 0.01 k); the other keys copied."""
    out = dict(params)
    if level == 0:
        return out
    stds = dict(global_orient_w=torch.pi / 180 * level, body_pose=torch.pi / 180 * level, transl_w=0.01 * level,
                betas=0.01 * level)
    for name, std in stds.items():
        value = params[name]
        noise = torch.randn(value.shape, generator=generator, device=value.device, dtype=value.dtype)
        out[name] = value + std * noise
    return out


def _span(num_frames: int, length: int, generator) -> tuple:
    length = max(1, min(num_frames, length))
    start = int(torch.randint(0, num_frames - length + 1, (1,), generator=generator))
    return start, start + length


def occlusion_mask(scheme: str, shape: tuple, vis: Optional[torch.Tensor] = None, span_fraction: float = 0.1,
                   generator: Optional[torch.Generator] = None, device=None) -> torch.Tensor:
    """Per-joint visibility (B, T, 22) bool of one ``scheme`` (module docstring) for ``shape`` = (B, T)."""
    if scheme not in SCHEMES:
        raise ValueError(f'occlusion scheme: unknown {scheme!r}; known: {SCHEMES}')
    batch, num_frames = shape
    mask = torch.ones(batch, num_frames, NUM_BODY_JOINTS, dtype=torch.bool)
    if scheme == 'visibility':
        if vis is None:
            raise ValueError("occlusion scheme 'visibility' needs the window's 'vis' (B, T, 22)")
        return vis.bool().clone()
    for b in range(batch):
        if scheme == 'random_joints':
            count = int(torch.randint(1, 7, (1,), generator=generator))
            mask[b, :, torch.randperm(NUM_BODY_JOINTS, generator=generator)[:count]] = False
        elif scheme == 'lower_body':
            mask[b, :, list(LOWER_BODY)] = False
        elif scheme == 'upper_body':
            mask[b, :, list(UPPER_BODY)] = False
        elif scheme in ('full_body_span', 'frame_span'):
            fraction = 0.3 if scheme == 'full_body_span' else span_fraction
            start, end = _span(num_frames, round(fraction * num_frames), generator)
            mask[b, start:end] = False
    return mask.to(device) if device is not None else mask


def mixed_occlusion_mask(probabilities: dict, shape: tuple, vis: Optional[torch.Tensor] = None,
                         generator: Optional[torch.Generator] = None, device=None, **options) -> torch.Tensor:
    """One scheme per sequence drawn with ``probabilities`` (scheme -> weight), masks stacked (B, T, 22)."""
    names = list(probabilities)
    weights = torch.tensor([float(probabilities[name]) for name in names])
    if (weights < 0).any() or weights.sum() <= 0:
        raise ValueError(f'occlusion probabilities: expected non-negative weights with a positive sum, got {probabilities}')
    picks = torch.multinomial(weights, shape[0], replacement=True, generator=generator)
    rows = [occlusion_mask(names[int(pick)], (1, shape[1]), None if vis is None else vis[b:b + 1],
                           generator=generator, **options) for b, pick in enumerate(picks)]
    mask = torch.cat(rows, dim=0)
    return mask.to(device) if device is not None else mask
