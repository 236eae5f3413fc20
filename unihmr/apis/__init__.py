"""User-facing entry points: config loading and overrides, tool command lines, the demo pipeline."""
