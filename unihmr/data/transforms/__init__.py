"""data/transforms package."""
