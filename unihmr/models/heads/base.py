"""Common head interface (DESIGN section 5): ``HeadOutput`` and the abstract ``BaseHead``.

Every head owns a codec (its target representation) and answers

- ``loss(cond, batch, known=None) -> dict[str, Tensor]``: named losses; the recoverer backpropagates
  their sum (mmengine's ``parse_losses`` sums the keys containing 'loss');
- ``predict(cond, batch, known=None, num_samples=1, **sampler_cfg) -> HeadOutput``.

``cond`` (B, T, C) are the per-frame condition tokens of the recoverer's shared encoder; ``batch`` the
data-contract batch (``valid``, ``bbox``, ``K``, ``R_w2c`` at least; GT targets for ``loss``).

``known``: what an earlier stage fixed (e.g. FactorizedHMR's Stage-1 anchor), either the earlier stage's
``HeadOutput`` or a dict ``x`` (B, T, dim) normalised values + ``mask`` (dim,) or (B, T, dim) bool.
:meth:`BaseHead.resolve_known` turns a ``HeadOutput`` into that dict for the head's own codec: the fields
``codec.known_fields`` are re-encoded from the earlier stage's decoded SMPL-X parameters. Heads re-impose
the known coordinates on what they output.

Conditioning (:meth:`BaseHead.build_conditioning`, shared by every head): tokens come from the shared
``cond`` or from the head's own ``encoder`` (needed when the head drops modalities for classifier-free
guidance, or must not share a frozen earlier stage's encoder), projected by ``in_proj`` to the backbone
width, plus optionally the compact anchor condition of FactorizedHMR section 3.3 (``anchor_condition``):
an MLP of the known camera-frame root orientation and torso pose (normalised codec coordinates).

Body model: the recoverer owns it and passes the same instance to every head (``default_args``). A head keeps
it in a plain tuple attribute (``_body_model_ref``), so it is neither a submodule nor in ``state_dict``;
``_apply`` forwards ``.to()`` / ``.float()`` etc. to it. ``loss`` / ``predict`` also accept
``body_model=`` to override it per call.
"""
from dataclasses import dataclass
from typing import Optional

import torch
from torch import nn

from unihmr.codecs.gvhmr import with_camera_joints
from unihmr.models.encoders.condition_encoder import mlp
from unihmr.registry import ENCODERS

ANCHOR_CONDITION_FIELDS = ('global_orient_c', 'body_pose_torso')  # FactorizedHMR: "root orientation and torso poses"


@dataclass
class HeadOutput:
    """What ``predict`` returns.

    ``x`` (B, T, dim) normalised representation (the mean / first sample when S > 1); ``smpl_params_c`` /
    ``smpl_params_w`` body-model-ready dicts (``global_orient`` (B, T, 3), ``transl`` (B, T, 3), ``body_pose``
    (B, T, 21, 3), ``betas`` (B, T, 10)); ``smpl_params``: the same in data-contract names; ``contact`` (B, T, 4)
    probabilities; ``samples``: optional dict of per-sample tensors with a leading S (``x`` (S, B, T, dim), ...).
    """

    x: torch.Tensor
    smpl_params_c: dict
    smpl_params_w: dict
    contact: Optional[torch.Tensor] = None
    smpl_params: Optional[dict] = None
    samples: Optional[dict] = None


def build_part(registry, cfg) -> nn.Module:
    """``cfg`` built from ``registry``, or ``cfg`` itself when it is already a module."""
    return cfg if isinstance(cfg, nn.Module) else registry.build(cfg)


def output_mlp(width: int, hidden: int, out_dim: int) -> nn.Sequential:
    """Linear-GELU-Linear (width -> hidden -> out_dim) with a zero-initialised last layer, so a fresh head
    outputs zeros (the normalised mean)."""
    layers = nn.Sequential(nn.Linear(width, hidden), nn.GELU(), nn.Linear(hidden, out_dim))
    nn.init.zeros_(layers[-1].weight)
    nn.init.zeros_(layers[-1].bias)
    return layers


def impose_known(x: torch.Tensor, known: Optional[dict]) -> torch.Tensor:
    """``x`` (B, T, dim) with the coordinates of ``known['mask']`` replaced by ``known['x']`` (no-op if None)."""
    if known is None:
        return x
    mask = known['mask'].to(x.device).bool()
    return torch.where(mask, known['x'].to(x), x)


