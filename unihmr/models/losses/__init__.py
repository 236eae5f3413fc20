"""models/losses package."""
