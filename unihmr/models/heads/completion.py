"""What every completion head over a known anchor shares (FactorizedHMR's Stage-2 slot): the flow-matching head
(``heads.flow_matching``) and the DDPM completion head (``heads.diffusion_completion``) differ only in how they
corrupt the latent in training and how they integrate it at inference.

Shared here:

- the codec split into known z_K (the anchor of an earlier stage, :meth:`CompletionHead.known_coordinates`) and
  unknown z_U coordinates; the network sees z_K clean at every time, z_U corrupted;
- the network ``out_mlp(backbone(tokens + Linear(z_t) + time embedding))``, time ``t`` in [0, 1] (flow time, or
  a diffusion level divided by the number of training levels), zero-initialised last layer;
- the conditioning tokens (own encoder + anchor condition, ``heads.base``) and classifier-free guidance
  (``samplers.cfg``): the S samples and the two branches evaluated in one batched forward (:meth:`sample_tokens`);
- the geometry losses (``SMPLXLossSet``) on the predicted clean sample;
- score guidance by energies (``energies``: a ``GuidanceSet`` config, the energies of ``models.guidance``, e.g.
  RoHM's reprojection and foot skating): :meth:`energy_gradient` is the gradient of the weighted energies of
  the decoded clean estimate with respect to that estimate (normalised coordinates; RoHM eq. 14 takes the same
  gradient at x0_hat). Each head applies it in its own sampler. Energies are active by level, the diffusion
  convention (0 = clean, ``LEVELS`` = noise): flow time t is level ``round((1 - t) * LEVELS)``.
- ``point_estimate``: what ``predict`` decodes when S > 1, the 'first' sample or the samples' 'mean'.
"""
from typing import Callable, Optional

import torch
from diffusers.models.embeddings import TimestepEmbedding, Timesteps
from torch import nn

from unihmr.models.batch_ops import repeat_batch
from unihmr.models.estimate import Estimate
from unihmr.models.guidance import GuidanceInputs, GuidanceSet
from unihmr.models.heads.base import BaseHead, build_part, output_mlp
from unihmr.models.losses import SMPLXLossSet
from unihmr.models.samplers import ClassifierFreeGuidance
from unihmr.registry import BACKBONES, CODECS

TIME_SCALE = 1000.0  # t in [0, 1] is scaled to the diffusion-style range the sinusoidal embedding expects
LEVELS = 1000  # flow time t <-> energy level round((1 - t) * LEVELS), the diffusion convention of the energies
ANCHOR_SOURCES = ('previous', 'gt')
POINT_ESTIMATES = ('first', 'mean')


