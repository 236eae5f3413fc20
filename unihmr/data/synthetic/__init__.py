"""The embedded synthetic benchmark: procedural motion (motion/), cameras and observations."""
