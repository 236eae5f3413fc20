"""Loss terms shared by every head, each a small registered module with a config ``weight``.

Every term is called as ``term(inputs: LossInputs) -> Tensor`` (a scalar, before the weight) and returns
``weight * value`` through :meth:`LossTerm.weighted`. ``LossInputs`` (built by ``SMPLXLossSet``) holds:

- ``x_pred`` / ``x_gt`` (B, T, dim): normalised codec representations; ``codec``: the codec;
- ``pred`` / ``gt``: dicts with ``smpl_params_c`` / ``smpl_params_w`` (body-model names), ``contact_logits``
  (pred only), and, when some term needs the body, ``joints_c`` (B, T, 22, 3) and ``verts_c`` (B, T, N, 3)
  (fixed vertex subsample) from one body-model run each;
- ``batch``: the data-contract batch; ``valid`` (B, T) bool.

Distances over 3-vectors (``distance``): 'l1' = sum of |d| over x, y, z (a 1 cm offset along one axis gives
0.01); 'l2' = Euclidean norm; 'mse' = squared norm; 'robust' = pseudo-Huber of the norm with scale ``delta``,
``delta^2 (sqrt(1 + (|d| / delta)^2) - 1)``: quadratic below ``delta``, linear above (FactorizedHMR's rho).
Values are means over points and valid frames, in metres.

Weights can ramp up (``ramp_iters`` > 0): the weight grows linearly from 0 to ``weight`` over the first
``ramp_iters`` training steps of the head (``extras['step']``; without a step the full weight applies).
"""
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn

from unihmr.body.joint_sets import BODY_PARENTS
from unihmr.geometry import project_points
from unihmr.registry import LOSSES


def masked_mean(value: torch.Tensor, mask: torch.Tensor, eps: float = 1e-8) -> torch.Tensor:
    """Mean of ``value`` (...) over entries where ``mask`` (broadcastable to ``value``) is true; 0 if none."""
    mask = mask.to(value.dtype).expand_as(value)
    return (value * mask).sum() / mask.sum().clamp(min=eps)


DISTANCES = ('l1', 'l2', 'mse', 'robust')


def point_distance(diff: torch.Tensor, distance: str = 'l1', delta: float = 0.05) -> torch.Tensor:
    """Per-point distance (...) of differences (..., C) (see the module docstring)."""
    if distance == 'robust':
        squared = diff.square().sum(-1)  # delta^2 (sqrt(1 + x) - 1) = d^2 / (sqrt(1 + x) + 1), no cancellation
        return squared / ((1 + squared / (delta * delta)).sqrt() + 1)
    if distance == 'l1':
        return diff.abs().sum(-1)
    if distance == 'l2':
        return diff.norm(dim=-1)
    if distance == 'mse':
        return (diff * diff).sum(-1)
    raise ValueError(f'distance: expected one of {DISTANCES}, got {distance!r}')


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


JOINT_SETS = ('all', 'torso', 'non_torso', 'anchor')


def check_joint_set(joints: str) -> str:
    if joints not in JOINT_SETS:
        raise ValueError(f'loss joints: expected one of {JOINT_SETS}, got {joints!r}')
    return joints


def joint_set_mask(codec, joints: str, num_joints: int, device=None) -> torch.Tensor:
    """Bool (num_joints,): all joints, or the torso / non-torso / anchor (torso and their children) body joints
    of ``codec.torso_split``."""
    if joints == 'all':
        return torch.ones(num_joints, dtype=torch.bool, device=device)
    split = codec.torso_split
    chosen = torch.tensor({'torso': split.torso_joints, 'non_torso': split.non_torso_joints,
                           'anchor': split.anchor_joints}[joints], device=device)
    return torch.isin(torch.arange(num_joints, device=device), chosen)


