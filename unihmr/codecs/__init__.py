"""Codecs: motion representations with named slices and normalisation statistics (issue 4 on)."""
