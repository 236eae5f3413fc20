"""Tokenizers: pose / mesh VQ-VAEs on vector-quantize-pytorch (MoRo issue)."""
