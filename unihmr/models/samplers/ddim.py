"""Deterministic DDIM inversion and (guided) DDIM sampling between clean data and noise level tau, with the
``diffusers`` schedulers (ScoreHMR section 4.1, eqs. 7, 9, 10).

Both schedulers share one noise schedule and the grid ``0, step, 2 step, ..., tau``. Inversion
(``DDIMInverseScheduler``, eq. 7) goes clean -> 0 -> step -> ... -> tau, evaluating the noise at the level
it starts from; sampling (``DDIMScheduler`` with eta = 0, eq. 9) goes back tau -> ... -> 0 -> clean. With
``set_alpha_to_one`` the clean end has alpha = 1 on both sides, so the two are inverse up to the change of
the network's input along the way (ScoreHMR measures < 1e-3 per dimension).

Guidance (eq. 10): ``eps' = eps + scale * sqrt(1 - alpha_t) * grad_x_t L(x0_hat(x_t))``, where
``x0_hat = (x_t - sqrt(1 - alpha_t) eps) / sqrt(alpha_t)`` (eq. 4) and L is given by the caller.
"""
from typing import Callable, Optional

import torch
from diffusers import DDIMInverseScheduler, DDIMScheduler

BETA_SCHEDULES = ('linear', 'scaled_linear', 'squaredcos_cap_v2')


def noise_schedule_args(num_train_timesteps: int = 1000, beta_schedule: str = 'squaredcos_cap_v2') -> dict:
    """Scheduler arguments shared by training (``DDPMScheduler``) and DDIM (validated)."""
    if beta_schedule not in BETA_SCHEDULES:
        raise ValueError(f'beta_schedule: expected one of {BETA_SCHEDULES}, got {beta_schedule!r}')
    return dict(num_train_timesteps=int(num_train_timesteps), beta_schedule=beta_schedule, clip_sample=False)


class DDIMLoop:
    """DDIM inversion to ``tau`` and sampling back, on the grid of spacing ``step``.

    ``eps_fn(x, t: int) -> eps`` predicts the noise of ``x`` at integer level t (same shape as x).
    """

    def __init__(self, num_train_timesteps: int = 1000, beta_schedule: str = 'squaredcos_cap_v2', tau: int = 50,
                 step: int = 2):
        args = noise_schedule_args(num_train_timesteps, beta_schedule)
        if step <= 0 or num_train_timesteps % step:
            raise ValueError(f'DDIM step: expected a positive divisor of {num_train_timesteps}, got {step}')
        if not 0 <= tau < num_train_timesteps or tau % step:
            raise ValueError(f'DDIM tau: expected a multiple of step={step} in [0, {num_train_timesteps}), got {tau}')
        self.tau, self.step = int(tau), int(step)
        self.forward = DDIMScheduler(**args, set_alpha_to_one=True)
        self.inverse = DDIMInverseScheduler(**args, set_alpha_to_one=True)
        self.forward.set_timesteps(num_train_timesteps // step)
        self.inverse.set_timesteps(num_train_timesteps // step)
        self.sample_times = [int(t) for t in self.forward.timesteps if t <= tau]  # tau, ..., step, 0
        self.invert_times = [int(t) for t in self.inverse.timesteps if t <= tau]  # 0, step, ..., tau
        self.alphas_cumprod = self.forward.alphas_cumprod

    def invert(self, eps_fn: Callable, x0: torch.Tensor) -> torch.Tensor:
        """Clean ``x0`` -> latent at level tau (eq. 7), no gradients."""
        x = x0
        with torch.no_grad():
            for t in self.invert_times:
                source = max(t - self.step, 0)  # the level x is at (the clean end uses level 0's network)
                x = self.inverse.step(eps_fn(x, source), t, x).prev_sample
        return x

    def x0_hat(self, x_t: torch.Tensor, eps: torch.Tensor, t: int) -> torch.Tensor:
        """Eq. 4: the clean sample predicted from ``x_t`` at level t."""
        alpha = self.alphas_cumprod[t].to(x_t)
        return (x_t - (1 - alpha).sqrt() * eps) / alpha.sqrt()

    def sample(self, eps_fn: Callable, x_tau: torch.Tensor, guidance: Optional[Callable] = None,
               scale: float = 1.0) -> torch.Tensor:
        """Latent at tau -> clean sample by deterministic DDIM (eq. 9). ``guidance(x0_hat, t) -> loss`` (a
        tensor summed before differentiation) steers each step by eq. 10 with ``scale`` (rho)."""
        x = x_tau.detach()
        for t in self.sample_times:
            if guidance is None:
                with torch.no_grad():
                    eps = eps_fn(x, t)
            else:
                with torch.enable_grad():
                    x_in = x.detach().requires_grad_(True)
                    eps = eps_fn(x_in, t)
                    loss = guidance(self.x0_hat(x_in, eps, t), t).sum()
                    grad, = torch.autograd.grad(loss, x_in)
                eps = eps.detach() + scale * (1 - self.alphas_cumprod[t].to(x)).sqrt() * grad
            x = self.forward.step(eps, t, x, eta=0.0).prev_sample.detach()
        return x
