"""models/guidance package."""
