"""Sampling machinery shared by the generative heads: ODE integration (torchdiffeq), DDIM inversion and
guided DDIM sampling (diffusers), and classifier-free guidance with named condition groups."""
from unihmr.models.samplers.cfg import ClassifierFreeGuidance
from unihmr.models.samplers.ddim import DDIMLoop, noise_schedule_args
from unihmr.models.samplers.ode import ODESampler

__all__ = ['ClassifierFreeGuidance', 'DDIMLoop', 'ODESampler', 'noise_schedule_args']
