"""REFERENCE FOR THE BENCHMARK ONLY (``tools/benchmark.py --only backbone``); not part of unihmr.

GVHMR's way of running its RoPE transformer, re-written after ``hmr4d/network/base_arch/transformer/
encoder_rope.py``: separate q, k, v projections, RoPE by ``rotary-embedding-torch``, and the full
T x T attention matrix (einsum, ``masked_fill`` with a band mask of half-width ``window``, softmax),
pre-norm blocks with a GELU MLP. Same width / depth / heads as :class:`unihmr.models.backbones.RoPETransformer`.
"""
import math

import torch
from rotary_embedding_torch import RotaryEmbedding
from torch import nn


class ReferenceAttention(nn.Module):
    def __init__(self, width: int, heads: int):
        super().__init__()
        self.heads, self.head_dim = heads, width // heads
        self.rope = RotaryEmbedding(self.head_dim)
        self.query, self.key, self.value = nn.Linear(width, width), nn.Linear(width, width), nn.Linear(width, width)
        self.proj = nn.Linear(width, width)

    def forward(self, x: torch.Tensor, masked_out: torch.Tensor) -> torch.Tensor:
        """x (B, T, C); masked_out (T, T) bool, True = not attended."""
        batch, num_frames, width = x.shape

        def split(t):  # (B, T, C) -> (B, H, T, d)
            return t.view(batch, num_frames, self.heads, self.head_dim).transpose(1, 2)

        q = self.rope.rotate_queries_or_keys(split(self.query(x)))
        k = self.rope.rotate_queries_or_keys(split(self.key(x)))
        v = split(self.value(x))
        score = torch.einsum('bhic,bhjc->bhij', q, k) / math.sqrt(self.head_dim)
        score = score.masked_fill(masked_out, float('-inf')).softmax(dim=-1)
        out = torch.einsum('bhij,bhjc->bhic', score, v)
        return self.proj(out.transpose(1, 2).reshape(batch, num_frames, width))


class ReferenceBlock(nn.Module):
    def __init__(self, width: int, heads: int, mlp_ratio: float):
        super().__init__()
        self.norm1, self.norm2 = nn.LayerNorm(width, eps=1e-6), nn.LayerNorm(width, eps=1e-6)
        self.attn = ReferenceAttention(width, heads)
        hidden = int(width * mlp_ratio)
        self.mlp = nn.Sequential(nn.Linear(width, hidden), nn.GELU(approximate='tanh'), nn.Linear(hidden, width))

    def forward(self, x, masked_out):
        x = x + self.attn(self.norm1(x), masked_out)
        return x + self.mlp(self.norm2(x))


class GVHMRReferenceTransformer(nn.Module):
    """Reference network for the benchmark: (B, T, C) -> (B, T, C), full T x T attention under a band mask."""

    def __init__(self, width: int = 512, depth: int = 12, heads: int = 8, mlp_ratio: float = 4.0, window: int = 120):
        super().__init__()
        self.window = window
        self.blocks = nn.ModuleList(ReferenceBlock(width, heads, mlp_ratio) for _ in range(depth))
        self.norm = nn.LayerNorm(width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        index = torch.arange(x.shape[1], device=x.device)
        masked_out = (index[None, :] - index[:, None]).abs() > self.window  # (T, T)
        for block in self.blocks:
            x = block(x, masked_out)
        return self.norm(x)