class LossTerm(nn.Module):
    """Base: ``weight`` and whether the term needs posed joints / vertices (``needs_body`` / ``needs_vertices``)."""

    needs_body = False
    needs_vertices = False

    def __init__(self, weight: float = 1.0, ramp_iters: int = 0):
        super().__init__()
        if ramp_iters < 0:
            raise ValueError(f'ramp_iters: expected >= 0, got {ramp_iters}')
        self.weight, self.ramp_iters = float(weight), int(ramp_iters)

    def current_weight(self, step=None) -> float:
        """``weight``, scaled by ``min(1, step / ramp_iters)`` while ramping up (see the module docstring)."""
        if self.ramp_iters and step is not None:
            return self.weight * min(1.0, float(step) / self.ramp_iters)
        return self.weight

    def weighted(self, inputs: LossInputs) -> torch.Tensor:
        return self.current_weight(inputs.extras.get('step')) * self(inputs)


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
    """Camera-space 3D joints (B, T, 22, 3): ``align='pelvis'`` subtracts joint 0 of each, ``None`` is absolute.
    ``joints``: 'all', or 'torso' / 'non_torso' / 'anchor' of the codec's ``torso_split`` (a torso-root anchor
    uses 'anchor': the torso joints and the joints its rotations place). ``source``: 'fk' poses the predicted
    rotations; 'branch' reads the codec's joint-position fields instead (``pred['joints_rel_c']``, pelvis relative,
    so ``align='pelvis'``): direct supervision of the joint-position branch, as a lifting network has."""

    needs_body = True

    def __init__(self, weight: float = 1.0, align: str = 'pelvis', distance: str = 'l1', joints: str = 'all',
                 source: str = 'fk'):
        super().__init__(weight)
        if align not in ('pelvis', None):
            raise ValueError(f"align: expected 'pelvis' or None, got {align!r}")
        if source not in ('fk', 'branch') or (source == 'branch' and align != 'pelvis'):
            raise ValueError(f"source: expected 'fk', or 'branch' with align='pelvis'; got {source!r}, {align!r}")
        if source == 'branch' and self.needs_vertices:
            raise ValueError(f"{type(self).__name__}: source='branch' is a joint-position branch; vertices have none")
        self.align, self.distance, self.joints, self.source = align, distance, check_joint_set(joints), source

    def _points(self, out: dict) -> torch.Tensor:
        return out['joints_c']

    def _predicted(self, inputs: LossInputs) -> torch.Tensor:
        """Predicted points (B, T, N, 3), pelvis relative when ``align='pelvis'``."""
        if self.source == 'branch':
            if 'joints_rel_c' not in inputs.pred:
                raise ValueError("CameraJointLoss(source='branch'): the codec layout has no joint-position fields "
                                 "('joints_torso', 'joints_non_torso')")
            return inputs.pred['joints_rel_c']
        pred = self._points(inputs.pred)
        return pred - inputs.pred['joints_c'][..., :1, :] if self.align == 'pelvis' else pred

    def forward(self, inputs: LossInputs) -> torch.Tensor:
        pred, gt = self._predicted(inputs), self._points(inputs.gt)
        if self.align == 'pelvis':
            gt = gt - inputs.gt['joints_c'][..., :1, :]
        mask = inputs.valid.unsqueeze(-1)
        if self.joints != 'all':
            mask = mask & joint_set_mask(inputs.codec, self.joints, pred.shape[-2], pred.device)
        return masked_mean(point_distance(pred - gt, self.distance), mask)


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
    the bbox size; masked by valid frames, GT depth > ``min_depth`` and (``use_vis``) the ``vis`` labels.

    ``joints``: 'all' (22), or 'torso' / 'non_torso' / 'anchor' of the codec's ``torso_split``. FactorizedHMR's direct
    projection loss (eq. 9) is ``ReprojectionLoss(joints='non_torso', distance='robust', ramp_iters=...)``.
    """

    needs_body = True

    def __init__(self, weight: float = 1.0, distance: str = 'l1', use_vis: bool = True, min_depth: float = 0.05,
                 joints: str = 'all', delta: float = 0.05, ramp_iters: int = 0):
        super().__init__(weight, ramp_iters)
        point_distance(torch.zeros(3), distance)  # fails early on an unknown distance
        self.distance, self.use_vis, self.min_depth = distance, use_vis, min_depth
        self.joints, self.delta = check_joint_set(joints), delta

    def forward(self, inputs: LossInputs) -> torch.Tensor:
        K = inputs.batch['K'].to(inputs.x_pred)
        size = inputs.batch['bbox'][..., 2].to(inputs.x_pred).clamp(min=1.0)[..., None, None]
        pred = project_points(inputs.pred['joints_c'], K) / size
        gt = project_points(inputs.gt['joints_c'], K) / size
        mask = inputs.valid.unsqueeze(-1) & (inputs.gt['joints_c'][..., 2] > self.min_depth)
        if self.use_vis and 'vis' in inputs.batch:
            mask = mask & inputs.batch['vis'].bool()
        if self.joints != 'all':
            mask = mask & joint_set_mask(inputs.codec, self.joints, mask.shape[-1], mask.device)
        return masked_mean(point_distance(pred - gt, self.distance, self.delta), mask)


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


@LOSSES.register_module()
class CameraTranslationLoss(LossTerm):
    """Camera-frame SMPL-X ``transl`` (B, T, 3) against GT, over valid frames."""

    def __init__(self, weight: float = 1.0, distance: str = 'l1'):
        super().__init__(weight)
        self.distance = distance

    def forward(self, inputs: LossInputs) -> torch.Tensor:
        pred = inputs.pred['smpl_params_c']['transl']
        gt = inputs.gt['smpl_params_c']['transl'].to(pred)
        return masked_mean(point_distance(pred - gt, self.distance), inputs.valid)


@LOSSES.register_module()
class JointBoneConsistencyLoss(LossTerm):
    """FactorizedHMR eq. 8: the predicted joint-position branch (``pred['joints_rel_c']`` (B, T, 22, 3), pelvis
    relative, from the codec) against the forward-kinematics joints of the predicted rotations (``joints_c``,
    made pelvis relative): rho of the joint offsets plus rho of the bone vectors (joint minus parent) over the
    single-parent bone pairs of the body skeleton. ``rho`` is ``distance`` ('robust' by default)."""

    needs_body = True

    def __init__(self, weight: float = 1.0, distance: str = 'robust', delta: float = 0.05, ramp_iters: int = 0):
        super().__init__(weight, ramp_iters)
        self.distance, self.delta = distance, delta
        children = [j for j, parent in enumerate(BODY_PARENTS) if parent >= 0]
        self.register_buffer('child_index', torch.tensor(children), persistent=False)
        self.register_buffer('parent_index', torch.tensor([BODY_PARENTS[j] for j in children]), persistent=False)

    def bones(self, joints: torch.Tensor) -> torch.Tensor:
        """(..., 22, 3) joints -> (..., 21, 3) bone vectors, child minus parent."""
        return joints[..., self.child_index, :] - joints[..., self.parent_index, :]

    def forward(self, inputs: LossInputs) -> torch.Tensor:
        if 'joints_rel_c' not in inputs.pred:
            raise ValueError('JointBoneConsistencyLoss: the codec layout has no joint-position fields '
                             "('joints_torso', 'joints_non_torso')")
        branch = inputs.pred['joints_rel_c']
        fk = inputs.pred['joints_c'] - inputs.pred['joints_c'][..., :1, :]
        joint_term = point_distance(branch - fk, self.distance, self.delta)[..., 1:]  # the pelvis is 0 in both
        bone_term = point_distance(self.bones(branch) - self.bones(fk), self.distance, self.delta)
        mask = inputs.valid.unsqueeze(-1)
        return masked_mean(joint_term, mask) + masked_mean(bone_term, mask)
