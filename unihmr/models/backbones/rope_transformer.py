"""Relative (RoPE) transformer over time: the shared temporal backbone of the regression and generative heads.

Pre-norm blocks with a fused qkv projection, rotary position embeddings on queries and keys
(``rotary-embedding-torch``) and ``scaled_dot_product_attention``. Padding frames are masked out as
keys. With ``window`` a frame attends only to frames at most ``window`` away; for long sequences this
band is computed in blocks (each block of queries against its neighbouring keys only), so attention
costs O(T * window) instead of the O(T^2) of a full attention matrix under a band mask.
"""
from typing import Optional

import torch
import torch.nn.functional as F
from rotary_embedding_torch import RotaryEmbedding
from rotary_embedding_torch.rotary_embedding_torch import apply_rotary_emb
from torch import nn

from unihmr.registry import BACKBONES
from unihmr.utils.validation import check_tensor


def band_mask(key_valid: torch.Tensor, window: Optional[int]) -> torch.Tensor:
    """Dense boolean attention mask (B, 1, T, T): True where query i may attend to key j.

    Key j is allowed if it is a real frame (``key_valid`` (B, T)) or j == i (so a padding query never
    has an empty row), and, with ``window``, |i - j| <= window.
    """
    num_frames = key_valid.shape[1]
    index = torch.arange(num_frames, device=key_valid.device)
    offset = index[None, :] - index[:, None]  # (T, T) key minus query
    mask = key_valid[:, None, None, :] | (offset == 0)
    if window is not None:
        mask = mask & (offset.abs() <= window)
    return mask


