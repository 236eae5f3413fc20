"""One guided diffusion sampler over the ``diffusers`` schedulers (DESIGN section 5): DDPM ancestral sampling,
deterministic DDIM and DDIM inversion, for networks that predict the noise (``'epsilon'``), the clean sample
(``'sample'``) or v (``'v_prediction'``).

The network is a callable ``denoise(x_t, t) -> output`` (B, ...) at integer level t. Per step the sampler

1. evaluates the network (with classifier-free guidance, on ``[x_t; x_t]`` and mixes the halves:
   ``uncond + cfg_scale * (cond - uncond)``, ``samplers.cfg``);
2. applies the guidance of a ``Guidance`` whose energy is active at t (``energy(x0_hat, t)`` returns None
   when no term is): in *noise space* (ScoreHMR eq. 10), ``eps' = eps + scale * sqrt(1 - alpha_t) * grad_{x_t}
   E(x0_hat(x_t))``, or as a *posterior-mean shift* (RoHM eq. 14), ``mean' = mean - scale * Sigma_t *
   grad_{x0_hat} E(x0_hat)``, Sigma_t the step's posterior variance (added to ``prev_sample``: noise and shift
   commute), optionally masked to some coordinates (``grad_mask``); ``aux_step(energy)`` lets the caller
   optimise auxiliary variables with the same energy (ScoreHMR's camera offset) before the gradient is taken.
   In noise space ``x0_hat = (x_t - sqrt(1 - alpha_t) eps) / sqrt(alpha_t)`` is by default built from the
   *detached* noise prediction (ScoreHMR's release: no backward pass through the network), so
   ``grad_{x_t} E = grad_{x0} E / sqrt(alpha_t)``; ``Guidance(through_denoiser=True)`` differentiates eps(x_t)
   too (the literal reading of eq. 10: ``grad_{x_t} E = (I - sqrt(1 - alpha_t) d eps / d x_t)^T grad_{x0} E /
   sqrt(alpha_t)``);
3. steps the scheduler, then in-paints known coordinates (``inpaint=(x_known, mask)``): they are replaced by
   ``x_known`` noised to the level reached (``x_known`` itself at the clean end).

Level grids: DDPM and DDIM take ``num_steps`` levels spread by the scheduler's ``set_timesteps`` (respacing), or
an explicit list; DDIM inversion walks a grid upwards. The thin ``DDIMLoop`` (``samplers.ddim``) is ScoreHMR's
use of it.
"""
from dataclasses import dataclass
from typing import Callable, Optional, Sequence

import torch
from diffusers import DDIMInverseScheduler, DDIMScheduler, DDPMScheduler

BETA_SCHEDULES = ('linear', 'scaled_linear', 'squaredcos_cap_v2')
PREDICTION_TYPES = ('epsilon', 'sample', 'v_prediction')
KINDS = ('ddpm', 'ddim')
GUIDANCE_MODES = ('noise', 'mean')


def noise_schedule_args(num_train_timesteps: int = 1000, beta_schedule: str = 'squaredcos_cap_v2') -> dict:
    """Scheduler arguments shared by training (``DDPMScheduler``) and sampling (validated)."""
    if beta_schedule not in BETA_SCHEDULES:
        raise ValueError(f'beta_schedule: expected one of {BETA_SCHEDULES}, got {beta_schedule!r}')
    return dict(num_train_timesteps=int(num_train_timesteps), beta_schedule=beta_schedule, clip_sample=False)


@dataclass
class Guidance:
    """Score guidance of a sampler.

    ``energy(x0_hat (B, ...), t) -> (B,) or None`` (None: no term active at t); ``mode`` 'noise' (ScoreHMR eq. 10)
    or 'mean' (RoHM eq. 14); ``scale``: rho / lambda; ``grad_mask``: bool broadcastable to x, True where the
    gradient may move the sample (None: everywhere); ``aux_step(energy)``: called with each evaluated energy
    before the gradient w.r.t. the sample is taken (auxiliary variables optimised jointly);
    ``through_denoiser`` ('noise' mode only): False (default, ScoreHMR's release) forms x0_hat from the detached
    noise prediction, so the gradient is ``grad_{x0} E / sqrt(alpha_t)`` without a backward pass through the
    network; True differentiates the network's output w.r.t. x_t as well (literal eq. 10).
    """

    energy: Callable
    mode: str = 'noise'
    scale: float = 1.0
    grad_mask: Optional[torch.Tensor] = None
    aux_step: Optional[Callable] = None
    through_denoiser: bool = False

    def __post_init__(self):
        if self.mode not in GUIDANCE_MODES:
            raise ValueError(f'guidance mode: expected one of {GUIDANCE_MODES}, got {self.mode!r}')


