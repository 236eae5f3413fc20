"""Data: datasets yielding the data contract (docs/architecture.md), synthetic generation, transforms."""
