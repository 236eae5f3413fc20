"""Classifier-free guidance over named condition modalities (FactorizedHMR section 3.3, "feature-aware CFG").

Training drops the ``dropped`` modalities together, per sample, with probability ``drop_prob``; the other
modalities (for FactorizedHMR the anchor-related box, camera motion and torso-pose condition) are always
kept, so the unconditional branch is "anchor only", not a zero vector. Sampling evaluates the conditional
and the unconditional branch in one batched forward and mixes them as
``v = v_uncond + scale * (v_cond - v_uncond)``; ``scale == 1`` is plain conditional sampling (one branch).
"""
from typing import Sequence

import torch


class ClassifierFreeGuidance:
    """Config of the guidance: ``scale`` (>= 0), ``drop_prob`` in [0, 1), ``dropped`` modality names. The defaults
    are no guidance; the method's config sets FactorizedHMR's (1.5, 0.1, ``('kp_rays', 'img_feat')``)."""

    def __init__(self, scale: float = 1.0, drop_prob: float = 0.0, dropped: Sequence[str] = ()):
        if not 0.0 <= drop_prob < 1.0:
            raise ValueError(f'guidance drop_prob: expected a value in [0, 1), got {drop_prob}')
        if scale < 0:
            raise ValueError(f'guidance scale: expected >= 0, got {scale}')
        self.scale, self.drop_prob, self.dropped = float(scale), float(drop_prob), tuple(dropped)

    def training_drop(self, batch_size: int, device=None) -> dict:
        """Per-sample drop masks for a training batch: name -> (B,) bool, the same draw for every dropped name."""
        if not self.dropped or self.drop_prob == 0:
            return {}
        draw = torch.rand(batch_size, device=device) < self.drop_prob
        return {name: draw for name in self.dropped}

    def uses_uncond(self, scale: float = None) -> bool:
        return (self.scale if scale is None else scale) != 1.0 and bool(self.dropped)

    @staticmethod
    def combine(both: torch.Tensor, scale: float) -> torch.Tensor:
        """``both`` (2B, ...) = [conditional; unconditional] -> guided (B, ...)."""
        cond, uncond = both.chunk(2, dim=0)
        return uncond + scale * (cond - uncond)