class BaseHead(nn.Module):
    """Abstract head: a codec plus the body-model holder and the shared decode into ``HeadOutput``.

    ``sampler_options``: the keyword options its ``predict`` accepts (the recoverer routes ``sampler_cfg``
    entries to the heads that accept them).
    """

    sampler_options = ()

    def __init__(self, codec: nn.Module, body_model: Optional[nn.Module] = None):
        super().__init__()
        self.codec = codec
        self._body_model_ref = (body_model,)  # tuple: not a submodule, not in state_dict

    @property
    def body_model(self) -> Optional[nn.Module]:
        return self._body_model_ref[0]

    def set_body_model(self, body_model: Optional[nn.Module]) -> None:
        self._body_model_ref = (body_model,)

    def _apply(self, fn, *args, **kwargs):
        super()._apply(fn, *args, **kwargs)
        if self.body_model is not None:
            self.body_model._apply(fn, *args, **kwargs)
        return self

    # ------------------------------------------------------------------------------ conditioning
    def build_conditioning(self, in_width: int, width: int, encoder: Optional[dict] = None,
                           anchor_condition: bool = False, hidden: Optional[int] = None) -> None:
        """Create ``encoder`` (own, optional), ``in_proj`` (tokens -> ``width``) and ``anchor_mlp`` (optional)."""
        self.encoder = ENCODERS.build(dict(encoder)) if isinstance(encoder, dict) else encoder
        self.in_proj = nn.Linear(self.encoder.width if self.encoder is not None else in_width, width)
        self.anchor_mlp = None
        if anchor_condition:
            missing = [name for name in ANCHOR_CONDITION_FIELDS if name not in self.codec.known_fields]
            if missing:
                raise ValueError(f'anchor_condition needs {ANCHOR_CONDITION_FIELDS} among the codec known_fields '
                                 f'{self.codec.known_fields}; missing {missing}')
            size = sum(self.codec.fields[name] for name in ANCHOR_CONDITION_FIELDS)
            self.anchor_mlp = mlp(size, hidden or width, width)

    @property
    def uses_shared_cond(self) -> bool:
        """Whether the head reads the recoverer's shared condition tokens (no own encoder)."""
        return getattr(self, 'encoder', None) is None

    def tokens(self, cond: torch.Tensor, batch: dict, known: Optional[dict] = None, drop=()) -> torch.Tensor:
        """Backbone-width input tokens (B, T, width): shared ``cond`` or own-encoder tokens (with ``drop``,
        see ``ConditionEncoder.forward``), projected, plus the anchor condition of ``known`` (resolved dict)."""
        if self.encoder is not None:
            features = self.encoder(batch, drop=drop)
        elif drop:
            raise ValueError(f'{type(self).__name__}: dropping modalities needs an own encoder (encoder=...)')
        else:
            features = cond
        tokens = self.in_proj(features)
        if self.anchor_mlp is not None:
            if known is None:
                raise ValueError(f'{type(self).__name__}: anchor_condition needs the known anchor of an earlier stage')
            x = known['x'].to(tokens)
            anchor = torch.cat([x[..., self.codec.slices[name]] for name in ANCHOR_CONDITION_FIELDS], dim=-1)
            tokens = tokens + self.anchor_mlp(anchor)
        return tokens

    def with_targets(self, batch: dict, body_model=None) -> dict:
        """``batch`` plus GT ``joints_c`` when the codec encodes joint positions (else unchanged)."""
        if getattr(self.codec, 'needs_joints', False) and 'joints_c' not in batch:
            return with_camera_joints(batch, body_model or self.body_model)
        return batch

    def resolve_known(self, known, batch: dict) -> Optional[dict]:
        """``known`` (an earlier ``HeadOutput``, a dict ``x`` / ``mask`` or None) -> dict ``x`` (B, T, dim), ``mask``
        (dim,) for this head's codec, or None when the codec has no known fields or nothing is known."""
        if known is None or isinstance(known, dict):
            return known
        if not self.codec.known_fields:
            return None
        anchor = dict(batch, smpl_params=known.smpl_params)
        if getattr(self.codec, 'needs_joints', False):
            anchor = with_camera_joints(anchor, self.body_model)
        x = self.codec.encode(anchor, names=self.codec.known_fields).detach()
        return dict(x=x, mask=self.codec.known_mask)

    def decode(self, x: torch.Tensor, batch: dict, **decode_cfg) -> HeadOutput:
        """Normalised ``x`` (B, T, dim) -> ``HeadOutput`` via the codec."""
        out = self.codec.decode(x, batch, **decode_cfg)
        return HeadOutput(x=x, smpl_params_c=out['smpl_params_c'], smpl_params_w=out['smpl_params_w'],
                          contact=out.get('contact'), smpl_params=out.get('smpl_params'))

    def loss(self, cond: torch.Tensor, batch: dict, known: Optional[dict] = None, **kwargs) -> dict:
        """Named losses for condition tokens ``cond`` (B, T, C) and the GT ``batch``."""
        raise NotImplementedError(f'{type(self).__name__} must implement loss (abstract in BaseHead)')

    def predict(self, cond: torch.Tensor, batch: dict, known: Optional[dict] = None, num_samples: int = 1,
                **sampler_cfg) -> HeadOutput:
        """Decoded prediction(s) for condition tokens ``cond`` (B, T, C)."""
        raise NotImplementedError(f'{type(self).__name__} must implement predict (abstract in BaseHead)')
