"""MoRo's smoother of the continuous token vectors before mesh decoding (MoRo paper 4.4; specs/moro.md, "Networks").

The paper says "a 2-layer MLP"; the released code runs a residual temporal convolution net shared across tokens
(kernel 5, hidden 64, output scaled by a learned gate initialised at 0.1). Both, by ``kind``:

- ``'conv'`` (the default, the release): x + gate * Conv1d(GELU(Conv1d(x))) along time, per token;
- ``'mlp'`` (the paper): x + Linear(GELU(Linear(x[t-k//2 .. t+k//2]))), the 2-layer MLP read over the same
  temporal neighbourhood (a per-frame MLP could not smooth anything), no gate.

The default is the release's: the paper gives no size for its MLP, and the gate starts the smoother near the
identity, so the decoder it feeds (frozen, trained on clean codes) sees codes first.
"""
import torch
from torch import nn

from unihmr.registry import BACKBONES


@BACKBONES.register_module()
class TokenSmoother(nn.Module):
    """(B, T, P, L) token vectors -> same shape, smoothed along T for each token with shared weights."""

    def __init__(self, dim: int = 9, kind: str = 'conv', hidden: int = 64, kernel: int = 5, gate: float = 0.1):
        super().__init__()
        if kind not in ('conv', 'mlp'):
            raise ValueError(f"TokenSmoother: kind must be 'conv' or 'mlp', got {kind!r}")
        if kernel < 1 or kernel % 2 == 0:
            raise ValueError(f'TokenSmoother: kernel must be odd and positive, got {kernel}')
        self.kind, self.kernel = kind, kernel
        pad = kernel // 2
        if kind == 'conv':
            self.net = nn.Sequential(nn.Conv1d(dim, hidden, kernel, padding=pad, padding_mode='replicate'), nn.GELU(),
                                     nn.Conv1d(hidden, dim, kernel, padding=pad, padding_mode='replicate'))
            self.gate = nn.Parameter(torch.tensor(float(gate)))
        else:
            self.net = nn.Sequential(nn.Conv1d(dim, hidden, kernel, padding=pad, padding_mode='replicate'), nn.GELU(),
                                     nn.Conv1d(hidden, dim, 1))  # a Linear over the neighbourhood, then a Linear
            self.register_buffer('gate', torch.tensor(1.0), persistent=False)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        batch, frames, count, dim = tokens.shape
        series = tokens.permute(0, 2, 3, 1).reshape(batch * count, dim, frames)  # (B P, L, T)
        out = series + self.gate * self.net(series)
        return out.view(batch, count, dim, frames).permute(0, 3, 1, 2)
