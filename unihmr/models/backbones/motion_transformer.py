"""RoHM's PoseNet denoiser, MDM-style (RoHM section 4.1, "Architectures"; ``shared/specs/rohm.md``, "PoseNet").

x_t (B, T, in_dim) and the condition (B, T, cond_dim) each pass their own Linear to the width and are summed; the
timestep's embedding (sinusoidal, then an MLP) is prepended as one token; the project's ``RoPETransformer`` runs
over the T + 1 tokens; the first token is dropped and a Linear gives (B, T, out_dim).

Where we differ from the release: positions are rotary (the project's transformer, pre-norm) instead of MDM's
added sinusoidal positions and post-norm ``nn.TransformerEncoder``. The MDM++ baseline is this network over the
whole representation (``out_dim`` = ``in_dim``).
"""
from typing import Optional

import torch
from diffusers.models.embeddings import get_timestep_embedding
from torch import nn

from unihmr.models.backbones.rope_transformer import RoPETransformer
from unihmr.registry import BACKBONES


@BACKBONES.register_module()
class MotionTransformer(nn.Module):
    """x0-denoiser: (x_t (B, T, in_dim), levels t, cond (B, T, cond_dim), valid (B, T) or None) -> (B, T, out_dim).

    Args:
        in_dim / cond_dim / out_dim: sizes of x_t, the condition and the output.
        width / depth / heads / ff / dropout: transformer size (paper: 512 / 8 / 4 / 1024 / 0.1).
    """

    def __init__(self, in_dim: int = 294, cond_dim: int = 294, out_dim: int = 272, width: int = 512, depth: int = 8,
                 heads: int = 4, ff: int = 1024, dropout: float = 0.1):
        super().__init__()
        self.in_dim, self.cond_dim, self.out_dim, self.width = in_dim, cond_dim, out_dim, width
        self.x_proj, self.cond_proj = nn.Linear(in_dim, width), nn.Linear(cond_dim, width)
        self.time_mlp = nn.Sequential(nn.Linear(width, width), nn.SiLU(), nn.Linear(width, width))
        self.transformer = RoPETransformer(width=width, depth=depth, heads=heads, mlp_ratio=ff / width, dropout=dropout)
        self.out = nn.Linear(width, out_dim)

    def forward(self, x: torch.Tensor, t, cond: torch.Tensor, valid: Optional[torch.Tensor] = None) -> torch.Tensor:
        levels = torch.as_tensor(t, device=x.device).reshape(-1).expand(x.shape[0])
        time_token = self.time_mlp(get_timestep_embedding(levels, self.width).to(x))[:, None]
        tokens = torch.cat([time_token, self.x_proj(x) + self.cond_proj(cond.to(x))], dim=1)
        if valid is not None:
            valid = torch.cat([valid.new_ones(valid.shape[0], 1), valid.bool()], dim=1)
        return self.out(self.transformer(tokens, valid)[:, 1:])
