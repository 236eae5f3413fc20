"""Backbones: RoPE transformer (issue 4), ResMLP denoiser (ScoreHMR), RoHM's temporal U-Net (TrajNet), its
ControlNet-style branch (TrajControl), the MDM-style motion transformer (PoseNet, MDM++), MoRo's dual-stream
spatial-temporal transformer and its token smoother."""
from .control import ControlBranch, zero_conv  # noqa: F401
from .dual_stream import DualStreamTransformer  # noqa: F401
from .motion_transformer import MotionTransformer  # noqa: F401
from .res_mlp import ResMLPDenoiser  # noqa: F401
from .rope_transformer import RoPETransformer, band_mask, blocked_band_attention  # noqa: F401
from .temporal_unet import TemporalUNet  # noqa: F401
from .token_smoother import TokenSmoother  # noqa: F401