class DiffusionSampler:
    """A noise schedule and the DDPM / DDIM / inverse-DDIM steps over it.

    Args:
        num_train_timesteps / beta_schedule: the schedule the network was trained with.
        prediction_type: what the network outputs ('epsilon', 'sample' = x0, 'v_prediction').
        kind: 'ddpm' (ancestral, ``variance_type``) or 'ddim' (deterministic, eta = 0).
        variance_type: DDPM posterior variance ('fixed_small', as RoHM).
        set_alpha_to_one: DDIM's alpha at the clean end (True: the clean end is exact, ScoreHMR).
    """

    def __init__(self, num_train_timesteps: int = 1000, beta_schedule: str = 'squaredcos_cap_v2',
                 prediction_type: str = 'epsilon', kind: str = 'ddim', variance_type: str = 'fixed_small',
                 set_alpha_to_one: bool = True):
        if prediction_type not in PREDICTION_TYPES:
            raise ValueError(f'prediction_type: expected one of {PREDICTION_TYPES}, got {prediction_type!r}')
        if kind not in KINDS:
            raise ValueError(f'sampler kind: expected one of {KINDS}, got {kind!r}')
        args = dict(noise_schedule_args(num_train_timesteps, beta_schedule), prediction_type=prediction_type)
        self.kind, self.prediction_type, self.num_train_timesteps = kind, prediction_type, int(num_train_timesteps)
        if kind == 'ddpm':
            self.scheduler = DDPMScheduler(**args, variance_type=variance_type)
        else:
            self.scheduler = DDIMScheduler(**args, set_alpha_to_one=set_alpha_to_one)
        self.inverse = DDIMInverseScheduler(**args, set_alpha_to_one=set_alpha_to_one)
        self.alphas_cumprod = self.scheduler.alphas_cumprod

    # ------------------------------------------------------------------------------------ grids
    def timesteps(self, num_steps: int, max_level: Optional[int] = None) -> list:
        """Descending levels of a ``num_steps``-step run (the scheduler's spacing), those <= ``max_level`` kept."""
        if isinstance(num_steps, bool) or not isinstance(num_steps, int) or not 0 < num_steps <= self.num_train_timesteps:
            raise ValueError(f'num_steps: expected an integer in 1..{self.num_train_timesteps}, got {num_steps!r}')
        self.scheduler.set_timesteps(num_steps)
        levels = [int(t) for t in self.scheduler.timesteps]
        return levels if max_level is None else [t for t in levels if t <= max_level]

    def previous_level(self, t: int) -> int:
        """The level the scheduler steps to from t (-1: the clean end)."""
        return int(self.scheduler.previous_timestep(t)) if self.kind == 'ddpm' else \
            t - self.num_train_timesteps // self.scheduler.num_inference_steps

    # ------------------------------------------------------------------------- conversions
    def _alpha(self, t: int, like: torch.Tensor) -> torch.Tensor:
        return self.alphas_cumprod[t].to(like) if t >= 0 else like.new_tensor(1.0)

    def to_x0_eps(self, output: torch.Tensor, x_t: torch.Tensor, t: int) -> tuple:
        """The network output at level t -> (x0_hat, eps_hat) (eq. 4 of ScoreHMR / the v relation)."""
        alpha = self._alpha(t, x_t)
        a, b = alpha.sqrt(), (1 - alpha).sqrt()
        if self.prediction_type == 'epsilon':
            return (x_t - b * output) / a, output
        if self.prediction_type == 'sample':
            return output, (x_t - a * output) / b.clamp(min=1e-12)
        return a * x_t - b * output, b * x_t + a * output  # v-prediction

    def from_eps(self, eps: torch.Tensor, x_t: torch.Tensor, t: int) -> torch.Tensor:
        """The network output that corresponds to noise ``eps`` at level t (inverse of ``to_x0_eps``)."""
        if self.prediction_type == 'epsilon':
            return eps
        alpha = self._alpha(t, x_t)
        a, b = alpha.sqrt(), (1 - alpha).sqrt()
        x0 = (x_t - b * eps) / a
        return x0 if self.prediction_type == 'sample' else a * eps - b * x0

    def posterior_variance(self, t: int, like: torch.Tensor) -> torch.Tensor:
        """Sigma_t of the step from t to its previous level: (1 - a_prev) / (1 - a_t) * (1 - a_t / a_prev)."""
        alpha, alpha_prev = self._alpha(t, like), self._alpha(self.previous_level(t), like)
        return (1 - alpha_prev) / (1 - alpha) * (1 - alpha / alpha_prev)

    # ---------------------------------------------------------------------------------- steps
    def _evaluate(self, denoise: Callable, x: torch.Tensor, t: int, cfg_scale: Optional[float]) -> torch.Tensor:
        if cfg_scale is None:
            return denoise(x, t)
        cond, uncond = denoise(torch.cat([x, x], dim=0), t).chunk(2, dim=0)
        return uncond + cfg_scale * (cond - uncond)

    def sample(self, denoise: Callable, x_start: torch.Tensor, levels: Sequence[int],
               guidance: Optional[Guidance] = None, inpaint: Optional[tuple] = None,
               cfg_scale: Optional[float] = None, generator: Optional[torch.Generator] = None,
               return_x0_at: Optional[int] = None) -> torch.Tensor:
        """``x_start`` at ``levels[0]`` -> the clean sample, through the descending ``levels``.

        ``return_x0_at``: stop at that level and return the predicted clean sample (RoHM's early stop).
        """
        x = x_start.detach()
        for t in levels:
            if guidance is None:
                with torch.no_grad():
                    output = self._evaluate(denoise, x, t, cfg_scale)
                shift = None
            else:
                output, shift = self._guided(denoise, x, t, guidance, cfg_scale)
            if return_x0_at is not None and t <= return_x0_at:
                return self.to_x0_eps(output, x, t)[0].detach()
            if self.kind == 'ddpm':
                x = self.scheduler.step(output, t, x, generator=generator).prev_sample
            else:
                x = self.scheduler.step(output, t, x, eta=0.0).prev_sample
            if shift is not None:
                x = x + shift
            x = self._inpaint(x, inpaint, self.previous_level(t), generator).detach()
        return x

    def _guided(self, denoise: Callable, x: torch.Tensor, t: int, guidance: Guidance, cfg_scale) -> tuple:
        """(network output, shift of the next sample or None) of one guided step."""
        detached = guidance.mode == 'noise' and not guidance.through_denoiser
        with torch.enable_grad():
            x_in = x.detach().requires_grad_(guidance.mode == 'noise')
            if detached:  # the release: x0_hat(x_t) from the detached eps, linear in x_t
                with torch.no_grad():
                    output = self._evaluate(denoise, x, t, cfg_scale)
                    eps = self.to_x0_eps(output, x, t)[1]
                alpha = self._alpha(t, x)
                x0_hat = (x_in - (1 - alpha).sqrt() * eps) / alpha.sqrt()
            else:
                output = self._evaluate(denoise, x_in, t, cfg_scale)
                x0_hat, eps = self.to_x0_eps(output, x_in, t)
            if guidance.mode == 'mean':
                x0_hat = x0_hat.detach().requires_grad_(True)
            energy = guidance.energy(x0_hat, t)
            if energy is None:
                return output.detach(), None
            if guidance.aux_step is not None:
                guidance.aux_step(energy)
            grad, = torch.autograd.grad(energy.sum(), x_in if guidance.mode == 'noise' else x0_hat)
        if guidance.grad_mask is not None:
            grad = grad * guidance.grad_mask.to(grad)
        if guidance.mode == 'noise':
            eps = eps.detach() + guidance.scale * (1 - self._alpha(t, x)).sqrt() * grad
            return self.from_eps(eps, x, t), None
        return output.detach(), -guidance.scale * self.posterior_variance(t, x) * grad

    def _inpaint(self, x: torch.Tensor, inpaint: Optional[tuple], level: int, generator) -> torch.Tensor:
        """Known coordinates of ``x`` (at ``level``) set to the known values noised to that level."""
        if inpaint is None:
            return x
        known, mask = inpaint
        known = known.to(x)
        if level >= 0:
            noise = torch.randn(known.shape, generator=generator, device=known.device, dtype=known.dtype)
            alpha = self._alpha(level, x)
            known = alpha.sqrt() * known + (1 - alpha).sqrt() * noise
        return torch.where(mask.to(x.device), known, x)

    @torch.no_grad()
    def invert(self, denoise: Callable, x0: torch.Tensor, levels: Sequence[int], step: int) -> torch.Tensor:
        """Deterministic DDIM inversion of the clean ``x0`` up the ascending ``levels`` (spacing ``step``), the
        network evaluated at the level each step starts from (the clean end uses level 0's network)."""
        self.inverse.set_timesteps(self.num_train_timesteps // step)
        x = x0
        for t in levels:
            x = self.inverse.step(denoise(x, max(t - step, 0)), t, x).prev_sample
        return x
