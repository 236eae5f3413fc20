"""Image-conditional diffusion pose prior (ScoreHMR section 4.2): the model behind ``ScoreHMRRefiner``.

It diffuses the per-frame pose vector of its codec (default: the raw 6D camera-frame root orientation and the
21 body rotations, 132 values, as the paper and the authors' release do: the codec is built with
``normalized=False``, so guidance gradients and the inversion depth tau mean what they mean there; add
``'betas'`` to the codec fields to model the shape too) with a
``ResMLPDenoiser`` conditioned on the frame's image features. Training: the noise-prediction loss of eq. 11
with the ``diffusers`` ``DDPMScheduler`` (1000 steps, cosine schedule), one timestep per frame, over valid
frames. ``predict`` draws poses from the prior by deterministic DDIM from pure noise (``num_steps`` DDIM
steps, the shared ``DiffusionSampler``); the fields outside its layout (shape, camera, world motion) come from
the earlier estimate named in ``inputs`` or are placeholders.

``condition='keypoints'`` (not in the paper, for models without image features, issue 15) conditions the prior
on the frame's detected keypoints instead: box-normalised coordinates (``box_normalized_points``, zero where the
confidence is below ``conf_threshold``) and the visible mask, 17 x 3 values.
"""
from typing import Optional

import torch
from diffusers import DDPMScheduler
from torch import nn

from unihmr.data.contract import NUM_KEYPOINTS
from unihmr.geometry import box_normalized_points
from unihmr.models.batch_ops import repeat_batch
from unihmr.models.heads.base import BaseHead, build_part
from unihmr.models.losses import masked_mean
from unihmr.models.samplers import DiffusionSampler, noise_schedule_args
from unihmr.registry import BACKBONES, CODECS, HEADS
from unihmr.utils.validation import check_tensor


CONDITIONS = ('img_feat', 'keypoints')


