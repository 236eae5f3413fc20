"""data/synthetic package."""
