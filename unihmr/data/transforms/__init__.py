"""Data transforms: occlusion, detector noise, cropping (synthetic-data issue)."""
