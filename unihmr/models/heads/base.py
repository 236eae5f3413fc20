"""The stage protocol (DESIGN section 5; docs/architecture.md, "Adding a head") and the shared ``BaseHead``.

Every stage, refiners included, answers

- ``loss(cond, batch, history) -> dict[str, Tensor]``: named losses; the recoverer backpropagates their sum
  (mmengine's ``parse_losses`` sums the keys containing 'loss');
- ``predict(cond, batch, history, num_samples=1, num_steps=None, **options) -> Estimate``.

``cond`` (B, T, C): the per-frame tokens of the recoverer's shared encoder, or None when it has none; ``batch``:
the data-contract batch (``valid``, ``bbox``, ``K``, ``R_w2c`` at least; GT targets for ``loss``); ``history``:
stage name -> the ``Estimate`` of an earlier stage (and ``'gt'`` where a baseline puts the ground truth there).
A head names the earlier estimates it reads in ``inputs`` (default: the stage before it) and decides how to use
them: impose fields (FactorizedHMR, :meth:`BaseHead.known_from`), condition on them, or invert them (ScoreHMR).
``num_steps`` is the one budget knob of every generative head (ODE steps, DDIM / DDPM steps, decoding
iterations); a deterministic head takes none (``takes_steps = False``).

Windowing: the default :meth:`BaseHead.predict` cuts long sequences into ``windowing`` spans, asks
:meth:`BaseHead.sample_window` for each window's normalised representation (and its S samples), cross-fades
them (``models.windowing``) and decodes once (:meth:`BaseHead.to_estimate`). A head whose representation must
not be averaged overrides ``predict``.

Conditioning (:meth:`BaseHead.build_conditioning`): tokens come from the shared ``cond`` or from the head's own
``encoder`` (needed when the head drops modalities for classifier-free guidance), projected by ``in_proj`` to the
backbone width, plus optionally a compact condition of the known fields of an earlier stage
(``anchor_fields``: FactorizedHMR section 3.3, an MLP of the known camera-frame root orientation and torso pose).

Body model: the recoverer owns it and passes the same instance to every head (``default_args``). A head keeps
it in a plain tuple attribute (``_body_model_ref``), so it is neither a submodule nor in ``state_dict``;
``_apply`` forwards ``.to()`` / ``.float()`` etc. to it.
"""
from typing import Optional, Sequence

import torch
from torch import nn

from unihmr.body.posing import with_camera_joints
from unihmr.models.batch_ops import repeat_batch, slice_time
from unihmr.models.encoders.condition_encoder import mlp
from unihmr.models.estimate import Estimate
from unihmr.models.windowing import Windowing
from unihmr.registry import ENCODERS


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


def check_num_samples(num_samples) -> int:
    if isinstance(num_samples, bool) or not isinstance(num_samples, int) or num_samples < 1:
        raise ValueError(f'num_samples: expected a positive integer, got {num_samples!r}')
    return num_samples


