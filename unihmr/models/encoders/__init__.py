"""models/encoders package."""
