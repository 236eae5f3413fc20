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
Score guidance (``energies``, not in the paper; issue 18 mixes RoHM's energies into flow matching): the
integrated field is ``v - energy_scale * grad E(x1_hat)``, the gradient of the energies at the clean estimate
``x1_hat = z_t + (1 - t) v`` (the network's D with 'data'), taken as RoHM takes it at x0_hat (eq. 14: not
through the network), on the unknown coordinates; an energy active below level L acts for t >= 1 - L / 1000.
"""
from typing import Optional

import torch

from unihmr.models.batch_ops import repeat_batch
from unihmr.models.heads.completion import LEVELS, CompletionHead
from unihmr.models.losses import masked_mean
from unihmr.models.samplers import ODESampler
from unihmr.registry import HEADS

PREDICTIONS = ('velocity', 'data')
T_MAX = 1.0 - 1e-3  # the last time at which the field is evaluated (the 'data' velocity is singular at t = 1)


@HEADS.register_module()
class FlowMatchingHead(CompletionHead):
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
        energies / energy_scale: score guidance inside the ODE (not in the paper; issue 18's mix of RoHM's
            energies into flow matching): the field becomes ``v - energy_scale * grad E(x1_hat)``, x1_hat the
            clean estimate ``z_t + (1 - t) v`` (``CompletionHead.energy_gradient``).
        inputs / windowing: see ``BaseHead`` (given by the recoverer); the anchor is the first of ``inputs``.
    """

    predict_options = ('solver', 'guidance_scale', 'energy_scale')

    def __init__(self, codec: dict, noise_scale: Optional[dict] = None, sampler: Optional[dict] = None,
                 fm_weight: float = 1.0, prediction: str = 'velocity', weight_floor: float = 0.2, **shared):
        super().__init__(codec, **shared)
        if prediction not in PREDICTIONS:
            raise ValueError(f'prediction: expected one of {PREDICTIONS}, got {prediction!r}')
        if not 0 < weight_floor <= 1:
            raise ValueError(f'weight_floor: expected a value in (0, 1], got {weight_floor}')
        self.prediction, self.weight_floor, self.fm_weight = prediction, float(weight_floor), float(fm_weight)
        self.sampler = ODESampler(**(sampler or {}))
        scale = self.codec.field_weights({'joints_torso': 0.5, 'joints_non_torso': 0.5, **(noise_scale or {})})
        self.register_buffer('noise_std', scale, persistent=False)

    # ------------------------------------------------------------------------------------ network
    def velocity(self, z_t: torch.Tensor, t: torch.Tensor, tokens: torch.Tensor,
                 valid: Optional[torch.Tensor]) -> torch.Tensor:
        """The one velocity field (B, T, dim) that training fits and sampling integrates; t is clamped to
        ``T_MAX``. With 'data': ``(D - z_t) / (1 - t)``."""
        return self.to_velocity(self.network(z_t, t.clamp(max=T_MAX), tokens, valid), z_t, t)

    def to_velocity(self, out: torch.Tensor, z_t: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        """The network output at ``z_t`` (B, T, dim), times ``t`` (B,) -> the velocity (identity for 'velocity')."""
        if self.prediction == 'data':
            return (out - z_t) / (1 - t.clamp(max=T_MAX))[:, None, None].to(out)
        return out

    def loss_weight(self, t: torch.Tensor) -> torch.Tensor:
        """Weight (B,) of eq. 7 at times ``t`` (B,): 1 for 'velocity'; ``min(1, ((1 - t) / weight_floor)^2)`` for
        'data', so the clean-sample error weighs ``1 / max(1 - t, weight_floor)^2``."""
        if self.prediction != 'data':
            return torch.ones_like(t)
        return ((1 - t.clamp(max=T_MAX)) / self.weight_floor).clamp(max=1.0).square()

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
                      solver: Optional[str] = None, guidance_scale: Optional[float] = None,
                      energy_scale: Optional[float] = None) -> tuple:
        """Draw ``num_samples`` completions of the anchor in one batched pass.

        ``num_steps`` / ``solver`` / ``guidance_scale`` / ``energy_scale`` override the configured sampler and
        guidance for this call. Returns the point estimate (``point_estimate``: the first sample or the samples'
        mean) and the samples (S, B, T, dim) when S > 1.
        """
        sampler = self.sampler.replace(solver, num_steps)
        scale = self.guidance.scale if guidance_scale is None else float(guidance_scale)
        step = self.energy_scale if energy_scale is None else float(energy_scale)
        known = self.known_coordinates(None, history, batch)
        tokens, valid, guided = self.sample_tokens(cond, batch, known, num_samples, scale)
        velocity = self.guided_network(tokens, valid, guided, scale, transform=self.to_velocity)
        anchor = dict(x=repeat_batch(known['x'].to(tokens), num_samples), mask=known['mask'])
        z0 = self.source_noise(anchor['x'], anchor)
        scored = self.energies is not None and step != 0
        batch_s, history_s = (repeat_batch(batch, num_samples), repeat_batch(history, num_samples)) if scored else (None, None)

        def field(t, z):
            t = t.clamp(max=T_MAX)
            v = velocity(z, t.expand(z.shape[0]))
            grad = self.energy_gradient(z + (1 - t) * v, batch_s, history_s, round((1 - float(t)) * LEVELS)) \
                if scored else None
            return v if grad is None else v - step * grad

        return self.choose(sampler.sample(field, z0, anchor['mask'].to(z0.device)), num_samples)
