"""Sampling machinery shared by the generative heads: ODE integration (torchdiffeq), the guided diffusion sampler
over the diffusers schedulers (DDPM, DDIM, DDIM inversion) and ScoreHMR's DDIM loop on it, and classifier-free
guidance with named condition groups, and MoRo's MaskGIT decoding."""
from unihmr.models.samplers.cfg import ClassifierFreeGuidance
from unihmr.models.samplers.ddim import DDIMLoop
from unihmr.models.samplers.diffusion import DiffusionSampler, Guidance, noise_schedule_args
from unihmr.models.samplers.maskgit import MaskGITDecoder
from unihmr.models.samplers.ode import ODESampler

__all__ = ['ClassifierFreeGuidance', 'DDIMLoop', 'DiffusionSampler', 'Guidance', 'MaskGITDecoder', 'ODESampler',
           'noise_schedule_args']
