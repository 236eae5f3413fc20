"""MoRo's masked modeling in training (paper 4.5, supp. A; specs/moro.md, "Training"): the masked fraction
cos(pi/2 * u), u ~ U(0, 1); the schemes random tokens, the same tokens in every frame ('joint'), a contiguous span
of frames ('frame') and everything ('all'); BERT corruption (10 % of the masked tokens get a random code, the rest
[MASK]); and confidence-guided masking (the video stage).
"""
import math
from typing import Optional, Sequence

import torch

SCHEMES = ('random', 'joint', 'frame', 'all')


def mask_fraction(batch: int, generator: Optional[torch.Generator] = None, device=None) -> torch.Tensor:
    """(B,) masked fractions cos(pi/2 * u), u ~ U(0, 1)."""
    return torch.cos(0.5 * math.pi * torch.rand(batch, generator=generator, device=device))


def lowest(scores: torch.Tensor, fraction: torch.Tensor) -> torch.Tensor:
    """Bool mask (B, N) of the ceil(fraction * N) lowest ``scores`` (B, N) of each row (at least one)."""
    count = (fraction * scores.shape[1]).ceil().clamp(min=1).long()
    rank = scores.argsort(dim=1).argsort(dim=1)
    return rank < count[:, None]


def draw_mask(batch: int, frames: int, tokens: int, scheme: str, generator: Optional[torch.Generator] = None,
              device=None) -> torch.Tensor:
    """A training mask (B, T, P) bool (True = masked) of one scheme, at a fraction cos(pi/2 * u) per sample."""
    fraction = mask_fraction(batch, generator, device)
    if scheme == 'all':
        return torch.ones(batch, frames, tokens, dtype=torch.bool, device=device)
    if scheme == 'random':
        scores = torch.rand(batch, frames * tokens, generator=generator, device=device)
        return lowest(scores, fraction).view(batch, frames, tokens)
    if scheme == 'joint':  # the same tokens hidden in every frame
        chosen = lowest(torch.rand(batch, tokens, generator=generator, device=device), fraction)
        return chosen[:, None, :].expand(batch, frames, tokens).clone()
    if scheme == 'frame':  # every token of a contiguous span of frames
        length = (fraction * frames).ceil().clamp(min=1).long()
        start = (torch.rand(batch, generator=generator, device=device) * (frames - length + 1)).long()
        index = torch.arange(frames, device=device)[None]
        span = (index >= start[:, None]) & (index < (start + length)[:, None])
        return span[:, :, None].expand(batch, frames, tokens).clone()
    raise ValueError(f'mask scheme must be one of {SCHEMES}, got {scheme!r}')


def draw_mixed_mask(batch: int, frames: int, tokens: int, schemes: Sequence[str],
                    generator: Optional[torch.Generator] = None, device=None) -> torch.Tensor:
    """(B, T, P): each sample masked by one of ``schemes``, drawn uniformly."""
    which = torch.randint(len(schemes), (batch,), generator=generator, device=device)
    masks = torch.stack([draw_mask(batch, frames, tokens, scheme, generator, device) for scheme in schemes])
    return masks[which, torch.arange(batch, device=device)]


def bert_corrupt(ids: torch.Tensor, masked: torch.Tensor, num_codes: int, random_fraction: float = 0.1,
                 generator: Optional[torch.Generator] = None) -> tuple:
    """The input of a masked step: ``(ids, hidden)``. Of the ``masked`` tokens, ``random_fraction`` keep visible with
    a random code (their ids replaced), the others are ``hidden`` (the [MASK] embedding); the loss is on every
    masked token."""
    swap = masked & (torch.rand(ids.shape, generator=generator, device=ids.device) < random_fraction)
    random_ids = torch.randint(num_codes, ids.shape, generator=generator, device=ids.device)
    return torch.where(swap, random_ids, ids), masked & ~swap


def confidence_guided_mask(logits: torch.Tensor, fraction: torch.Tensor) -> torch.Tensor:
    """MoRo's video-stage mask (B, N): from a no-grad all-masked pass's ``logits`` (B, N, K), the least confident
    ``fraction`` (B,) of the tokens (confidence: softmax probability of the argmax id)."""
    confidence = logits.float().softmax(-1).amax(-1)
    return lowest(confidence, fraction)
