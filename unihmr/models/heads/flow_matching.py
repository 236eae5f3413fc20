"""Masked flow-matching completion head (FactorizedHMR section 3.3; Stage 2 of FactorizedHMR).

The codec's ``known_fields`` are z_K (fixed by the anchor of an earlier stage, eq. 5), the rest z_U. With
source noise eps~ (per-coordinate std ``noise_scale``: 0.5 on joint positions, 1 elsewhere) and t ~ U(0, 1):

    z_t = (1 - M) * z_K + M * ((1 - t) eps~ + t z)                       (eq. 6)
    L_FM = mean over unknown coordinates and valid frames of (v(z_t, t, c) - (z - eps~))^2     (eq. 7)

The clean sample predicted at t, ``z_t + (1 - t) v`` with z_K re-imposed, is decoded and supervised by the
shared ``SMPLXLossSet`` (geometry losses; the method config adds the joint-bone consistency of eq. 8 and the
ramped direct projection loss of eq. 9: ``configs/_base_/models/factorizedhmr.py``). Sampling starts z_U from noise and integrates the field with
``ODESampler`` (torchdiffeq; Euler, 50 steps by default; ``num_steps`` sets the step count), z_K held fixed;
classifier-free guidance follows ``samplers.cfg`` (the config names the dropped modalities: FactorizedHMR drops
keypoint rays and image features only).

Network: tokens (own encoder + anchor condition, ``heads.base``) + Linear(z_t) + time embedding (diffusers
``Timesteps`` / ``TimestepEmbedding``) -> backbone -> MLP (zero-initialised last layer). With
``prediction='velocity'`` the MLP output is the velocity itself; with ``prediction='data'`` it is the clean
sample D and the velocity is the exact conditional one, ``v = (D - z_t) / (1 - t)``, in training and in sampling
alike (:meth:`FlowMatchingHead.velocity` is the one field both use; t stops at ``T_MAX`` = 1 - 1e-3, where
solvers that evaluate the field at t = 1, e.g. rk4, would divide by zero). Euler's last step then lands on the
network's clean estimate. Near t = 1 the exact velocity error is ``|D - z| / (1 - t)``, so eq. 7 is weighted by
``min(1, ((1 - t) / weight_floor)^2)`` (``loss_weight``): the data error ``|D - z|^2`` then weighs at most
``1 / weight_floor^2``. (Until issue 14 the floor was applied to the velocity in training but not in sampling:
the sampler multiplied the trained velocity by up to 10x past t = 0.8; docs/factorizedhmr.md, "One velocity field".)
With 'velocity', a CPU-size model at our budget left the per-frame source noise in its samples
(docs/factorizedhmr.md).
"""
from typing import Optional

import torch
from diffusers.models.embeddings import TimestepEmbedding, Timesteps
from torch import nn

from unihmr.models.batch_ops import repeat_batch
from unihmr.models.heads.base import BaseHead, build_part, output_mlp
from unihmr.models.losses import SMPLXLossSet, masked_mean
from unihmr.models.samplers import ClassifierFreeGuidance, ODESampler
from unihmr.registry import BACKBONES, CODECS, HEADS

TIME_SCALE = 1000.0  # t in [0, 1] is scaled to the diffusion-style range the sinusoidal embedding expects
ANCHOR_SOURCES = ('previous', 'gt')
PREDICTIONS = ('velocity', 'data')
POINT_ESTIMATES = ('first', 'mean')
T_MAX = 1.0 - 1e-3  # the last time at which the field is evaluated (the 'data' velocity is singular at t = 1)


