"""Loss terms shared by every head, each a small registered module with a config ``weight``.

Every term is called as ``term(inputs: LossInputs) -> Tensor`` (a scalar, before the weight) and returns
``weight * value`` through :meth:`LossTerm.weighted`. ``LossInputs`` (built by ``SMPLXLossSet``) holds:

- ``x_pred`` / ``x_gt`` (B, T, dim): normalised codec representations; ``codec``: the codec;
- ``pred`` / ``gt``: dicts with ``smpl_params_c`` / ``smpl_params_w`` (body-model names), ``contact_logits``
  (pred only), and, when some term needs the body, ``joints_c`` (B, T, 22, 3) and ``verts_c`` (B, T, N, 3)
  (fixed vertex subsample) from one body-model run each;
- ``batch``: the data-contract batch; ``valid`` (B, T) bool.

Distances over 3-vectors (``distance``): 'l1' = sum of |d| over x, y, z (a 1 cm offset along one axis gives
0.01); 'l2' = Euclidean norm; 'mse' = squared norm. Values are means over points and valid frames, in metres.
"""
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn

from unihmr.geometry import project_points
from unihmr.registry import LOSSES


def masked_mean(value: torch.Tensor, mask: torch.Tensor, eps: float = 1e-8) -> torch.Tensor:
    """Mean of ``value`` (...) over entries where ``mask`` (broadcastable to ``value``) is true; 0 if none."""
    mask = mask.to(value.dtype).expand_as(value)
    return (value * mask).sum() / mask.sum().clamp(min=eps)


def point_distance(diff: torch.Tensor, distance: str = 'l1') -> torch.Tensor:
    """Per-point distance (...) of differences (..., C) (see the module docstring)."""
    if distance == 'l1':
        return diff.abs().sum(-1)
    if distance == 'l2':
        return diff.norm(dim=-1)
    if distance == 'mse':
        return (diff * diff).sum(-1)
    raise ValueError(f"distance: expected 'l1', 'l2' or 'mse', got {distance!r}")


@dataclass
class LossInputs:
    x_pred: torch.Tensor
    x_gt: torch.Tensor
    codec: nn.Module
    pred: dict
    gt: dict
    batch: dict
    valid: torch.Tensor
    extras: dict = field(default_factory=dict)


class LossTerm(nn.Module):
    """Base: ``weight`` and whether the term needs posed joints / vertices (``needs_body`` / ``needs_vertices``)."""

    needs_body = False
    needs_vertices = False

    def __init__(self, weight: float = 1.0):
        super().__init__()
        self.weight = float(weight)

    def weighted(self, inputs: LossInputs) -> torch.Tensor:
        return self.weight * self(inputs)


@LOSSES.register_module()
class NormalizedTargetLoss(LossTerm):
    """Squared (or L1) error of the normalised representation over valid frames, per-field weights.

    ``field_weights``: field name -> weight (default 1; e.g. ``dict(contact=0)`` when BCE supervises it);
    the value is the weighted mean over coordinates and valid frames. ``mask`` in ``inputs.extras['target_mask']``
    (dim,) or (B, T, dim) bool restricts it further (e.g. to unknown coordinates).
    """

    def __init__(self, weight: float = 1.0, field_weights: dict = None, distance: str = 'mse'):
        super().__init__(weight)
        self.field_weights_cfg = dict(field_weights or {})
        self.distance = distance

    def forward(self, inputs: LossInputs) -> torch.Tensor:
        diff = inputs.x_pred - inputs.x_gt
        err = diff * diff if self.distance == 'mse' else diff.abs()
        w = inputs.codec.field_weights(self.field_weights_cfg).to(err)
        mask = inputs.valid.unsqueeze(-1).to(err) * w
        if 'target_mask' in inputs.extras:
            mask = mask * inputs.extras['target_mask'].to(err)
        mask = mask.expand_as(err)
        return (err * mask).sum() / mask.sum().clamp(min=1e-8)


