"""Training-engine pieces that plug into mmengine's Runner (hooks)."""
from .safe_checkpoint import SafeCheckpointHook, to_weights_only_safe

__all__ = ['SafeCheckpointHook', 'to_weights_only_safe']
