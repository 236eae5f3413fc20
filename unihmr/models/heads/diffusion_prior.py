"""Image-conditional diffusion pose prior (ScoreHMR section 4.2): the model behind ``ScoreHMRRefiner``.

It diffuses the per-frame pose vector of its codec (default: the 6D camera-frame root orientation and the 21
body rotations, 132 values; add ``'betas'`` to the codec fields to model the shape too) with a
``ResMLPDenoiser`` conditioned on the frame's image features. Training: the noise-prediction loss of eq. 11
with the ``diffusers`` ``DDPMScheduler`` (1000 steps, cosine schedule), one timestep per frame, over valid
frames. ``predict`` draws poses from the prior by deterministic DDIM from pure noise; the fields outside its
layout (shape, camera, world motion) come from ``known`` (an earlier stage's output) or are placeholders.
"""
from typing import Optional

import torch
from diffusers import DDPMScheduler
from torch import nn

from unihmr.models.heads.base import BaseHead, HeadOutput
from unihmr.models.losses import masked_mean
from unihmr.models.samplers import DDIMLoop, noise_schedule_args
from unihmr.registry import BACKBONES, CODECS, HEADS
from unihmr.utils.validation import check_tensor


@HEADS.register_module()
class DiffusionPriorHead(BaseHead):
    """eps(x_t, t, image features) over the codec's per-frame vector.

    Args:
        codec: codec config (default ``GVHMRCodec(fields=('global_orient_c', 'body_pose'))``).
        denoiser: ``ResMLPDenoiser`` config without ``in_dim`` / ``cond_dim`` (set from the codec and ``feat_dim``).
        feat_dim: width of ``batch['img_feat']``, the condition.
        num_train_timesteps / beta_schedule: the noise schedule (1000, cosine = ``'squaredcos_cap_v2'``).
        sample_step: DDIM step spacing of ``predict``.
        in_width, body_model: given by the recoverer (unused: the prior reads only the image features).
    """

    sampler_options = ('sample_step',)

    def __init__(self, codec: dict = dict(type='GVHMRCodec', fields=('global_orient_c', 'body_pose')),
                 denoiser: dict = dict(type='ResMLPDenoiser'), feat_dim: int = 64, num_train_timesteps: int = 1000,
                 beta_schedule: str = 'squaredcos_cap_v2', sample_step: int = 20, in_width: Optional[int] = None,
                 body_model: Optional[nn.Module] = None):
        super().__init__(codec if isinstance(codec, nn.Module) else CODECS.build(codec), body_model)
        self.feat_dim = int(feat_dim)
        self.denoiser = BACKBONES.build(dict(denoiser, in_dim=self.codec.dim, cond_dim=self.feat_dim))
        self.schedule = dict(num_train_timesteps=num_train_timesteps, beta_schedule=beta_schedule)
        self.noise_scheduler = DDPMScheduler(**noise_schedule_args(**self.schedule))
        self.sample_step = int(sample_step)
        DDIMLoop(**self.schedule, tau=num_train_timesteps - sample_step, step=sample_step)  # validates sample_step

    @property
    def uses_shared_cond(self) -> bool:
        """The prior reads the image features itself, never the recoverer's tokens."""
        return False

    def condition(self, batch: dict) -> torch.Tensor:
        """The image features (B, T, feat_dim), checked."""
        if batch.get('img_feat') is None:
            raise ValueError(f"DiffusionPriorHead needs batch['img_feat'] (B, T, {self.feat_dim}); "
                             f'the batch has {sorted(batch)}')
        return check_tensor('img_feat', batch['img_feat'], (None, None, self.feat_dim))

    def eps(self, x_t: torch.Tensor, t, features: torch.Tensor) -> torch.Tensor:
        """Predicted noise (B, T, dim) of ``x_t`` (B, T, dim) at levels ``t`` (int or (B, T))."""
        return self.denoiser(x_t, t, features.to(x_t))

    def loss(self, cond: torch.Tensor, batch: dict, known=None) -> dict:
        """Eq. 11: ``|eps(x_t, t, c) - eps|^2``, mean over coordinates and valid frames."""
        x0 = self.codec.encode(batch)
        noise = torch.randn_like(x0)
        t = torch.randint(0, self.schedule['num_train_timesteps'], x0.shape[:-1], device=x0.device)
        x_t = self.noise_scheduler.add_noise(x0.reshape(-1, x0.shape[-1]), noise.reshape(-1, x0.shape[-1]),
                                             t.reshape(-1)).view_as(x0)
        error = (self.eps(x_t, t, self.condition(batch)) - noise).square()
        valid = batch['valid'].bool()[..., None] if 'valid' in batch else torch.ones_like(error, dtype=torch.bool)
        return {'loss_diffusion': masked_mean(error, valid)}

    def fill_from(self, known, batch: dict) -> Optional[dict]:
        """Unnormalised fields outside the layout, taken from an earlier stage's ``HeadOutput`` (else None)."""
        if known is None or isinstance(known, dict):
            return None
        needed = getattr(self.codec, 'DECODED_FIELDS', tuple(self.codec.available_fields))
        missing = [name for name in needed if name not in self.codec.fields]
        return self.codec.encode_fields(dict(batch, smpl_params=known.smpl_params), names=missing)

    @torch.no_grad()
    def predict(self, cond: torch.Tensor, batch: dict, known=None, num_samples: int = 1,
                sample_step: Optional[int] = None) -> HeadOutput:
        """Poses drawn from the prior (DDIM from pure noise); S > 1 adds ``samples['x']`` (S, B, T, dim)."""
        if isinstance(num_samples, bool) or not isinstance(num_samples, int) or num_samples < 1:
            raise ValueError(f'num_samples: expected a positive integer, got {num_samples!r}')
        step = self.sample_step if sample_step is None else int(sample_step)
        loop = DDIMLoop(**self.schedule, tau=self.schedule['num_train_timesteps'] - step, step=step)
        features = self.condition(batch)
        shape = (*features.shape[:2], self.codec.dim)
        samples = torch.stack([
            loop.sample(lambda x, t: self.eps(x, t, features), torch.randn(shape, device=features.device))
            for _ in range(num_samples)])
        out = self.decode(samples[0], batch, fill=self.fill_from(known, batch))
        if num_samples > 1:
            out.samples = dict(x=samples)
        return out
