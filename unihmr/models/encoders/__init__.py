"""Encoders: per-modality embedders summed into per-frame condition tokens (issue 4 on)."""
from .condition_encoder import ALLOWED_MODALITIES, MODALITIES, ConditionEncoder, sinusoidal_features  # noqa: F401
