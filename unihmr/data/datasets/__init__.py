"""data/datasets package."""