class CompletionHead(BaseHead):
    """Base of the completion heads. Arguments shared by both (see their docstrings for the rest):

    codec (with ``known_fields``), backbone, in_width, encoder, anchor_fields, guidance
    (``ClassifierFreeGuidance`` arguments), anchor_source ('previous' = the earlier stage's anchor, the paper;
    'gt'), losses / loss_cfg (``SMPLXLossSet``), time_dim, hidden, point_estimate, energies (``GuidanceSet``
    config, None = no score guidance) and energy_scale (the step of the energy gradient), inputs / windowing.
    """

    predict_options = ('guidance_scale', 'energy_scale')
    takes_steps = True

    def __init__(self, codec: dict, backbone=dict(type='RoPETransformer'), in_width: int = 256,
                 encoder: Optional[dict] = None, anchor_fields=(), guidance: Optional[dict] = None,
                 anchor_source: str = 'previous', losses: Optional[dict] = None, loss_cfg: Optional[dict] = None,
                 time_dim: int = 128, hidden: Optional[int] = None, body_model: Optional[nn.Module] = None,
                 torso_split=None, point_estimate: str = 'first', energies: Optional[dict] = None,
                 energy_scale: float = 1.0, inputs=(), windowing=None):
        if isinstance(codec, dict) and torso_split is not None:
            codec = dict(codec, torso_split=codec.get('torso_split', torso_split))
        super().__init__(build_part(CODECS, codec), body_model, inputs, windowing)
        if anchor_source not in ANCHOR_SOURCES:
            raise ValueError(f'anchor_source: expected one of {ANCHOR_SOURCES}, got {anchor_source!r}')
        if point_estimate not in POINT_ESTIMATES:
            raise ValueError(f'point_estimate: expected one of {POINT_ESTIMATES}, got {point_estimate!r}')
        self.anchor_source, self.point_estimate = anchor_source, point_estimate
        self.backbone = build_part(BACKBONES, backbone)
        width = getattr(self.backbone, 'width', None) or backbone['width']
        self.guidance = ClassifierFreeGuidance(**(guidance or {}))
        self.build_conditioning(in_width, width, encoder, anchor_fields, hidden)
        if self.encoder is not None:
            self.encoder.check_drop(self.guidance.dropped)
        elif self.guidance.dropped and (self.guidance.drop_prob > 0 or self.guidance.uses_uncond()):
            raise ValueError(f'{type(self).__name__}: classifier-free guidance drops modalities, which needs an own '
                             'encoder (encoder=dict(type="ConditionEncoder", ...)); or set guidance.dropped=()')
        self.x_proj = nn.Linear(self.codec.dim, width)
        self.time_features = Timesteps(time_dim, flip_sin_to_cos=True, downscale_freq_shift=0)
        self.time_embed = TimestepEmbedding(time_dim, width)
        self.out_mlp = output_mlp(width, hidden or width, self.codec.dim)
        self.loss_set = SMPLXLossSet(losses, **(loss_cfg or {}))
        self.loss_set.check_codec(self.codec)
        self.energies = GuidanceSet(energies) if energies else None
        self.energy_scale = float(energy_scale)

    # ------------------------------------------------------------------------------------ network
    def network(self, z_t: torch.Tensor, t: torch.Tensor, tokens: torch.Tensor,
                valid: Optional[torch.Tensor]) -> torch.Tensor:
        """The network output (B, T, dim) at ``z_t`` (B, T, dim), times ``t`` (B,) in [0, 1] and condition tokens
        (B, T, width)."""
        time = self.time_embed(self.time_features(t * TIME_SCALE).to(tokens))  # (B, width)
        hidden = tokens + self.x_proj(z_t) + time[:, None]
        return self.out_mlp(self.backbone(hidden, valid))

    # ------------------------------------------------------------------------------------- anchor
    def reads(self, training: bool = False) -> tuple:
        """Training on the GT anchor (``anchor_source='gt'``) needs no earlier estimate."""
        return () if training and self.anchor_source == 'gt' else self.inputs

    def known_coordinates(self, z_gt: Optional[torch.Tensor], history: Optional[dict], batch: dict) -> dict:
        """The anchor as a resolved ``known`` dict: the earlier stage's (``anchor_source='previous'``) or, with
        'gt' or no earlier estimate, the GT z_K (training only)."""
        resolved = self.known_from(history, batch) if self.anchor_source == 'previous' else None
        if resolved is None:
            if z_gt is None:
                raise ValueError(f'{type(self).__name__}.predict: needs the anchor of an earlier stage '
                                 f'({self.inputs}); history has {sorted(history or {})}')
            resolved = dict(x=z_gt, mask=self.codec.known_mask)
        return resolved

    # ------------------------------------------------------------------------------------ sampling
    def sample_tokens(self, cond, batch: dict, known: dict, num_samples: int, scale: float) -> tuple:
        """Tokens and valid mask of S samples in one batch, sample-major: (S * B, T, width), or with classifier-free
        guidance at ``scale`` the [conditional; unconditional] halves (2 S B, T, width). Returns
        ``(tokens, valid, guided)``."""
        valid = repeat_batch(batch.get('valid'), num_samples)
        tokens = repeat_batch(self.tokens(cond, batch, known), num_samples)
        guided = self.guidance.uses_uncond(scale)
        if guided:
            uncond = repeat_batch(self.tokens(cond, batch, known, drop=self.guidance.dropped), num_samples)
            tokens = torch.cat([tokens, uncond], dim=0)
            valid = None if valid is None else torch.cat([valid, valid], dim=0)
        return tokens, valid, guided

    def guided_network(self, tokens: torch.Tensor, valid, guided: bool, scale: float,
                       transform: Optional[Callable] = None) -> Callable:
        """``output(z (S B, T, dim), t (S B,))``: the network on both branches in one forward, each branch's output
        mapped by ``transform(out, z, t)`` (e.g. to a velocity), then mixed at ``scale``."""
        def output(z, t):
            if guided:
                z, t = torch.cat([z, z], dim=0), torch.cat([t, t], dim=0)
            out = self.network(z, t, tokens, valid)
            out = out if transform is None else transform(out, z, t)
            return self.guidance.combine(out, scale) if guided else out
        return output

    def choose(self, z: torch.Tensor, num_samples: int) -> tuple:
        """(point estimate (B, T, dim), samples (S, B, T, dim) or None) of sampled ``z`` (S * B, T, dim)."""
        samples = z.unflatten(0, (num_samples, -1))
        point = samples.mean(0) if self.point_estimate == 'mean' else samples[0]
        return point, (samples if num_samples > 1 else None)

    # ------------------------------------------------------------------------------- score guidance
    def energy_value(self, x0: torch.Tensor, batch: dict, history: dict, level: int) -> Optional[torch.Tensor]:
        """The weighted energies (B,) active at ``level`` of the decoded clean estimate ``x0`` (B, T, dim),
        differentiable in ``x0``; None when none is active (or none is configured). ``batch`` / ``history`` are
        those of ``x0``'s rows."""
        if self.energies is None or not self.energies.active(level):
            return None
        fill = self.decode_fill(batch, history)
        decoded = self.codec.decode(x0, batch, **({'fill': fill} if fill else {}))
        estimate = Estimate.from_params(decoded['smpl_params'], contact=decoded.get('contact'))
        inputs = GuidanceInputs.from_estimate(estimate, batch, self.body_model, x0=x0, codec=self.codec)
        return self.energies(inputs, level)[0]

    def energy_gradient(self, x0: torch.Tensor, batch: dict, history: dict, level: int) -> Optional[torch.Tensor]:
        """grad of :meth:`energy_value` w.r.t. the clean estimate ``x0`` (B, T, dim) normalised, zero on the known
        coordinates; None when no energy is active."""
        with torch.enable_grad():
            x = x0.detach().requires_grad_(True)
            total = self.energy_value(x, batch, history, level)
            if total is None:
                return None
            grad, = torch.autograd.grad(total.sum(), x)
        return grad.masked_fill(self.codec.known_mask.to(grad.device), 0.0)
