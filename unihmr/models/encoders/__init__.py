"""Encoders: per-modality embedders summed into per-frame condition tokens (issue 4 on)."""
