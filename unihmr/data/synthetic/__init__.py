"""The embedded synthetic benchmark: procedural motion (motion.py) and, later, cameras and observations."""
