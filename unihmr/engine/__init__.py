"""Training-engine pieces that plug into mmengine's Runner (hooks; atomic local file writes)."""
from .atomic_files import AtomicLocalBackend
from .copy_weights import CopyWeightsHook, copy_weights
from .safe_checkpoint import SafeCheckpointHook, to_weights_only_safe

__all__ = ['AtomicLocalBackend', 'CopyWeightsHook', 'SafeCheckpointHook', 'copy_weights', 'to_weights_only_safe']
