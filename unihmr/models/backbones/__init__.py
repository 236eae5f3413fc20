"""Backbones: RoPE transformer (issue 4), ResMLP denoiser (ScoreHMR); spatial-temporal transformer, 1D U-Net next."""
from .res_mlp import ResMLPDenoiser  # noqa: F401
from .rope_transformer import RoPETransformer, band_mask, blocked_band_attention  # noqa: F401
