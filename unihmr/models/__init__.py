"""Models: encoders, backbones, heads, tokenizers, guidance energies, losses and the recoverer."""
from .recoverer import Recoverer  # noqa: F401  (registers it in MODELS)
