"""Models: encoders, backbones, heads, tokenizers, guidance energies, losses and the recoverer."""