def blocked_band_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, key_valid: torch.Tensor,
                           window: int, block: int, dropout: float = 0.0) -> torch.Tensor:
    """Band attention computed in query blocks; equals SDPA with :func:`band_mask` (dense) up to rounding.

    ``q``, ``k``, ``v`` (B, H, T, d); ``key_valid`` (B, T) bool. Queries are cut into blocks of
    ``block`` frames (the last one padded); block b attends to keys in
    [b * block - window, (b + 1) * block + window), so each query sees ``block + 2 * window`` keys.
    Returns (B, H, T, d).
    """
    batch, heads, num_frames, dim = q.shape
    num_blocks = -(-num_frames // block)
    tail = num_blocks * block - num_frames  # query padding of the last block
    span = block + 2 * window  # keys seen by one block

    def key_blocks(t):  # (B, H, T, d) -> (B * nb, H, span, d), overlapping spans of keys
        spans = F.pad(t, (0, 0, window, window + tail)).unfold(2, span, block)  # (B, H, nb, d, span)
        return spans.permute(0, 2, 1, 4, 3).reshape(batch * num_blocks, heads, span, dim)

    # 4-D (B * nb, H, ...) inputs keep SDPA on its fused kernel (5-D ones fall back to the math path).
    q_blocks = (F.pad(q, (0, 0, 0, tail)).view(batch, heads, num_blocks, block, dim)
                .transpose(1, 2).reshape(batch * num_blocks, heads, block, dim))
    valid_blocks = F.pad(key_valid, (window, window + tail)).unfold(1, span, block)  # (B, nb, span)
    # Within a block the key-minus-query offset is j - window - i, the same for every block.
    offset = (torch.arange(span, device=q.device)[None, :] - window
              - torch.arange(block, device=q.device)[:, None])  # (block, span)
    mask = (valid_blocks[:, :, None, :] | (offset == 0)) & (offset.abs() <= window)  # (B, nb, block, span)
    out = F.scaled_dot_product_attention(q_blocks, key_blocks(k), key_blocks(v),
                                         attn_mask=mask.reshape(batch * num_blocks, 1, block, span),
                                         dropout_p=dropout)  # (B * nb, H, block, d)
    out = out.view(batch, num_blocks, heads, block, dim).transpose(1, 2).reshape(batch, heads, -1, dim)
    return out[:, :, :num_frames]


class Attention(nn.Module):
    """Multi-head self-attention with a fused qkv projection and RoPE on q and k. (B, T, C) -> (B, T, C)."""

    def __init__(self, width: int, heads: int, dropout: float = 0.0):
        super().__init__()
        if width % heads:
            raise ValueError(f'width {width} must be divisible by heads {heads}')
        self.heads, self.dropout = heads, dropout
        self.qkv = nn.Linear(width, 3 * width)
        self.proj = nn.Linear(width, width)

    def forward(self, x: torch.Tensor, freqs: torch.Tensor, key_valid: Optional[torch.Tensor],
                window: Optional[int], block: Optional[int]) -> torch.Tensor:
        """``freqs`` (T, d) rotary angles; ``block`` set: blocked band attention, else dense SDPA."""
        batch, num_frames, width = x.shape
        qkv = self.qkv(x).view(batch, num_frames, 3, self.heads, width // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)  # (B, H, T, d) each
        q, k = apply_rotary_emb(freqs, q), apply_rotary_emb(freqs, k)
        dropout = self.dropout if self.training else 0.0
        if block is not None:
            valid = key_valid if key_valid is not None else x.new_ones(batch, num_frames, dtype=torch.bool)
            out = blocked_band_attention(q, k, v, valid, window, block, dropout)
        else:
            mask = None
            if key_valid is not None or window is not None:
                valid = key_valid if key_valid is not None else x.new_ones(batch, num_frames, dtype=torch.bool)
                mask = band_mask(valid, window)
            out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=dropout)
        return self.proj(out.transpose(1, 2).reshape(batch, num_frames, width))


class Block(nn.Module):
    """Pre-norm transformer block: x + attn(LN(x)), then x + MLP(LN(x)). (B, T, C) -> (B, T, C)."""

    def __init__(self, width: int, heads: int, mlp_ratio: float, dropout: float):
        super().__init__()
        hidden = int(width * mlp_ratio)
        self.norm1, self.norm2 = nn.LayerNorm(width), nn.LayerNorm(width)
        self.attn = Attention(width, heads, dropout)
        self.mlp = nn.Sequential(nn.Linear(width, hidden), nn.GELU(approximate='tanh'), nn.Dropout(dropout),
                                 nn.Linear(hidden, width), nn.Dropout(dropout))

    def forward(self, x, freqs, key_valid, window, block):
        x = x + self.attn(self.norm1(x), freqs, key_valid, window, block)
        return x + self.mlp(self.norm2(x))


@BACKBONES.register_module()
class RoPETransformer(nn.Module):
    """Stack of pre-norm RoPE transformer blocks over time, then a final LayerNorm.

    Args:
        width, depth, heads, mlp_ratio, dropout: transformer size.
        window: attention window in frames (a frame sees frames at most ``window`` away); None = full.
        block: query-block length of the blocked band attention (default: ``window // 2``).
        blocked: use blocked attention whenever it needs fewer keys per query than the sequence length
            (False: always a dense T x T mask; same result, for checks).
    """

    def __init__(self, width: int = 512, depth: int = 12, heads: int = 8, mlp_ratio: float = 4.0,
                 dropout: float = 0.0, window: Optional[int] = None, block: Optional[int] = None,
                 blocked: bool = True):
        super().__init__()
        if window is not None and window < 0:
            raise ValueError(f'window must be >= 0 or None, got {window}')
        self.width, self.window, self.blocked = width, window, blocked
        self.block = max(1, block if block is not None else (window or 0) // 2)
        self.rotary = RotaryEmbedding(dim=width // heads)
        self.blocks = nn.ModuleList(Block(width, heads, mlp_ratio, dropout) for _ in range(depth))
        self.norm = nn.LayerNorm(width)

    def forward(self, x: torch.Tensor, valid: Optional[torch.Tensor] = None) -> torch.Tensor:
        """``x`` (B, T, C) tokens, ``valid`` (B, T) bool (False = padding, never attended to) -> (B, T, C)."""
        check_tensor('x', x, (None, None, self.width))
        batch, num_frames, _ = x.shape
        if valid is not None:
            check_tensor('valid', valid, (batch, num_frames), floating=False)
            valid = valid.bool()
        positions = torch.arange(num_frames, device=x.device, dtype=torch.float32)
        freqs = self.rotary(positions).to(x.dtype)  # (T, d); the library caches it per length
        use_blocks = (self.blocked and self.window is not None
                      and self.block + 2 * self.window < num_frames)
        block = self.block if use_blocks else None
        for layer in self.blocks:
            x = layer(x, freqs, valid, self.window, block)
        return self.norm(x)
