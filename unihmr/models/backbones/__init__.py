"""Backbones: RoPE transformer, spatial-temporal transformer, 1D U-Net, ResMLP (issue 4 on)."""
