"""models/backbones package."""
