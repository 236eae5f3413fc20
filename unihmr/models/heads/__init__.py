"""Heads: one file per paradigm, all with loss() / predict() (issue 4 on)."""
