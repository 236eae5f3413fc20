"""DDPM completion head: a RoHM / ScoreHMR-style denoiser in FactorizedHMR's Stage-2 slot (issue 18's mix).

Not a published method: the flow-matching head's problem (complete the unknown coordinates z_U of the codec given
the anchor z_K of an earlier stage, ``heads.completion``) solved by a diffusion model instead. Everything but the
corruption and the sampler is the flow head's: codec, anchor, conditioning tokens, network, classifier-free
guidance, geometry losses.

Training (one level per sequence, t ~ U{0, ..., N - 1}, the ``diffusers`` schedule of ``samplers.diffusion``):

    z_t = (1 - M) * z_K + M * (sqrt(a_t) z + sqrt(1 - a_t) eps)        (z_K clean, as eq. 6 of FactorizedHMR)

The network sees time t / N. With ``prediction_type='sample'`` (default; RoHM's PoseNet and MDM predict the clean
sample) the shared ``target`` term of ``SMPLXLossSet`` is the x0 loss; with ``'epsilon'`` (ScoreHMR) ``loss_eps``
is the noise MSE over unknown coordinates and valid frames, and the geometry terms read the implied x0.

Sampling: ``DiffusionSampler`` (``kind='ddpm'`` ancestral, fixed-small variance, as RoHM; or ``'ddim'``) over
``num_steps`` respaced levels (default 50). Known coordinates are held as in the flow head: the network sees the
anchor clean at every level and the result takes it back. ``energies`` guide as RoHM does (eq. 14, the
posterior mean shifted by ``-energy_scale * Sigma_t * grad E(x0_hat)``, on the unknown coordinates).
"""
from typing import Optional

import torch

from unihmr.models.batch_ops import repeat_batch
from unihmr.models.heads.completion import CompletionHead
from unihmr.models.losses import masked_mean
from unihmr.models.samplers import DiffusionSampler, Guidance
from unihmr.registry import HEADS

PREDICTION_TYPES = ('sample', 'epsilon')


@HEADS.register_module()
class DiffusionCompletionHead(CompletionHead):
    """DDPM over a codec's unknown coordinates, conditioned on the anchor.

    Args:
        codec: codec config with ``known_fields`` (as ``FlowMatchingHead``).
        num_train_timesteps / beta_schedule: the noise schedule (1000, cosine).
        prediction_type: 'sample' (the clean sample, RoHM) or 'epsilon' (the noise, ScoreHMR).
        kind: 'ddpm' (ancestral) or 'ddim' (deterministic). num_steps: sampling levels (``num_steps`` overrides).
        eps_weight: weight of ``loss_eps`` ('epsilon' only).
        shared: ``CompletionHead`` arguments (backbone, encoder, anchor_fields, guidance, losses, energies, ...).
    """

    def __init__(self, codec: dict, num_train_timesteps: int = 1000, beta_schedule: str = 'squaredcos_cap_v2',
                 prediction_type: str = 'sample', kind: str = 'ddpm', num_steps: int = 50, eps_weight: float = 1.0,
                 **shared):
        super().__init__(codec, **shared)
        if prediction_type not in PREDICTION_TYPES:
            raise ValueError(f'prediction_type: expected one of {PREDICTION_TYPES}, got {prediction_type!r}')
        self.sampler = DiffusionSampler(num_train_timesteps, beta_schedule, prediction_type, kind)
        self.num_levels, self.num_steps, self.eps_weight = int(num_train_timesteps), int(num_steps), float(eps_weight)
        self.sampler.timesteps(self.num_steps)  # validates num_steps

    def network_time(self, level) -> torch.Tensor:
        """The network's time input in [0, 1) of a level (int or (B,) tensor): level / N."""
        return torch.as_tensor(level, dtype=torch.float32) / self.num_levels

    # --------------------------------------------------------------------------------------- loss
    def loss(self, cond: Optional[torch.Tensor], batch: dict, history: Optional[dict] = None) -> dict:
        """The x0 (``target``) or noise (``loss_eps``) loss plus the geometry terms, at one level per sequence."""
        batch = self.with_targets(batch)
        z = self.codec.encode(batch)  # (B, T, dim)
        known = self.known_coordinates(z, history, batch)
        unknown = ~known['mask'].to(z.device)
        level = torch.randint(0, self.num_levels, (z.shape[0],), device=z.device)
        noise = torch.randn_like(z)
        alpha = self.sampler.alphas_cumprod.to(z)[level][:, None, None]  # (B, 1, 1)
        z_t = torch.where(unknown, alpha.sqrt() * z + (1 - alpha).sqrt() * noise, known['x'].to(z))
        drop = self.guidance.training_drop(z.shape[0], z.device)
        out = self.network(z_t, self.network_time(level).to(z), self.tokens(cond, batch, known, drop),
                           batch.get('valid'))
        losses = {}
        if self.sampler.prediction_type == 'epsilon':
            valid = batch['valid'].bool()[..., None] if 'valid' in batch else torch.ones_like(unknown[..., :1])
            losses['loss_eps'] = self.eps_weight * masked_mean((out - noise).square(), valid & unknown)
            out = (z_t - (1 - alpha).sqrt() * out) / alpha.sqrt()
        z_hat = torch.where(unknown, out, known['x'].to(z))
        losses.update(self.loss_set(z_hat, batch, self.codec, self.body_model, x_gt=z,
                                    extras=dict(target_mask=unknown)))
        return losses

    # ------------------------------------------------------------------------------------- sample
    def sample_window(self, cond, batch: dict, history: dict, num_samples: int, num_steps: Optional[int] = None,
                      guidance_scale: Optional[float] = None, energy_scale: Optional[float] = None) -> tuple:
        """Draw ``num_samples`` completions of the anchor in one batched pass (see ``FlowMatchingHead``)."""
        levels = self.sampler.timesteps(self.num_steps if num_steps is None else int(num_steps))
        scale = self.guidance.scale if guidance_scale is None else float(guidance_scale)
        step = self.energy_scale if energy_scale is None else float(energy_scale)
        known = self.known_coordinates(None, history, batch)
        tokens, valid, guided = self.sample_tokens(cond, batch, known, num_samples, scale)
        output = self.guided_network(tokens, valid, guided, scale)
        mask = known['mask'].to(tokens.device)
        anchor = repeat_batch(known['x'].to(tokens), num_samples)  # (S * B, T, dim)

        def denoise(x_t, level):
            times = self.network_time(level).to(x_t).expand(x_t.shape[0])
            return output(torch.where(mask, anchor, x_t), times)

        guidance = None
        if self.energies is not None and step != 0:
            batch_s, history_s = repeat_batch(batch, num_samples), repeat_batch(history, num_samples)
            guidance = Guidance(energy=lambda x0, level: self.energy_value(x0, batch_s, history_s, level),
                                mode='mean', scale=step, grad_mask=~mask)
        noise = torch.randn_like(anchor)
        z = self.sampler.sample(denoise, noise, levels, guidance=guidance)
        return self.choose(torch.where(mask, anchor, z), num_samples)
