"""ResMLP denoiser of per-frame vectors (ScoreHMR section 4.2): the network behind the diffusion pose prior.

``x_t`` (..., D) is projected to ``width``; each of ``num_blocks`` residual MLP blocks first conditions its
input on the timestep by a scale and shift computed from a sinusoidal embedding of t (diffusers
``Timesteps``) applied to its layer-normalised input, ``h_t = (1 + s) * LN(h) + b`` (the paper's ``t_s * h + t_b`` with t_s = 1 + s, so that a fresh
block starts as the identity), then concatenates the condition ``c`` (image features) and applies
Linear-SiLU-Linear; a LayerNorm and a zero-initialised Linear map back to D (the predicted noise).
Leading dimensions are free: (B, T, D) frames are denoised independently.
"""
import torch
from diffusers.models.embeddings import Timesteps
from torch import nn

from unihmr.registry import BACKBONES


class ResMLPBlock(nn.Module):
    """One residual block: time scale-shift, condition concatenation, MLP. (N, width) -> (N, width)."""

    def __init__(self, width: int, cond_dim: int, hidden: int, time_dim: int):
        super().__init__()
        self.time_mlp = nn.Sequential(nn.SiLU(), nn.Linear(time_dim, 2 * width))
        nn.init.zeros_(self.time_mlp[-1].weight)
        nn.init.zeros_(self.time_mlp[-1].bias)
        self.norm = nn.LayerNorm(width)
        self.mlp = nn.Sequential(nn.Linear(width + cond_dim, hidden), nn.SiLU(), nn.Linear(hidden, width))

    def forward(self, h: torch.Tensor, time: torch.Tensor, cond: torch.Tensor) -> torch.Tensor:
        scale, shift = self.time_mlp(time).chunk(2, dim=-1)
        h_t = (1 + scale) * self.norm(h) + shift
        return h + self.mlp(torch.cat([h_t, cond], dim=-1))


@BACKBONES.register_module()
class ResMLPDenoiser(nn.Module):
    """Noise predictor eps(x_t, t, c) for per-frame vectors.

    Args:
        in_dim: D, the size of the diffused vector. cond_dim: C, the size of the condition (0 = none).
        width: block width. hidden: MLP hidden width. num_blocks: residual blocks (the paper uses 3).
        time_dim: width of the sinusoidal timestep features.
    """

    def __init__(self, in_dim: int, cond_dim: int = 0, width: int = 1024, hidden: int = 1024, num_blocks: int = 3,
                 time_dim: int = 128):
        super().__init__()
        self.in_dim, self.cond_dim, self.width = in_dim, cond_dim, width
        self.in_proj = nn.Linear(in_dim, width)
        self.time_features = Timesteps(time_dim, flip_sin_to_cos=True, downscale_freq_shift=0)
        self.time_embed = nn.Sequential(nn.Linear(time_dim, time_dim), nn.SiLU(), nn.Linear(time_dim, time_dim))
        self.blocks = nn.ModuleList(ResMLPBlock(width, cond_dim, hidden, time_dim) for _ in range(num_blocks))
        self.out = nn.Sequential(nn.LayerNorm(width), nn.Linear(width, in_dim))
        nn.init.zeros_(self.out[-1].weight)
        nn.init.zeros_(self.out[-1].bias)

    def forward(self, x_t: torch.Tensor, t: torch.Tensor, cond: torch.Tensor = None) -> torch.Tensor:
        """``x_t`` (..., D), integer or float timesteps ``t`` (...) and ``cond`` (..., C) -> noise (..., D)."""
        if x_t.shape[-1] != self.in_dim:
            raise ValueError(f'x_t: expected last dim {self.in_dim}, got shape {tuple(x_t.shape)}')
        lead = x_t.shape[:-1]
        if cond is None:
            if self.cond_dim:
                raise ValueError(f'cond: this denoiser expects a condition of size {self.cond_dim}')
            cond = x_t.new_zeros(*lead, 0)
        if cond.shape != (*lead, self.cond_dim):
            raise ValueError(f'cond: expected shape {(*lead, self.cond_dim)}, got {tuple(cond.shape)}')
        t = torch.as_tensor(t, device=x_t.device).expand(lead).reshape(-1)
        time = self.time_embed(self.time_features(t).to(x_t.dtype))  # (N, time_dim)
        h = self.in_proj(x_t.reshape(-1, self.in_dim))
        c = cond.reshape(-1, self.cond_dim).to(x_t.dtype)
        for block in self.blocks:
            h = block(h, time, c)
        return self.out(h).reshape(*lead, self.in_dim)
