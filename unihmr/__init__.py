"""unihmr: human mesh and motion recovery with swappable generative heads."""
__version__ = '0.1.0'