@HEADS.register_module()
class FlowMatchingHead(BaseHead):
    """Masked flow matching over a codec's unknown coordinates.

    Args:
        codec: codec config with ``known_fields`` (z_K); e.g. ``GVHMRCodec(fields=FACTORIZED_FIELDS,
            known_fields=FACTORIZED_KNOWN)``.
        backbone: backbone config (``RoPETransformer``). in_width: width of the shared tokens.
        encoder: own condition-encoder config (needed for guidance, which drops modalities).
        anchor_fields: known fields embedded as the compact anchor condition (section 3.3: the camera-frame root
            orientation and the torso pose, ``('global_orient_c', 'body_pose_torso')``).
        noise_scale: field name -> source-noise std (default 0.5 on the joint-position fields).
        guidance: ``ClassifierFreeGuidance`` arguments (``scale``, ``drop_prob``, ``dropped``).
        sampler: ``ODESampler`` arguments (``solver``, ``steps``, ``rtol``, ``atol``).
        anchor_source: train on the earlier stage's predicted anchor ('previous', the paper) or the GT one ('gt').
        losses / loss_cfg: ``SMPLXLossSet`` terms merged over its defaults; fm_weight: weight of eq. 7.
        time_dim: width of the sinusoidal time features. hidden: output-MLP width (default backbone width).
        point_estimate: what ``predict`` decodes when S > 1: the 'first' sample or the 'mean' of the S
            samples (normalised coordinates; rotations re-orthonormalised by the 6D decoding).
        prediction: what the network outputs, 'velocity' or the clean sample ('data'; see the module docstring).
        weight_floor: with 'data', the floor of 1 - t in the weight of eq. 7 (``loss_weight``); the field itself
            is never floored.
        inputs / windowing: see ``BaseHead`` (given by the recoverer); the anchor is the first of ``inputs``.
    """

    predict_options = ('solver', 'guidance_scale')
    takes_steps = True

    def __init__(self, codec: dict, backbone=dict(type='RoPETransformer'), in_width: int = 256,
                 encoder: Optional[dict] = None, anchor_fields=(), noise_scale: Optional[dict] = None,
                 guidance: Optional[dict] = None, sampler: Optional[dict] = None, anchor_source: str = 'previous',
                 losses: Optional[dict] = None, loss_cfg: Optional[dict] = None, fm_weight: float = 1.0,
                 time_dim: int = 128, hidden: Optional[int] = None, body_model: Optional[nn.Module] = None,
                 torso_split=None, point_estimate: str = 'first', prediction: str = 'velocity',
                 weight_floor: float = 0.2, inputs=(), windowing=None):
        if isinstance(codec, dict) and torso_split is not None:
            codec = dict(codec, torso_split=codec.get('torso_split', torso_split))
        super().__init__(build_part(CODECS, codec), body_model, inputs, windowing)
        if anchor_source not in ANCHOR_SOURCES:
            raise ValueError(f'anchor_source: expected one of {ANCHOR_SOURCES}, got {anchor_source!r}')
        if prediction not in PREDICTIONS:
            raise ValueError(f'prediction: expected one of {PREDICTIONS}, got {prediction!r}')
        if not 0 < weight_floor <= 1:
            raise ValueError(f'weight_floor: expected a value in (0, 1], got {weight_floor}')
        self.prediction, self.weight_floor = prediction, float(weight_floor)
        if point_estimate not in POINT_ESTIMATES:
            raise ValueError(f'point_estimate: expected one of {POINT_ESTIMATES}, got {point_estimate!r}')
        self.anchor_source, self.fm_weight, self.point_estimate = anchor_source, float(fm_weight), point_estimate
        self.backbone = build_part(BACKBONES, backbone)
        width = getattr(self.backbone, 'width', None) or backbone['width']
        self.guidance = ClassifierFreeGuidance(**(guidance or {}))
        self.sampler = ODESampler(**(sampler or {}))
        self.build_conditioning(in_width, width, encoder, anchor_fields, hidden)
        if self.encoder is not None:
            self.encoder.check_drop(self.guidance.dropped)
        elif self.guidance.dropped and (self.guidance.drop_prob > 0 or self.guidance.uses_uncond()):
            raise ValueError('FlowMatchingHead: classifier-free guidance drops modalities, which needs an own '
                             'encoder (encoder=dict(type="ConditionEncoder", ...)); or set guidance.dropped=()')
        self.x_proj = nn.Linear(self.codec.dim, width)
        self.time_features = Timesteps(time_dim, flip_sin_to_cos=True, downscale_freq_shift=0)
        self.time_embed = TimestepEmbedding(time_dim, width)
        hidden = hidden or width
        self.out_mlp = output_mlp(width, hidden, self.codec.dim)
        scale = self.codec.field_weights({'joints_torso': 0.5, 'joints_non_torso': 0.5, **(noise_scale or {})})
        self.register_buffer('noise_std', scale, persistent=False)
        self.loss_set = SMPLXLossSet(losses, **(loss_cfg or {}))
        self.loss_set.check_codec(self.codec)

    # ------------------------------------------------------------------------------------ network
    def network(self, z_t: torch.Tensor, t: torch.Tensor, tokens: torch.Tensor,
                valid: Optional[torch.Tensor]) -> torch.Tensor:
        """The network output (B, T, dim) at ``z_t`` (B, T, dim), times ``t`` (B,), condition tokens (B, T, width):
        the velocity ('velocity') or the clean sample D ('data')."""
        time = self.time_embed(self.time_features(t * TIME_SCALE).to(tokens))  # (B, width)
        hidden = tokens + self.x_proj(z_t) + time[:, None]
        return self.out_mlp(self.backbone(hidden, valid))

    def velocity(self, z_t: torch.Tensor, t: torch.Tensor, tokens: torch.Tensor,
                 valid: Optional[torch.Tensor]) -> torch.Tensor:
        """The one velocity field (B, T, dim) that training fits and sampling integrates; t is clamped to
        ``T_MAX``. With 'data': ``(D - z_t) / (1 - t)``."""
        t = t.clamp(max=T_MAX)
        out = self.network(z_t, t, tokens, valid)
        if self.prediction == 'data':
            return (out - z_t) / (1 - t)[:, None, None].to(out)
        return out

    def loss_weight(self, t: torch.Tensor) -> torch.Tensor:
        """Weight (B,) of eq. 7 at times ``t`` (B,): 1 for 'velocity'; ``min(1, ((1 - t) / weight_floor)^2)`` for
        'data', so the clean-sample error weighs ``1 / max(1 - t, weight_floor)^2``."""
        if self.prediction != 'data':
            return torch.ones_like(t)
        return ((1 - t.clamp(max=T_MAX)) / self.weight_floor).clamp(max=1.0).square()

    def reads(self, training: bool = False) -> tuple:
        """Training on the GT anchor (``anchor_source='gt'``) needs no earlier estimate."""
        return () if training and self.anchor_source == 'gt' else self.inputs

    def known_coordinates(self, z_gt: Optional[torch.Tensor], history: Optional[dict], batch: dict) -> dict:
        """The anchor as a resolved ``known`` dict: the earlier stage's (``anchor_source='previous'``) or, with
        'gt' or no earlier estimate, the GT z_K (training only)."""
        resolved = self.known_from(history, batch) if self.anchor_source == 'previous' else None
        if resolved is None:
            if z_gt is None:
                raise ValueError(f'FlowMatchingHead.predict: needs the anchor of an earlier stage ({self.inputs}); '
                                 f'history has {sorted(history or {})}')
            resolved = dict(x=z_gt, mask=self.codec.known_mask)
        return resolved

    def source_noise(self, like: torch.Tensor, known: dict) -> torch.Tensor:
        """eps~ (shape of ``like``): Gaussian noise scaled by ``noise_std``, the known values on z_K."""
        noise = torch.randn_like(like) * self.noise_std.to(like)
        return torch.where(known['mask'].to(like.device), known['x'].to(like), noise)

    # --------------------------------------------------------------------------------------- loss
    def loss(self, cond: Optional[torch.Tensor], batch: dict, history: Optional[dict] = None) -> dict:
        """Eq. 7 (``loss_fm``) plus the geometry terms on the predicted clean sample, at t ~ U(0, T_MAX)."""
        batch = self.with_targets(batch)
        z = self.codec.encode(batch)  # (B, T, dim)
        known = self.known_coordinates(z, history, batch)
        eps = self.source_noise(z, known)
        t = torch.rand(z.shape[0], device=z.device, dtype=z.dtype) * T_MAX
        drop = self.guidance.training_drop(z.shape[0], z.device)
        return self.flow_losses(z, eps, t, self.tokens(cond, batch, known, drop), known, batch)

    def flow_losses(self, z: torch.Tensor, eps: torch.Tensor, t: torch.Tensor, tokens: torch.Tensor, known: dict,
                    batch: dict) -> dict:
        """The losses at given clean latents ``z``, source noise ``eps`` (B, T, dim) and times ``t`` (B,)."""
        unknown = ~known['mask'].to(z.device)
        tt = t[:, None, None]
        z_t = torch.where(unknown, (1 - tt) * eps + tt * z, known['x'].to(z))  # eq. 6 (known part: the anchor)
        v = self.velocity(z_t, t, tokens, batch.get('valid'))
        valid = batch['valid'].bool()[..., None] if 'valid' in batch else torch.ones_like(z[..., :1], dtype=torch.bool)
        error = (v - (z - eps)).square() * self.loss_weight(t)[:, None, None]
        fm = masked_mean(error, valid & unknown)
        z_hat = torch.where(unknown, z_t + (1 - tt) * v, known['x'].to(z))  # 'data': the network's clean sample
        losses = self.loss_set(z_hat, batch, self.codec, self.body_model, x_gt=z, extras=dict(target_mask=unknown))
        return {'loss_fm': self.fm_weight * fm, **losses}

    # ------------------------------------------------------------------------------------- sample
    def sample_window(self, cond, batch: dict, history: dict, num_samples: int, num_steps: Optional[int] = None,
                      solver: Optional[str] = None, guidance_scale: Optional[float] = None) -> tuple:
        """Draw ``num_samples`` completions of the anchor in one batched pass.

        ``num_steps`` / ``solver`` / ``guidance_scale`` override the configured sampler and guidance for this call.
        Returns the point estimate (``point_estimate``: the first sample or the samples' mean) and the samples
        (S, B, T, dim) when S > 1.
        """
        sampler = self.sampler.replace(solver, num_steps)
        scale = self.guidance.scale if guidance_scale is None else float(guidance_scale)
        known = self.known_coordinates(None, history, batch)
        valid = repeat_batch(batch.get('valid'), num_samples)
        tokens = repeat_batch(self.tokens(cond, batch, known), num_samples)  # (S * B, T, width), sample-major
        guided = self.guidance.uses_uncond(scale)
        if guided:  # [conditional; unconditional] halves, evaluated in one forward
            uncond = repeat_batch(self.tokens(cond, batch, known, drop=self.guidance.dropped), num_samples)
            tokens = torch.cat([tokens, uncond], dim=0)
            valid = None if valid is None else torch.cat([valid, valid], dim=0)
        x_known = known['x'].to(tokens)
        anchor = dict(x=repeat_batch(x_known, num_samples), mask=known['mask'])
        z0 = self.source_noise(anchor['x'], anchor)

        def field(t, z):
            zz = torch.cat([z, z], dim=0) if guided else z
            v = self.velocity(zz, t.expand(zz.shape[0]), tokens, valid)
            return self.guidance.combine(v, scale) if guided else v

        z1 = sampler.sample(field, z0, anchor['mask'].to(z0.device))
        samples = z1.view(num_samples, *x_known.shape)
        point = samples.mean(0) if self.point_estimate == 'mean' else samples[0]
        return point, (samples if num_samples > 1 else None)
