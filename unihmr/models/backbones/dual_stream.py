"""MoRo's motion encoder and cross-modal decoder backbone (MoRo paper 4.2-4.3; specs/moro.md, "Networks"): the
dual-stream spatial-temporal transformer of MotionBERT (DSTFormer) over a grid of T frames x N tokens.

Each layer runs two streams from the same input, spatial-then-temporal and temporal-then-spatial, and mixes them
per token with softmax weights from a linear layer of both (the learned fusion). Spatial attention: the N tokens
of one frame (their identity comes from the caller's spatial position embedding). Temporal attention: one token
over the frames, with rotary positions and a band of +-``window`` frames (MoRo: 60). The blocks are
``RoPETransformer``'s (pre-norm, rotary embeddings; band attention in blocks on long sequences).
"""
from typing import Optional

import torch
from rotary_embedding_torch import RotaryEmbedding
from torch import nn

from unihmr.models.backbones.rope_transformer import Block
from unihmr.registry import BACKBONES
from unihmr.utils.validation import check_tensor


class DualStreamLayer(nn.Module):
    """Spatial-temporal and temporal-spatial streams fused by learned per-token weights. (B, T, N, C) -> same."""

    def __init__(self, width: int, heads: int, mlp_ratio: float, dropout: float):
        super().__init__()
        self.spatial_first, self.temporal_second = (Block(width, heads, mlp_ratio, dropout) for _ in range(2))
        self.temporal_first, self.spatial_second = (Block(width, heads, mlp_ratio, dropout) for _ in range(2))
        self.fuse = nn.Linear(2 * width, 2)

    @staticmethod
    def spatial(block: Block, x: torch.Tensor, no_rotation: torch.Tensor) -> torch.Tensor:
        batch, frames = x.shape[:2]
        return block(x.flatten(0, 1), no_rotation, None, None, None).unflatten(0, (batch, frames))

    @staticmethod
    def temporal(block: Block, x: torch.Tensor, freqs, key_valid, window, chunk) -> torch.Tensor:
        batch, frames, tokens, width = x.shape
        sequences = x.transpose(1, 2).flatten(0, 1)  # (B N, T, C)
        valid = None if key_valid is None else key_valid.repeat_interleave(tokens, dim=0)
        return block(sequences, freqs, valid, window, chunk).unflatten(0, (batch, tokens)).transpose(1, 2)

    def forward(self, x, freqs, no_rotation, key_valid, window, chunk):
        first = self.temporal(self.temporal_second, self.spatial(self.spatial_first, x, no_rotation), freqs,
                              key_valid, window, chunk)
        second = self.spatial(self.spatial_second, self.temporal(self.temporal_first, x, freqs, key_valid, window,
                                                                 chunk), no_rotation)
        weights = self.fuse(torch.cat([first, second], dim=-1)).softmax(-1)
        return weights[..., :1] * first + weights[..., 1:] * second


@BACKBONES.register_module()
class DualStreamTransformer(nn.Module):
    """A stack of ``DualStreamLayer`` over (B, T, N, width) token grids, then a LayerNorm.

    Args:
        width, depth, heads, mlp_ratio, dropout: transformer size (MoRo: 1024, 4 / 2, 8).
        window: temporal band, in frames (MoRo: 60); None attends to every frame.
    """

    def __init__(self, width: int = 256, depth: int = 2, heads: int = 4, mlp_ratio: float = 2.0, dropout: float = 0.0,
                 window: Optional[int] = 60):
        super().__init__()
        if window is not None and window < 1:
            raise ValueError(f'DualStreamTransformer: window must be >= 1 frame or None, got {window}')
        self.width, self.window = width, window
        self.rotary = RotaryEmbedding(dim=width // heads)
        self.layers = nn.ModuleList(DualStreamLayer(width, heads, mlp_ratio, dropout) for _ in range(depth))
        self.norm = nn.LayerNorm(width)

    def forward(self, x: torch.Tensor, valid: Optional[torch.Tensor] = None) -> torch.Tensor:
        """``x`` (B, T, N, width), ``valid`` (B, T) bool (padding frames are never attended to) -> (B, T, N, width)."""
        check_tensor('x', x, (None, None, None, self.width))
        frames, tokens = x.shape[1:3]
        if valid is not None:
            check_tensor('valid', valid, (x.shape[0], frames), floating=False)
            valid = valid.bool()
        freqs = self.rotary(torch.arange(frames, device=x.device, dtype=torch.float32)).to(x.dtype)
        no_rotation = torch.zeros(tokens, freqs.shape[-1], device=x.device, dtype=x.dtype)  # spatial: no positions
        chunk = None  # blocked band attention where it needs fewer keys than the sequence (as RoPETransformer)
        if self.window is not None and max(1, self.window // 2) + 2 * self.window < frames:
            chunk = max(1, self.window // 2)
        for layer in self.layers:
            x = layer(x, freqs, no_rotation, valid, self.window, chunk)
        return self.norm(x)
