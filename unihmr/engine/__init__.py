"""Training-engine pieces that plug into mmengine's Runner (hooks)."""
from .copy_weights import CopyWeightsHook, copy_weights
from .safe_checkpoint import SafeCheckpointHook, to_weights_only_safe

__all__ = ['CopyWeightsHook', 'SafeCheckpointHook', 'copy_weights', 'to_weights_only_safe']
