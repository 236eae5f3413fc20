"""Backbones: RoPE transformer (issue 4), ResMLP denoiser (ScoreHMR), RoHM's temporal U-Net (TrajNet), its
ControlNet-style branch (TrajControl) and the MDM-style motion transformer (PoseNet, MDM++)."""
from .control import ControlBranch, zero_conv  # noqa: F401
from .motion_transformer import MotionTransformer  # noqa: F401
from .res_mlp import ResMLPDenoiser  # noqa: F401
from .rope_transformer import RoPETransformer, band_mask, blocked_band_attention  # noqa: F401
from .temporal_unet import TemporalUNet  # noqa: F401
