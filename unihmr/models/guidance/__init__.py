"""Guidance energies shared by every sampler: reprojection, foot skating, smoothness (later issues)."""