@HEADS.register_module()
class DiffusionPriorHead(BaseHead):
    """eps(x_t, t, image features or keypoints) over the codec's per-frame vector.

    Args:
        codec: codec config (default ``GVHMRCodec(fields=('global_orient_c', 'body_pose'), normalized=False)``).
        denoiser: ``ResMLPDenoiser`` config without ``in_dim`` / ``cond_dim`` (set from the codec and ``feat_dim``).
        feat_dim: width of ``batch['img_feat']``, the condition.
        condition: ``'img_feat'`` (the paper) or ``'keypoints'`` (box-normalised keypoints and visibility).
        conf_threshold: keypoints below this confidence count as missing (``condition='keypoints'``).
        num_train_timesteps / beta_schedule: the noise schedule (1000, cosine = ``'squaredcos_cap_v2'``).
        num_steps: DDIM steps of ``predict`` (a divisor of ``num_train_timesteps``).
        in_width, body_model, inputs, windowing: given by the recoverer (the prior reads only the image features).
    """

    takes_steps = True

    def __init__(self, codec: dict = dict(type='GVHMRCodec', fields=('global_orient_c', 'body_pose'), normalized=False),
                 denoiser: dict = dict(type='ResMLPDenoiser'), feat_dim: int = 64, num_train_timesteps: int = 1000,
                 beta_schedule: str = 'squaredcos_cap_v2', num_steps: int = 50, in_width: Optional[int] = None,
                 body_model: Optional[nn.Module] = None, inputs=(), windowing=None, condition: str = 'img_feat',
                 conf_threshold: float = 0.3):
        super().__init__(build_part(CODECS, codec), body_model, inputs, windowing)
        if condition not in CONDITIONS:
            raise ValueError(f'condition: unknown {condition!r}; known: {list(CONDITIONS)}')
        self.condition_kind, self.conf_threshold = condition, float(conf_threshold)
        self.feat_dim = int(feat_dim)
        cond_dim = self.feat_dim if condition == 'img_feat' else NUM_KEYPOINTS * 3
        self.denoiser = BACKBONES.build(dict(denoiser, in_dim=self.codec.dim, cond_dim=cond_dim))
        self.schedule = dict(num_train_timesteps=num_train_timesteps, beta_schedule=beta_schedule)
        self.noise_scheduler = DDPMScheduler(**noise_schedule_args(**self.schedule))
        self.sampler = DiffusionSampler(**self.schedule, prediction_type='epsilon', kind='ddim')
        self.num_steps = int(num_steps)
        self.sampler.timesteps(self.num_steps)  # validates num_steps

    @property
    def uses_shared_cond(self) -> bool:
        """The prior reads its condition itself, never the recoverer's tokens."""
        return False

    def condition(self, batch: dict) -> torch.Tensor:
        """The image features (B, T, feat_dim), checked; or (B, T, 17 * 3) keypoints in box coordinates with
        their visible mask (``condition='keypoints'``)."""
        if self.condition_kind == 'keypoints':
            kp2d = check_tensor('kp2d', batch['kp2d'], (None, None, NUM_KEYPOINTS, 3))
            bbox = check_tensor('bbox', batch['bbox'], (*kp2d.shape[:2], 3))
            seen = (kp2d[..., 2:] >= self.conf_threshold).to(kp2d.dtype)  # (B, T, 17, 1)
            return torch.cat([box_normalized_points(kp2d[..., :2], bbox) * seen, seen], dim=-1).flatten(-2)
        if batch.get('img_feat') is None:
            raise ValueError(f"DiffusionPriorHead needs batch['img_feat'] (B, T, {self.feat_dim}); "
                             f'the batch has {sorted(batch)}')
        return check_tensor('img_feat', batch['img_feat'], (None, None, self.feat_dim))

    def eps(self, x_t: torch.Tensor, t, features: torch.Tensor) -> torch.Tensor:
        """Predicted noise (B, T, dim) of ``x_t`` (B, T, dim) at levels ``t`` (int or (B, T))."""
        return self.denoiser(x_t, t, features.to(x_t))

    def loss(self, cond, batch: dict, history: Optional[dict] = None) -> dict:
        """Eq. 11: ``|eps(x_t, t, c) - eps|^2``, mean over coordinates and valid frames."""
        x0 = self.codec.encode(batch)
        noise = torch.randn_like(x0)
        t = torch.randint(0, self.schedule['num_train_timesteps'], x0.shape[:-1], device=x0.device)
        x_t = self.noise_scheduler.add_noise(x0.reshape(-1, x0.shape[-1]), noise.reshape(-1, x0.shape[-1]),
                                             t.reshape(-1)).view_as(x0)
        error = (self.eps(x_t, t, self.condition(batch)) - noise).square()
        valid = batch['valid'].bool()[..., None] if 'valid' in batch else torch.ones_like(error, dtype=torch.bool)
        return {'loss_diffusion': masked_mean(error, valid)}

    def fill_from(self, earlier, batch: dict) -> Optional[dict]:
        """Unnormalised fields outside the layout, taken from an earlier ``Estimate`` (else None)."""
        if earlier is None:
            return None
        needed = getattr(self.codec, 'DECODED_FIELDS', tuple(self.codec.available_fields))
        missing = [name for name in needed if name not in self.codec.fields]
        return self.codec.encode_fields(dict(batch, smpl_params=earlier.params), names=missing)

    def decode_fill(self, batch: dict, history: Optional[dict]) -> Optional[dict]:
        return self.fill_from(self.earlier(history, required=False), batch)

    def sample_window(self, cond, batch: dict, history: dict, num_samples: int, num_steps: Optional[int] = None) -> tuple:
        """Poses drawn from the prior (DDIM from pure noise), the S samples in one batched pass."""
        levels = self.sampler.timesteps(self.num_steps if num_steps is None else int(num_steps))
        features = repeat_batch(self.condition(batch), num_samples)  # (S * B, T, feat_dim)
        noise = torch.randn(*features.shape[:2], self.codec.dim, device=features.device)
        x = self.sampler.sample(lambda x_t, t: self.eps(x_t, t, features), noise, levels)
        samples = x.unflatten(0, (num_samples, -1))
        return samples[0], (samples if num_samples > 1 else None)
