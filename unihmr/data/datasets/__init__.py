"""Datasets: synthetic (embedded default) and loaders of the real datasets' own formats (issue 3)."""
