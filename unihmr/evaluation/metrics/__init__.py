"""evaluation/metrics package."""
