"""ScoreHMR's DDIM loop (section 4.1, eqs. 7, 9, 10): a thin use of the shared ``DiffusionSampler``.

Inversion (``DDIMInverseScheduler``, eq. 7) goes clean -> 0 -> step -> ... -> tau, evaluating the noise at the
level it starts from; sampling (``DDIMScheduler`` with eta = 0, eq. 9) goes back tau -> ... -> 0 -> clean, guided
in noise space (eq. 10). With ``set_alpha_to_one`` the clean end has alpha = 1 on both sides, so the two are
inverse up to the change of the network's input along the way (ScoreHMR measures < 1e-3 per dimension).
"""
from typing import Callable, Optional

import torch

from unihmr.models.samplers.diffusion import DiffusionSampler, Guidance, noise_schedule_args


class DDIMLoop:
    """DDIM inversion to ``tau`` and sampling back, on the grid of spacing ``step``.

    ``eps_fn(x, t: int) -> eps`` predicts the noise of ``x`` at integer level t (same shape as x).
    """

    def __init__(self, num_train_timesteps: int = 1000, beta_schedule: str = 'squaredcos_cap_v2', tau: int = 50,
                 step: int = 2):
        noise_schedule_args(num_train_timesteps, beta_schedule)  # validates the schedule
        if step <= 0 or num_train_timesteps % step:
            raise ValueError(f'DDIM step: expected a positive divisor of {num_train_timesteps}, got {step}')
        if not 0 <= tau < num_train_timesteps or tau % step:
            raise ValueError(f'DDIM tau: expected a multiple of step={step} in [0, {num_train_timesteps}), got {tau}')
        self.tau, self.step = int(tau), int(step)
        self.sampler = DiffusionSampler(num_train_timesteps, beta_schedule, prediction_type='epsilon', kind='ddim')
        self.sample_times = self.sampler.timesteps(num_train_timesteps // step, max_level=tau)  # tau, ..., step, 0
        self.invert_times = self.sample_times[::-1]  # 0, step, ..., tau
        self.alphas_cumprod = self.sampler.alphas_cumprod

    @property
    def num_steps(self) -> int:
        """DDIM steps from tau back to the clean end."""
        return len(self.sample_times)

    def invert(self, eps_fn: Callable, x0: torch.Tensor) -> torch.Tensor:
        """Clean ``x0`` -> latent at level tau (eq. 7), no gradients."""
        return self.sampler.invert(eps_fn, x0, self.invert_times, self.step)

    def x0_hat(self, x_t: torch.Tensor, eps: torch.Tensor, t: int) -> torch.Tensor:
        """Eq. 4: the clean sample predicted from ``x_t`` at level t."""
        return self.sampler.to_x0_eps(eps, x_t, t)[0]

    def sample(self, eps_fn: Callable, x_tau: torch.Tensor, guidance: Optional[Guidance] = None) -> torch.Tensor:
        """Latent at tau -> clean sample by deterministic DDIM (eq. 9), steered by ``guidance`` (noise space,
        eq. 10) when given."""
        return self.sampler.sample(eps_fn, x_tau, self.sample_times, guidance=guidance)
