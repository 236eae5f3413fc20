"""Backbones: RoPE transformer, spatial-temporal transformer, 1D U-Net, ResMLP (issue 4 on)."""
from .rope_transformer import RoPETransformer, band_mask, blocked_band_attention  # noqa: F401