class BaseHead(nn.Module):
    """A stage: optional codec, body-model holder, the earlier estimates it reads, and the default windowed predict.

    Class attributes: ``predict_options`` (keyword options of ``predict`` besides ``num_samples`` / ``num_steps``;
    the recoverer routes its ``sampler_cfg`` entries to the stages that accept them), ``takes_steps`` (whether
    ``num_steps`` applies), ``trainable`` (whether ``loss`` trains it here; a refiner loads its own weights).

    Args:
        codec: the head's representation (None for a head that borrows one, e.g. a refiner's prior).
        body_model: given by the recoverer.
        inputs: names of the earlier estimates in ``history`` that the head reads (the recoverer's default: the
            stage before it).
        windowing: ``Windowing`` or its arguments (given by the recoverer: its ``window`` / ``overlap``).
    """

    predict_options: tuple = ()
    takes_steps = False
    trainable = True

    def __init__(self, codec: Optional[nn.Module] = None, body_model: Optional[nn.Module] = None,
                 inputs: Sequence[str] = (), windowing=None):
        super().__init__()
        if codec is not None:
            self.codec = codec
        self._body_model_ref = (body_model,)  # tuple: not a submodule, not in state_dict
        self.inputs = tuple(inputs or ())
        self.windowing = windowing if isinstance(windowing, Windowing) else Windowing(**(windowing or {}))

    @property
    def body_model(self) -> Optional[nn.Module]:
        return self._body_model_ref[0]

    def _apply(self, fn, *args, **kwargs):
        super()._apply(fn, *args, **kwargs)
        if self.body_model is not None:
            self.body_model._apply(fn, *args, **kwargs)
        return self

    def external_modules(self) -> tuple:
        """Networks the head runs but keeps outside the module tree and ``state_dict`` (a refiner's own weights:
        ScoreHMR's prior, a RoHM refiner's networks); counted by parameter totals and network-call counts."""
        return ()

    # ---------------------------------------------------------------------------------- history
    def reads(self, training: bool = False) -> tuple:
        """Names of the ``history`` entries the head needs (in training or at inference); the recoverer computes
        earlier estimates only for the stages that need them."""
        return self.inputs

    def earlier(self, history: Optional[dict], required: bool = True) -> Optional[Estimate]:
        """The estimate of the first of ``inputs`` in ``history`` (None when not required and absent)."""
        name = self.inputs[0] if self.inputs else None
        found = None if name is None or history is None else history.get(name)
        if found is None and required:
            raise ValueError(f'{type(self).__name__}: needs the estimate of an earlier stage ({name or "inputs=()"}); '
                             f'history has {sorted(history or {})}')
        return found

    def known_from(self, history: Optional[dict], batch: dict) -> Optional[dict]:
        """The codec's ``known_fields`` re-encoded from the earlier estimate: dict ``x`` (B, T, dim) normalised
        (other coordinates at the mean) and ``mask`` (dim,) bool; None when the codec has no known fields or no
        earlier estimate is there."""
        earlier = self.earlier(history, required=False)
        if earlier is None or not self.codec.known_fields:
            return None
        anchor = dict(batch, smpl_params=earlier.params)
        if getattr(self.codec, 'needs_joints', False):
            anchor = with_camera_joints(anchor, self.body_model)
        x = self.codec.encode(anchor, names=self.codec.known_fields).detach()
        return dict(x=x, mask=self.codec.known_mask)

    # ------------------------------------------------------------------------------ conditioning
    def build_conditioning(self, in_width: Optional[int], width: int, encoder: Optional[dict] = None,
                           anchor_fields: Sequence[str] = (), hidden: Optional[int] = None) -> None:
        """Create ``encoder`` (own, optional), ``in_proj`` (tokens -> ``width``) and ``anchor_mlp`` (when
        ``anchor_fields`` names known codec fields)."""
        self.encoder = ENCODERS.build(dict(encoder)) if isinstance(encoder, dict) else encoder
        source = self.encoder.width if self.encoder is not None else in_width
        if source is None:
            raise ValueError(f'{type(self).__name__}: no condition tokens (the recoverer has no encoder); give the '
                             'head its own encoder=dict(type="ConditionEncoder", ...)')
        self.in_proj = nn.Linear(source, width)
        self.anchor_fields, self.anchor_mlp = tuple(anchor_fields or ()), None
        if self.anchor_fields:
            missing = [name for name in self.anchor_fields if name not in self.codec.known_fields]
            if missing:
                raise ValueError(f'anchor condition fields {missing} are not among the codec known_fields '
                                 f'{self.codec.known_fields}')
            size = sum(self.codec.fields[name] for name in self.anchor_fields)
            self.anchor_mlp = mlp(size, hidden or width, width)

    @property
    def uses_shared_cond(self) -> bool:
        """Whether the head reads the recoverer's shared condition tokens (no own encoder)."""
        return getattr(self, 'encoder', None) is None

    def tokens(self, cond: Optional[torch.Tensor], batch: dict, known: Optional[dict] = None, drop=()) -> torch.Tensor:
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
                raise ValueError(f'{type(self).__name__}: the anchor condition needs the estimate of an earlier stage')
            x = known['x'].to(tokens)
            anchor = torch.cat([x[..., self.codec.slices[name]] for name in self.anchor_fields], dim=-1)
            tokens = tokens + self.anchor_mlp(anchor)
        return tokens

    def with_targets(self, batch: dict, body_model=None) -> dict:
        """``batch`` plus GT ``joints_c`` when the codec encodes joint positions (else unchanged)."""
        if getattr(self.codec, 'needs_joints', False) and 'joints_c' not in batch:
            return with_camera_joints(batch, body_model or self.body_model)
        return batch

    # ----------------------------------------------------------------------------------- decode
    def decode_fill(self, batch: dict, history: Optional[dict]) -> Optional[dict]:
        """Unnormalised values of fields outside the codec's layout for decoding (default: placeholders)."""
        return None

    def to_estimate(self, x: torch.Tensor, samples: Optional[torch.Tensor], batch: dict,
                    history: Optional[dict]) -> Estimate:
        """Normalised ``x`` (B, T, dim) and optional ``samples`` (S, B, T, dim) -> ``Estimate`` (one decode of the
        point estimate, one batched decode of the samples)."""
        fill = self.decode_fill(batch, history)
        decoded = self.codec.decode(x, batch, **({'fill': fill} if fill else {}))
        estimate = Estimate.from_params(decoded['smpl_params'], contact=decoded.get('contact'))
        if samples is None:
            return estimate
        num = samples.shape[0]
        fill_s = None if not fill else repeat_batch(fill, num)
        many = self.codec.decode(samples.flatten(0, 1), repeat_batch(batch, num), **({'fill': fill_s} if fill else {}))
        return estimate.with_params(samples={name: value.unflatten(0, (num, -1))
                                             for name, value in many['smpl_params'].items()})

    # --------------------------------------------------------------------------------- protocol
    def check_inputs(self, batch: dict) -> None:
        """Raise ``UserInputError`` naming what ``batch`` lacks for :meth:`predict` (default: nothing to check)."""

    def loss(self, cond: Optional[torch.Tensor], batch: dict, history: Optional[dict] = None) -> dict:
        """Named losses for condition tokens ``cond`` (B, T, C) and the GT ``batch``."""
        raise NotImplementedError(f'{type(self).__name__} must implement loss (abstract in BaseHead)')

    def sample_window(self, cond: Optional[torch.Tensor], batch: dict, history: dict, num_samples: int,
                      num_steps: Optional[int], **options) -> tuple:
        """One window -> (point estimate (B, T, dim), samples (S, B, T, dim) or None), normalised codec values."""
        name = type(self).__name__  # abstract in BaseHead: a head implements sample_window or overrides predict
        raise NotImplementedError(f'{name} must implement sample_window or predict (abstract in BaseHead)')

    @torch.no_grad()
    def predict(self, cond: Optional[torch.Tensor], batch: dict, history: Optional[dict] = None, num_samples: int = 1,
                num_steps: Optional[int] = None, **options) -> Estimate:
        """The estimate of the whole sequence: windows of :meth:`sample_window`, cross-faded, decoded once."""
        check_num_samples(num_samples)
        unknown = sorted(set(options) - set(self.predict_options))
        if unknown:
            raise TypeError(f'{type(self).__name__}.predict: unexpected options {unknown}; '
                            f'accepted: {sorted(self.predict_options)}')
        if num_steps is not None and not self.takes_steps:
            raise ValueError(f'{type(self).__name__} is deterministic: num_steps does not apply (got {num_steps})')
        history = history or {}
        num_frames = batch['valid'].shape[1]
        spans = self.windowing.spans(num_frames)
        points, samples = [], []
        for start, end in spans:
            part_cond = None if cond is None else cond[:, start:end]
            point, sample = self.sample_window(part_cond, slice_time(batch, start, end),
                                               slice_time(history, start, end), num_samples, num_steps, **options)
            points.append(point)
            samples.append(sample)
        x = self.windowing.blend(points, spans, num_frames, time_dim=1)
        many = None if samples[0] is None else self.windowing.blend(samples, spans, num_frames, time_dim=2)
        return self.to_estimate(x, many, batch, history)
