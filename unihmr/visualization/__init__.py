"""Figures: flat-shaded mesh and skeleton drawing with matplotlib (mesh_render)."""
