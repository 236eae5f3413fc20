"""Guidance energies: differentiable costs of a predicted clean sample against observations (DESIGN section 5).

Samplers that support guidance (ScoreHMR's DDIM loop, RoHM's DDPM sampling, ...) call a ``GuidanceSet`` on
their current clean estimate and follow the gradient of its total. Each energy is a registered module with a
config ``weight`` and the batch keys it ``requires``; a missing key fails on the first call, naming it.

Every energy maps ``GuidanceInputs`` to a per-sequence value (B,), so a sampler can stop each sequence on its
own (ScoreHMR section 4.1 stops on the relative change of the guidance loss). Per-frame terms are summed
over the valid frames, as ScoreHMR sums its per-image terms over a batch: each frame then gets the gradient
of its own term whatever the window length, and the paper's weights keep their meaning (with a mean over
frames the keypoint weight would have to grow with the window: x120 for our 120-frame windows).

- ``KeypointReprojectionEnergy`` (ScoreHMR eq. 12): confidence-weighted robust distance between the projected
  COCO-17 keypoints of the posed body (camera frame, plus the jointly optimised camera translation offset
  gamma) and the detected ``kp2d``; Geman-McClure penalty as in SMPLify. Residuals are measured in pixels of
  a ``crop_size`` crop of the person box (224, ScoreHMR's input), so weights do not depend on image size.
- ``TemporalConsistencyEnergy`` (eq. 14): squared difference of consecutive frames' clean estimates.
- ``MultiViewConsistencyEnergy`` (eq. 13): squared distance of each view's body pose to the mean over the
  views of the same subject and time (``batch['view_group']``).

The two consistency energies read the denormalised codec values (6D rotations, as ScoreHMR) unless
``normalized=True``, so their weights do not depend on the codec statistics.
"""
from dataclasses import dataclass
from typing import Callable, Optional, Sequence

import torch
from torch import nn

from unihmr.geometry import project_points
from unihmr.registry import GUIDANCE


@dataclass
class GuidanceInputs:
    """What an energy may read.

    ``x0`` (B, T, D): the clean estimate in the codec's normalised coordinates; ``codec``: its codec;
    ``batch``: the data-contract batch; ``valid`` (B, T) bool; ``posed``: a callable returning the posed body
    (``BodyOutput``: ``coco17`` (B, T, 17, 3), ``joints`` (B, T, 22, 3)) in the camera frame, evaluated once
    on first use; ``transl_offset`` (B, T, 3) or None: gamma, added to the camera-frame body.
    """

    x0: torch.Tensor
    codec: nn.Module
    batch: dict
    valid: torch.Tensor
    posed: Optional[Callable] = None
    transl_offset: Optional[torch.Tensor] = None

    def __post_init__(self):
        self._posed = None

    def body(self):
        """The posed body (computed on first use, then cached)."""
        if self._posed is None:
            if self.posed is None:
                raise ValueError('guidance: this energy needs the posed body, but the sampler gave none')
            self._posed = self.posed()
        return self._posed


def _frame_sum(value: torch.Tensor, valid: torch.Tensor) -> torch.Tensor:
    """Sum over valid frames of a per-frame value (B, T) -> (B,)."""
    return (value * valid.to(value.dtype)).sum(-1)


def _select(x0: torch.Tensor, codec, fields: Optional[Sequence[str]], normalized: bool = False) -> torch.Tensor:
    """The coordinates of ``fields`` of ``x0`` (B, T, D) -> (B, T, d), denormalised unless ``normalized``; all
    coordinates when ``fields`` is None."""
    if not normalized:
        x0 = codec.denormalize(x0)
    if fields is None:
        return x0
    missing = [name for name in fields if name not in codec.slices]
    if missing:
        raise ValueError(f'guidance fields {missing} are not in the codec layout {tuple(codec.fields)}')
    return torch.cat([x0[..., codec.slices[name]] for name in fields], dim=-1)


class GuidanceEnergy(nn.Module):
    """Base: ``weight`` and the batch keys the energy ``requires``."""

    requires: tuple = ()

    def __init__(self, weight: float = 1.0):
        super().__init__()
        self.weight = float(weight)

    def check(self, batch: dict) -> None:
        """Raise ``ValueError`` naming the batch keys this energy needs and the batch lacks."""
        missing = [key for key in self.requires if batch.get(key) is None]
        if missing:
            raise ValueError(f'{type(self).__name__} needs batch keys {missing}; the batch has {sorted(batch)}')

    def forward(self, inputs: GuidanceInputs) -> torch.Tensor:
        """Per-sequence energy (B,), before the weight."""
        raise NotImplementedError(f'{type(self).__name__} must implement forward (abstract in GuidanceEnergy)')


