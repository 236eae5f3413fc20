"""Small helpers shared across the package: input validation, atomic file writes."""
