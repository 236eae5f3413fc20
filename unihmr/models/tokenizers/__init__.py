"""models/tokenizers package."""
