"""RoHM's TrajNet denoiser: a 1D temporal U-Net with a per-level condition encoder (RoHM section 4.1,
"Architectures"; ``shared/specs/rohm.md``, "TrajNet").

- Blocks: ``diffusers``' ``ResidualTemporalBlock1D`` (Janner et al.'s Diffuser block: Conv1d(k5)-GroupNorm(8)-Mish,
  the time embedding added over time, a second Conv1d-GroupNorm-Mish, a 1x1 residual when widths differ).
  ``UNet1DModel`` cannot take per-level conditions, so the levels are wired here.
- Time embedding: sinusoidal ``time_dim`` -> Linear ``time_hidden`` -> Mish -> Linear ``time_dim``.
- Condition encoder (time-free): per level, a residual block of two ``Conv1dBlock`` over the condition (the masked
  noisy trajectory, (B, T, cond_dim)), then a stride-2 convolution to the next level.
- Encoder: per level two blocks, the condition feature of that resolution concatenated, the result kept as the
  skip, then a stride-2 convolution (one per width: T must divide by 2 ** len(widths); 144 -> 9 at paper size).
- Middle: two blocks. Decoder: a transposed convolution (x2), the skip concatenated, two blocks; a
  ``Conv1dBlock`` and a 1x1 convolution to ``out_dim``.

The encoder part (time MLP, condition encoder, down levels, middle) lives in ``self.encoder`` so that a
ControlNet-style branch (``backbones.control.ControlBranch``) can clone exactly it: :meth:`encode` runs the given
encoder copy with an optional input injection, :meth:`decode` adds optional residuals after the middle blocks and
after each decoder level (``control_widths`` lists their (feature width, target width) pairs).
"""
from typing import Optional, Sequence

import torch
from diffusers.models.embeddings import get_timestep_embedding
from diffusers.models.resnet import Conv1dBlock, ResidualTemporalBlock1D
from torch import nn

from unihmr.registry import BACKBONES


class ConvResBlock1D(nn.Module):
    """Time-free residual block: two ``Conv1dBlock`` (k5, GroupNorm, Mish) plus a 1x1 residual. (B, C, T) in/out."""

    def __init__(self, in_channels: int, out_channels: int, kernel: int = 5, groups: int = 8):
        super().__init__()
        self.blocks = nn.Sequential(Conv1dBlock(in_channels, out_channels, kernel, groups),
                                    Conv1dBlock(out_channels, out_channels, kernel, groups))
        self.residual = nn.Conv1d(in_channels, out_channels, 1) if in_channels != out_channels else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.blocks(x) + self.residual(x)


def downsample(channels: int) -> nn.Conv1d:
    return nn.Conv1d(channels, channels, 3, stride=2, padding=1)


