"""Sampling machinery shared by the generative heads: ODE integration (torchdiffeq) and classifier-free
guidance with named condition groups."""
from unihmr.models.samplers.cfg import ClassifierFreeGuidance
from unihmr.models.samplers.ode import ODESampler

__all__ = ['ClassifierFreeGuidance', 'ODESampler']
