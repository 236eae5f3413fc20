"""RoHM's long-sequence plumbing (RoHM section 4.3 applied window by window; ``rohm.RoHMHead.predict``): windows
padded to the U-Net's downsampling multiple, and decoded windows joined (each optionally aligned to the windows
before it over their shared frames, then cross-faded by the recoverer's ``Windowing``; hypotheses split last)."""
from typing import Callable

import torch

from unihmr.models.estimate import Estimate
from unihmr.models.heads.rohm_inputs import align_to_previous, blend_fields, move_world, pad_time, unblend_fields


def pad_window(value, multiple: int):
    """A window (batch dict or ``Estimate``, (B, T, ...)) padded at its end to a multiple of ``multiple`` frames by
    repeating its last frame; padded frames are invalid."""
    num_frames = value['valid'].shape[1] if isinstance(value, dict) and 'valid' in value else (
        value.betas.shape[1] if isinstance(value, Estimate) else None)
    extra = (-num_frames) % multiple if num_frames else 0
    if not extra:
        return value
    padded = pad_time(value, extra)
    if isinstance(padded, dict) and 'valid' in padded:
        padded['valid'][:, num_frames:] = False
    return padded


def join_windows(parts: list, spans: list, num_frames: int, num_samples: int, windowing,
                 rest_pelvis: Callable[[torch.Tensor], torch.Tensor], align: bool) -> Estimate:
    """Decoded windows ``parts`` (each (S B, T_w) rows, sample-major) at ``spans`` -> one (B, num_frames) estimate:
    with ``align``, each window's world moved (yaw + ground translation) onto the ones before it over their shared
    frames (pelvis tracks; ``rest_pelvis(betas)`` (..., 3) places the pelvis), then cross-faded; S > 1 hypotheses
    become ``samples`` with the first as the estimate."""
    aligned = [parts[0]]
    for part, (start, end), (prev_start, prev_end) in zip(parts[1:], spans[1:], spans[:-1]):
        shared = prev_end - start
        if shared > 0 and align:
            previous = aligned[-1]
            pelvis = (part.transl_w + rest_pelvis(part.betas))[:, :shared]
            target = (previous.transl_w + rest_pelvis(previous.betas))[:, start - prev_start:]
            rotation, translation = align_to_previous(pelvis, target)
            part = move_world(part, rotation, translation, rest_pelvis(part.betas))
        aligned.append(part)
    fields = [blend_fields(part) for part in aligned]
    blended = {name: windowing.blend([f[name] for f in fields], spans, num_frames, time_dim=1) for name in fields[0]}
    estimate = unblend_fields(blended)
    if num_samples == 1:
        return estimate
    samples = {name: value.unflatten(0, (num_samples, -1)) for name, value in estimate.params.items()}
    first = {name: value[0] for name, value in samples.items()}
    contact = estimate.contact.unflatten(0, (num_samples, -1))[0]
    return Estimate.from_params(first, contact=contact, samples=samples)