@BACKBONES.register_module()
class TemporalUNet(nn.Module):
    """x0-denoiser (B, T, in_dim) at level t given a condition (B, T, cond_dim) -> (B, T, out_dim).

    Args:
        in_dim / cond_dim / out_dim: channels of x_t, of the condition and of the output (default: in_dim).
        widths: encoder widths, one stride-2 downsampling each (paper 64/128/256/512; CPU 32/64/128).
        time_dim / time_hidden: the time embedding (32 / 128).
        kernel / groups: convolution size and GroupNorm groups (5 / 8).
    """

    def __init__(self, in_dim: int = 13, cond_dim: int = 13, out_dim: Optional[int] = None,
                 widths: Sequence[int] = (64, 128, 256, 512), time_dim: int = 32, time_hidden: int = 128,
                 kernel: int = 5, groups: int = 8):
        super().__init__()
        self.in_dim, self.cond_dim, self.widths = in_dim, cond_dim, tuple(widths)
        self.out_dim, self.time_dim = out_dim or in_dim, time_dim
        self.multiple = 2 ** len(self.widths)
        encoder = nn.Module()
        encoder.time_mlp = nn.Sequential(nn.Linear(time_dim, time_hidden), nn.Mish(), nn.Linear(time_hidden, time_dim))
        encoder.cond_blocks, encoder.cond_down = nn.ModuleList(), nn.ModuleList()
        encoder.down_blocks, encoder.down = nn.ModuleList(), nn.ModuleList()
        channels, cond_channels = in_dim, cond_dim
        for width in self.widths:
            encoder.cond_blocks.append(ConvResBlock1D(cond_channels, width, kernel, groups))
            encoder.cond_down.append(downsample(width))
            encoder.down_blocks.append(nn.ModuleList([ResidualTemporalBlock1D(channels, width, time_dim, kernel),
                                                      ResidualTemporalBlock1D(width, width, time_dim, kernel)]))
            encoder.down.append(nn.Conv1d(2 * width, width, 3, stride=2, padding=1))
            channels, cond_channels = width, width
        encoder.middle = nn.ModuleList([ResidualTemporalBlock1D(channels, channels, time_dim, kernel),
                                        ResidualTemporalBlock1D(channels, channels, time_dim, kernel)])
        self.encoder = encoder
        self.up, self.up_blocks = nn.ModuleList(), nn.ModuleList()
        for width in reversed(self.widths):
            self.up.append(nn.ConvTranspose1d(channels, channels, 4, stride=2, padding=1))
            self.up_blocks.append(nn.ModuleList([ResidualTemporalBlock1D(channels + 2 * width, width, time_dim, kernel),
                                                 ResidualTemporalBlock1D(width, width, time_dim, kernel)]))
            channels = width
        self.final = nn.Sequential(Conv1dBlock(channels, channels, kernel, groups), nn.Conv1d(channels, self.out_dim, 1))

    @property
    def control_widths(self) -> list:
        """(feature width, target width) of each control residual: the middle, then the decoder levels."""
        last = self.widths[-1]
        return [(last, last)] + [(2 * width, width) for width in reversed(self.widths)]

    def check_length(self, num_frames: int) -> None:
        if num_frames % self.multiple:
            raise ValueError(f'TemporalUNet: the clip length must divide by {self.multiple} ({len(self.widths)} '
                             f'downsamplings), got {num_frames} frames')

    def encode(self, x: torch.Tensor, t, cond: torch.Tensor, encoder: Optional[nn.Module] = None,
               inject: Optional[torch.Tensor] = None) -> tuple:
        """Encoder pass of ``encoder`` (default: own): x (B, T, in_dim), levels t (int or (B,)), cond (B, T,
        cond_dim), ``inject`` (B, in_dim, T) added to the input -> (middle (B, C, T'), skips, time embedding)."""
        encoder = encoder if encoder is not None else self.encoder
        self.check_length(x.shape[1])
        levels = torch.as_tensor(t, device=x.device).reshape(-1).expand(x.shape[0])
        temb = encoder.time_mlp(get_timestep_embedding(levels, self.time_dim).to(x))
        h, c = x.transpose(1, 2), cond.transpose(1, 2).to(x)
        if inject is not None:
            h = h + inject
        skips = []
        for blocks, down, cond_block, cond_down in zip(encoder.down_blocks, encoder.down, encoder.cond_blocks,
                                                       encoder.cond_down):
            c = cond_block(c)
            h = blocks[1](blocks[0](h, temb), temb)
            h = torch.cat([h, c], dim=1)
            skips.append(h)
            h, c = down(h), cond_down(c)
        for block in encoder.middle:
            h = block(h, temb)
        return h, skips, temb

    def decode(self, h: torch.Tensor, skips: list, temb: torch.Tensor, residuals: Optional[list] = None) -> torch.Tensor:
        """Decoder pass; ``residuals`` (one per ``control_widths`` entry) added after the middle and each level.
        Returns (B, T, out_dim)."""
        if residuals is not None:
            h = h + residuals[0]
        for index, (up, blocks, skip) in enumerate(zip(self.up, self.up_blocks, reversed(skips))):
            h = torch.cat([up(h), skip], dim=1)
            h = blocks[1](blocks[0](h, temb), temb)
            if residuals is not None:
                h = h + residuals[index + 1]
        return self.final(h).transpose(1, 2)

    def forward(self, x: torch.Tensor, t, cond: torch.Tensor) -> torch.Tensor:
        return self.decode(*self.encode(x, t, cond))
