"""A ControlNet-style branch for any encoder-decoder backbone (RoHM section 4.2, TrajControl; Zhang et al.'s
ControlNet).

``ControlBranch(base, control_dim)`` holds a trainable copy of ``base.encoder`` initialised from the base's weights,
a zero-initialised 1x1 convolution that adds the control signal to the input, and one zero-initialised 1x1
convolution per ``base.control_widths`` entry whose outputs the base adds after its middle and decoder blocks. The
base is referenced, not owned (it stays where it is in the state dict) and is frozen by :meth:`freeze_base`.
Because every zero convolution starts at zero, a fresh branch leaves the base's output unchanged exactly.

A base must provide ``encoder`` (the module to clone), ``encode(x, t, cond, encoder=, inject=)`` returning
``(h, skips, temb)`` with ``skips`` in encoder order, ``decode(h, skips, temb, residuals=)`` and ``control_widths``
((feature width, target width) of the middle output, then of each decoder level, deepest first, whose features are
the branch's middle output and its skips in reverse order); ``backbones.temporal_unet.TemporalUNet`` does.
"""
import copy

import torch
from torch import nn


def zero_conv(in_channels: int, out_channels: int) -> nn.Conv1d:
    """1x1 Conv1d with zero weight and bias."""
    conv = nn.Conv1d(in_channels, out_channels, 1)
    nn.init.zeros_(conv.weight)
    nn.init.zeros_(conv.bias)
    return conv


class ControlBranch(nn.Module):
    """Trainable encoder copy of ``base`` fed ``control`` (B, T, control_dim); see the module docstring."""

    def __init__(self, base: nn.Module, control_dim: int):
        super().__init__()
        self._base = (base,)  # referenced, not a submodule
        self.encoder = copy.deepcopy(base.encoder)
        self.control_in = zero_conv(control_dim, base.in_dim)
        self.zero_convs = nn.ModuleList(zero_conv(feature, target) for feature, target in base.control_widths)

    @property
    def base(self) -> nn.Module:
        return self._base[0]

    def freeze_base(self) -> None:
        """Stop gradients into the base (TrajControl fine-tunes the branch only)."""
        self.base.requires_grad_(False)

    def forward(self, x: torch.Tensor, t, cond: torch.Tensor, control: torch.Tensor) -> torch.Tensor:
        """The base's output for (x (B, T, in_dim), t, cond) with the branch's residuals added."""
        inject = self.control_in(control.transpose(1, 2).to(x))
        h, skips, _ = self.base.encode(x, t, cond, encoder=self.encoder, inject=inject)
        features = [h] + list(reversed(skips))
        residuals = [conv(feature) for conv, feature in zip(self.zero_convs, features)]
        return self.base.decode(*self.base.encode(x, t, cond), residuals=residuals)