@LOSSES.register_module()
class CameraJointLoss(LossTerm):
    """Camera-space 3D joints (B, T, 22, 3): ``align='pelvis'`` subtracts joint 0 of each, ``None`` is absolute."""

    needs_body = True

    def __init__(self, weight: float = 1.0, align: str = 'pelvis', distance: str = 'l1'):
        super().__init__(weight)
        if align not in ('pelvis', None):
            raise ValueError(f"align: expected 'pelvis' or None, got {align!r}")
        self.align, self.distance = align, distance

    def _points(self, out: dict) -> torch.Tensor:
        return out['joints_c']

    def forward(self, inputs: LossInputs) -> torch.Tensor:
        pred, gt = self._points(inputs.pred), self._points(inputs.gt)
        if self.align == 'pelvis':
            pred = pred - inputs.pred['joints_c'][..., :1, :]
            gt = gt - inputs.gt['joints_c'][..., :1, :]
        return masked_mean(point_distance(pred - gt, self.distance), inputs.valid.unsqueeze(-1))


@LOSSES.register_module()
class CameraVertexLoss(CameraJointLoss):
    """Camera-space vertices of the fixed subsample (``SMPLXLossSet.num_vertices``, same backend only);
    ``align='pelvis'`` subtracts each body's pelvis joint."""

    needs_vertices = True

    def _points(self, out: dict) -> torch.Tensor:
        return out['verts_c']


@LOSSES.register_module()
class ReprojectionLoss(LossTerm):
    """2D joints: predicted camera joints projected with ``K`` vs the projected GT joints, in pixels divided by
    the bbox size; masked by valid frames, GT depth > ``min_depth`` and (``use_vis``) the ``vis`` labels."""

    needs_body = True

    def __init__(self, weight: float = 1.0, distance: str = 'l1', use_vis: bool = True, min_depth: float = 0.05):
        super().__init__(weight)
        self.distance, self.use_vis, self.min_depth = distance, use_vis, min_depth

    def forward(self, inputs: LossInputs) -> torch.Tensor:
        K = inputs.batch['K'].to(inputs.x_pred)
        size = inputs.batch['bbox'][..., 2].to(inputs.x_pred).clamp(min=1.0)[..., None, None]
        pred = project_points(inputs.pred['joints_c'], K) / size
        gt = project_points(inputs.gt['joints_c'], K) / size
        mask = inputs.valid.unsqueeze(-1) & (inputs.gt['joints_c'][..., 2] > self.min_depth)
        if self.use_vis and 'vis' in inputs.batch:
            mask = mask & inputs.batch['vis'].bool()
        return masked_mean(point_distance(pred - gt, self.distance), mask)


@LOSSES.register_module()
class WorldTranslationLoss(LossTerm):
    """World ``transl`` rolled out from the predicted velocity vs GT, both shifted to start at their first frame."""

    def __init__(self, weight: float = 1.0, distance: str = 'l1'):
        super().__init__(weight)
        self.distance = distance

    def forward(self, inputs: LossInputs) -> torch.Tensor:
        pred = inputs.pred['smpl_params_w']['transl']
        gt = inputs.gt['smpl_params_w']['transl'].to(pred)
        diff = (pred - pred[:, :1]) - (gt - gt[:, :1])
        return masked_mean(point_distance(diff, self.distance), inputs.valid)


@LOSSES.register_module()
class ContactBCELoss(LossTerm):
    """Binary cross-entropy of the predicted contact logits (B, T, 4) against ``batch['contact']`` labels."""

    def forward(self, inputs: LossInputs) -> torch.Tensor:
        logits = inputs.pred['contact_logits']
        bce = F.binary_cross_entropy_with_logits(logits, inputs.batch['contact'].to(logits), reduction='none')
        return masked_mean(bce, inputs.valid.unsqueeze(-1))
