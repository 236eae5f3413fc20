"""models/heads package."""