@GUIDANCE.register_module()
class KeypointReprojectionEnergy(GuidanceEnergy):
    """ScoreHMR eq. 12: sum over keypoints of ``conf * GMoF(Pi_K(J + gamma) - kp)``, summed over valid frames.

    GMoF(r) = sigma^2 |r|^2 / (sigma^2 + |r|^2), the Geman-McClure penalty of SMPLify, with r in crop pixels
    (``crop_size`` / box size times image pixels; ``crop_size=None`` keeps image pixels); keypoints with
    confidence below ``min_conf`` are ignored, and so are points behind the camera.
    """

    requires = ('kp2d', 'K', 'bbox')

    def __init__(self, weight: float = 1.0, sigma: float = 100.0, min_conf: float = 0.0,
                 crop_size: Optional[float] = 224.0):
        super().__init__(weight)
        self.sigma, self.min_conf = float(sigma), float(min_conf)
        self.crop_size = None if crop_size is None else float(crop_size)
        if crop_size is None:
            self.requires = ('kp2d', 'K')

    def forward(self, inputs: GuidanceInputs) -> torch.Tensor:
        points = inputs.body().coco17  # (B, T, 17, 3)
        if inputs.transl_offset is not None:
            points = points + inputs.transl_offset[..., None, :]
        kp2d = inputs.batch['kp2d'].to(points)
        pixels = project_points(points, inputs.batch['K'].to(points))
        residual = pixels - kp2d[..., :2]
        if self.crop_size is not None:
            residual = residual * (self.crop_size / inputs.batch['bbox'][..., 2:3].to(points).clamp(min=1.0))[..., None, :]
        squared = residual.square().sum(-1)
        robust = self.sigma ** 2 * squared / (self.sigma ** 2 + squared)
        conf = kp2d[..., 2] * (kp2d[..., 2] >= self.min_conf) * (points[..., 2] > 1e-3)
        return _frame_sum((conf * robust).sum(-1), inputs.valid)


@GUIDANCE.register_module()
class TemporalConsistencyEnergy(GuidanceEnergy):
    """ScoreHMR eq. 14: ``sum_n |x0^(n) - x0^(n-1)|^2`` over the coordinates of ``fields`` (None = all) and the
    pairs of consecutive valid frames."""

    def __init__(self, weight: float = 1.0, fields: Optional[Sequence[str]] = None, normalized: bool = False):
        super().__init__(weight)
        self.fields = None if fields is None else tuple(fields)
        self.normalized = normalized

    def forward(self, inputs: GuidanceInputs) -> torch.Tensor:
        x = _select(inputs.x0, inputs.codec, self.fields, self.normalized)
        step = (x[:, 1:] - x[:, :-1]).square().sum(-1)  # (B, T - 1)
        pairs = inputs.valid[:, 1:] & inputs.valid[:, :-1]
        return _frame_sum(step, pairs)


@GUIDANCE.register_module()
class MultiViewConsistencyEnergy(GuidanceEnergy):
    """ScoreHMR eq. 13: ``|x0_b - mean over the views of b's group|^2`` on ``fields`` (default the body pose),
    summed over valid frames. ``batch['view_group']`` (B,) int: sequences with the same id are views of the same
    subject at the same times (frame-aligned)."""

    requires = ('view_group',)

    def __init__(self, weight: float = 1.0, fields: Sequence[str] = ('body_pose',), normalized: bool = False):
        super().__init__(weight)
        self.fields, self.normalized = tuple(fields), normalized

    def forward(self, inputs: GuidanceInputs) -> torch.Tensor:
        x = _select(inputs.x0, inputs.codec, self.fields, self.normalized)  # (B, T, d)
        group = torch.as_tensor(inputs.batch['view_group'], device=x.device).long()
        same = (group[:, None] == group[None, :]).to(x.dtype)  # (B, B)
        mean = torch.einsum('bc,ctd->btd', same / same.sum(-1, keepdim=True), x)
        return _frame_sum((x - mean).square().sum(-1), inputs.valid)


@GUIDANCE.register_module()
class GuidanceSet(nn.Module):
    """Weighted sum of energies, built from a dict name -> energy config (None or weight 0 drops a term).
    Returns ``(total (B,), {name: weighted (B,)})``."""

    def __init__(self, energies: dict):
        super().__init__()
        built = {name: GUIDANCE.build(dict(cfg)) for name, cfg in (energies or {}).items() if cfg is not None}
        self.energies = nn.ModuleDict({name: energy for name, energy in built.items() if energy.weight != 0})

    def check(self, batch: dict) -> None:
        for energy in self.energies.values():
            energy.check(batch)

    def forward(self, inputs: GuidanceInputs):
        self.check(inputs.batch)
        terms = {name: energy.weight * energy(inputs) for name, energy in self.energies.items()}
        total = sum(terms.values()) if terms else inputs.x0.new_zeros(inputs.x0.shape[0])
        return total, terms
