"""Guidance energies: differentiable costs of a predicted clean sample against observations (DESIGN section 5).

Samplers that support guidance (``samplers.diffusion``: ScoreHMR's DDIM loop, RoHM's DDPM sampling, ...) call a
``GuidanceSet`` on their current clean estimate and follow the gradient of its total. Each energy is a
registered module with a config ``weight``, the batch keys it ``requires`` (a missing key fails on the first
call, naming it), the frame it reads (``frame``: the posed body in the camera ``'c'`` or world ``'w'`` frame, or
None for the codec values), whether it depends on the camera offset gamma (``uses_offset``), and the levels at
which it is active (``t_min`` <= t <= ``t_max``; RoHM applies its energies for t <= 100 only).

Every energy maps ``GuidanceInputs`` to a per-sequence value (B,), so a sampler can stop each sequence on its
own (ScoreHMR section 4.1 stops on the relative change of the guidance loss). Per-frame terms are summed
over the valid frames, as ScoreHMR sums its per-image terms over a batch: each frame then gets the gradient
of its own term whatever the window length, and the paper's weights keep their meaning (with a mean over
frames the keypoint weight would have to grow with the window: x120 for our 120-frame windows).

- ``KeypointReprojectionEnergy`` (ScoreHMR eq. 12): confidence-weighted robust distance between the projected
  COCO-17 keypoints of the posed body (B, T, 17, 3; camera frame, plus the jointly optimised camera translation
  offset gamma (B, T, 3)) and the detected ``kp2d`` (B, T, 17, 3: pixels, confidence); Geman-McClure penalty
  as in SMPLify. ``form='released'`` (default) is the authors' ``keypoint_fitting_loss``: per-coordinate
  penalty on image-pixel residuals, confidence squared, times (1000 / max(W, H))^2; ``form='crop'`` (ours
  before): penalty on the residual norm in pixels of a 224 crop of the person box, confidence to the first power.
- ``TemporalConsistencyEnergy`` (eq. 14): squared difference of consecutive frames' clean estimates.
- ``MultiViewConsistencyEnergy`` (eq. 13): squared distance of each view's body pose to the mean over the
  views of the same subject and time (``batch['view_group']``).
- ``FootSkatingEnergy`` (RoHM eq. 12): world-frame foot-joint velocity where the predicted contact is on.

The two consistency energies read the denormalised codec values (6D rotations, as ScoreHMR) unless
``normalized=True``, so their weights do not depend on the codec statistics.
"""
from dataclasses import dataclass
from typing import Optional, Sequence

import torch
from torch import nn

from unihmr.body.joint_sets import FEET_JOINTS
from unihmr.data.synthetic.motion.grounding import CONTACT_SPEED
from unihmr.geometry import project_points
from unihmr.models.estimate import Estimate
from unihmr.registry import GUIDANCE

DEFAULT_FPS = 30.0


@dataclass
class GuidanceInputs:
    """What an energy may read, built in one place (:meth:`from_estimate`) from a decoded estimate.

    ``batch``: the data-contract batch; ``valid`` (B, T) bool; ``estimate``: the decoded parameters (and predicted
    ``contact``); ``body_model``: poses the estimate on first use per frame (:meth:`body`); ``x0`` (B, T, D) the
    clean estimate in the codec's normalised coordinates and ``codec`` its codec (for codec-space energies);
    ``transl_offset`` (B, T, 3) or None: gamma, added to the camera-frame body by the energies that use it.
    """

    batch: dict
    valid: torch.Tensor
    estimate: Optional[Estimate] = None
    body_model: Optional[nn.Module] = None
    x0: Optional[torch.Tensor] = None
    codec: Optional[nn.Module] = None
    transl_offset: Optional[torch.Tensor] = None

    def __post_init__(self):
        self._posed = {}

    @classmethod
    def from_estimate(cls, estimate: Estimate, batch: dict, body_model: nn.Module, **codec_values) -> 'GuidanceInputs':
        """Inputs for ``estimate`` of ``batch``; ``codec_values``: ``x0``, ``codec``, ``transl_offset``."""
        valid = batch['valid'].bool() if 'valid' in batch else torch.ones(estimate.betas.shape[:2], dtype=torch.bool)
        return cls(batch=batch, valid=valid.to(estimate.betas.device), estimate=estimate, body_model=body_model,
                   **codec_values)

    def body(self, frame: str = 'c'):
        """The posed body (``BodyOutput``: ``joints`` (B, T, 22, 3), ``coco17`` (B, T, 17, 3)) in the camera
        (``'c'``) or world (``'w'``) frame, computed on first use, then cached."""
        if frame not in self._posed:
            if self.estimate is None or self.body_model is None:
                raise ValueError('guidance: this energy needs the posed body, but the sampler gave no estimate')
            self._posed[frame] = self.body_model(**self.estimate.body_args(frame), return_verts=False)
        return self._posed[frame]

    @property
    def contact(self) -> Optional[torch.Tensor]:
        """Predicted contact probabilities (B, T, 4) of the estimate, or None."""
        return None if self.estimate is None else self.estimate.contact

    def fps(self) -> torch.Tensor:
        """Frames per second of each sequence (B,), from ``batch['meta']`` (default 30)."""
        metas = self.batch.get('meta') or [{}] * self.valid.shape[0]
        return self.valid.new_tensor([float(meta.get('fps', DEFAULT_FPS)) for meta in metas], dtype=torch.float32)


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
    """Base: ``weight``, the batch keys the energy ``requires``, the ``frame`` it reads, whether it ``uses_offset``
    gamma, and its active levels ``t_min`` <= t <= ``t_max`` (None: no upper bound)."""

    requires: tuple = ()
    frame: Optional[str] = None
    uses_offset = False

    def __init__(self, weight: float = 1.0, t_min: int = 0, t_max: Optional[int] = None):
        super().__init__()
        if t_max is not None and t_max < t_min:
            raise ValueError(f'{type(self).__name__}: t_max {t_max} < t_min {t_min}')
        self.weight, self.t_min, self.t_max = float(weight), int(t_min), t_max

    def active(self, t: Optional[int]) -> bool:
        """Whether the energy applies at level t (every level when t is None)."""
        return t is None or (t >= self.t_min and (self.t_max is None or t <= self.t_max))

    def check(self, batch: dict) -> None:
        """Raise ``ValueError`` naming the batch keys this energy needs and the batch lacks."""
        missing = [key for key in self.requires if batch.get(key) is None]
        if missing:
            raise ValueError(f'{type(self).__name__} needs batch keys {missing}; the batch has {sorted(batch)}')

    def forward(self, inputs: GuidanceInputs) -> torch.Tensor:
        """Per-sequence energy (B,), before the weight."""
        raise NotImplementedError(f'{type(self).__name__} must implement forward (abstract in GuidanceEnergy)')


KEYPOINT_FORMS = ('released', 'crop')


def _gmof(squared: torch.Tensor, sigma: float) -> torch.Tensor:
    """Geman-McClure penalty sigma^2 r^2 / (sigma^2 + r^2) of a squared residual r^2."""
    return sigma ** 2 * squared / (sigma ** 2 + squared)


@GUIDANCE.register_module()
class KeypointReprojectionEnergy(GuidanceEnergy):
    """ScoreHMR eq. 12: robust, confidence-weighted reprojection error of the COCO-17 keypoints, summed over the
    keypoints and the valid frames (B,). With r = Pi_K(J + gamma) - kp (B, T, 17, 2) in image pixels and c the
    detection confidence (0 below ``min_conf`` and for points behind the camera):

    - ``form='released'`` (default; ScoreHMR's released ``keypoint_fitting_loss``, which its weight 0.003
      belongs to): ``sum_k c_k^2 * s^2 * (GMoF(r_kx) + GMoF(r_ky))``, GMoF per coordinate, s = 1000 / max(W, H).
      Equivalently GMoF with sigma * s of the residual s * r measured in the image rescaled to 1000 px on its
      long side. The image size (W, H) comes from ``batch['meta'][b]['image_size']``; a sequence without it
      uses 2 x the principal point of its ``K``, frame by frame (exact for a centred principal point).
    - ``form='crop'``: ``sum_k c_k * GMoF(|r_k|)``, GMoF of the residual norm, r in pixels of a ``crop_size``
      crop of the person box (``crop_size`` / box size times image pixels; ``crop_size=None`` keeps image pixels).
      ``crop_size`` is used by this form only.

    GMoF(r) = sigma^2 r^2 / (sigma^2 + r^2), the Geman-McClure penalty of SMPLify (sigma in the residual's units).
    """

    requires = ('kp2d', 'K')
    frame = 'c'
    uses_offset = True

    def __init__(self, weight: float = 1.0, sigma: float = 100.0, min_conf: float = 0.0, form: str = 'released',
                 crop_size: Optional[float] = 224.0, **active):
        super().__init__(weight, **active)
        if form not in KEYPOINT_FORMS:
            raise ValueError(f'KeypointReprojectionEnergy form: expected one of {KEYPOINT_FORMS}, got {form!r}')
        self.form, self.sigma, self.min_conf = form, float(sigma), float(min_conf)
        self.crop_size = None if crop_size is None else float(crop_size)
        if form == 'crop' and crop_size is not None:
            self.requires = ('kp2d', 'K', 'bbox')

    @staticmethod
    def image_size(batch: dict, K: torch.Tensor) -> torch.Tensor:
        """max(W, H) of each frame's image (B, T): ``batch['meta'][b]['image_size']`` (W, H) where given, else
        2 x the larger coordinate of the principal point of ``K`` (B, T, 3, 3)."""
        fallback = 2 * K[..., :2, 2].amax(-1)  # (B, T)
        metas = batch.get('meta') or []
        sizes = [meta.get('image_size') if isinstance(meta, dict) else None for meta in metas]
        if len(sizes) != fallback.shape[0] or all(size is None for size in sizes):
            return fallback
        known = torch.tensor([size is not None for size in sizes], device=K.device)
        given = fallback.new_tensor([max(float(v) for v in size) if size is not None else 0.0 for size in sizes])
        return torch.where(known[:, None], given[:, None], fallback)

    def forward(self, inputs: GuidanceInputs) -> torch.Tensor:
        points = inputs.body('c').coco17  # (B, T, 17, 3)
        if inputs.transl_offset is not None:
            points = points + inputs.transl_offset[..., None, :]
        kp2d = inputs.batch['kp2d'].to(points)
        K = inputs.batch['K'].to(points)
        residual = project_points(points, K) - kp2d[..., :2]  # (B, T, 17, 2) image pixels
        conf = kp2d[..., 2] * (kp2d[..., 2] >= self.min_conf) * (points[..., 2] > 1e-3)  # (B, T, 17)
        if self.form == 'released':
            data_weight = 1000.0 / self.image_size(inputs.batch, K).clamp(min=1.0)  # (B, T)
            robust = _gmof(residual.square(), self.sigma).sum(-1)  # per coordinate, then x + y
            per_frame = data_weight.square() * (conf.square() * robust).sum(-1)
        else:
            if self.crop_size is not None:
                box = inputs.batch['bbox'][..., 2:3].to(points).clamp(min=1.0)  # (B, T, 1)
                residual = residual * (self.crop_size / box)[..., None, :]
            per_frame = (conf * _gmof(residual.square().sum(-1), self.sigma)).sum(-1)
        return _frame_sum(per_frame, inputs.valid)


@GUIDANCE.register_module()
class TemporalConsistencyEnergy(GuidanceEnergy):
    """ScoreHMR eq. 14: ``sum_n |x0^(n) - x0^(n-1)|^2`` over the coordinates of ``fields`` (None = all) and the
    pairs of consecutive valid frames."""

    def __init__(self, weight: float = 1.0, fields: Optional[Sequence[str]] = None, normalized: bool = False,
                 **active):
        super().__init__(weight, **active)
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

    def __init__(self, weight: float = 1.0, fields: Sequence[str] = ('body_pose',), normalized: bool = False,
                 **active):
        super().__init__(weight, **active)
        self.fields, self.normalized = tuple(fields), normalized

    def forward(self, inputs: GuidanceInputs) -> torch.Tensor:
        x = _select(inputs.x0, inputs.codec, self.fields, self.normalized)  # (B, T, d)
        group = torch.as_tensor(inputs.batch['view_group'], device=x.device).long()
        same = (group[:, None] == group[None, :]).to(x.dtype)  # (B, B)
        mean = torch.einsum('bc,ctd->btd', same / same.sum(-1, keepdim=True), x)
        return _frame_sum((x - mean).square().sum(-1), inputs.valid)


FOOT_SKATING_FORMS = ('released', 'paper')
CONTACT_SOURCES = ('estimate', 'speed')


@GUIDANCE.register_module()
class FootSkatingEnergy(GuidanceEnergy):
    """RoHM eq. 12: foot-joint velocity (world frame, m/s) where the predicted contact is on.

    For each foot joint (``FEET_JOINTS``: ankles, feet) and each pair of consecutive valid frames whose first frame
    is in contact: ``form='released'`` (the authors' code) costs the speed above ``threshold`` m/s,
    ``max(|v| - threshold, 0)``; ``form='paper'`` the squared velocity ``|v|^2``. Summed over the feet and the
    frame pairs (this module's convention; the release averages them, so its weights divide by the number of terms).

    ``contact='estimate'`` (RoHM: its PoseNet predicts contacts) reads the estimate's contact probabilities
    (> ``contact_threshold``); ``contact='speed'`` is for heads that predict none (FactorizedHMR's latent has no
    contact field): a foot joint is in contact where its own speed in the estimate, not differentiated, is below
    ``contact_speed`` m/s (default ``CONTACT_SPEED``, the speed of the synthetic contact labels and of the
    foot-sliding metric).
    """

    frame = 'w'

    def __init__(self, weight: float = 1.0, form: str = 'released', threshold: float = 0.1,
                 contact_threshold: float = 0.5, contact: str = 'estimate', contact_speed: float = CONTACT_SPEED,
                 **active):
        super().__init__(weight, **active)
        if form not in FOOT_SKATING_FORMS:
            raise ValueError(f'FootSkatingEnergy form: expected one of {FOOT_SKATING_FORMS}, got {form!r}')
        if contact not in CONTACT_SOURCES:
            raise ValueError(f'FootSkatingEnergy contact: expected one of {CONTACT_SOURCES}, got {contact!r}')
        self.form, self.threshold, self.contact_threshold = form, float(threshold), float(contact_threshold)
        self.contact, self.contact_speed = contact, float(contact_speed)

    def forward(self, inputs: GuidanceInputs) -> torch.Tensor:
        if self.contact == 'estimate' and inputs.contact is None:
            raise ValueError("FootSkatingEnergy needs predicted contacts (an estimate with contact); it has none "
                             "(contact='speed' derives them from the feet's own speed)")
        feet = inputs.body('w').joints[..., list(FEET_JOINTS), :]  # (B, T, 4, 3)
        velocity = (feet[:, 1:] - feet[:, :-1]) * inputs.fps().to(feet)[:, None, None, None]  # m/s
        if self.form == 'paper':
            cost = velocity.square().sum(-1)
        else:
            cost = (velocity.norm(dim=-1) - self.threshold).clamp(min=0)
        if self.contact == 'speed':
            on = (velocity.detach().norm(dim=-1) < self.contact_speed).to(cost)  # (B, T - 1, 4)
        else:
            on = (inputs.contact[:, :-1] > self.contact_threshold).to(cost)  # (B, T - 1, 4)
        pairs = inputs.valid[:, 1:] & inputs.valid[:, :-1]
        return _frame_sum((cost * on).sum(-1), pairs)


@GUIDANCE.register_module()
class GuidanceSet(nn.Module):
    """Weighted sum of energies, built from a dict name -> energy config (None or weight 0 drops a term).
    Called with ``t``, only the energies active at that level count. Returns ``(total (B,) or None when no term
    is active, {name: weighted (B,)})``."""

    def __init__(self, energies: dict):
        super().__init__()
        built = {name: GUIDANCE.build(dict(cfg)) for name, cfg in (energies or {}).items() if cfg is not None}
        self.energies = nn.ModuleDict({name: energy for name, energy in built.items() if energy.weight != 0})

    @property
    def uses_offset(self) -> bool:
        """Whether any energy depends on the camera offset gamma."""
        return any(energy.uses_offset for energy in self.energies.values())

    @property
    def frames(self) -> set:
        """The posed-body frames the energies read."""
        return {energy.frame for energy in self.energies.values() if energy.frame is not None}

    def active(self, t: Optional[int]) -> bool:
        """Whether any energy applies at level t (a sampler skips decoding the estimate when none does)."""
        return any(energy.active(t) for energy in self.energies.values())

    def check(self, batch: dict) -> None:
        for energy in self.energies.values():
            energy.check(batch)

    def forward(self, inputs: GuidanceInputs, t: Optional[int] = None):
        self.check(inputs.batch)
        terms = {name: energy.weight * energy(inputs) for name, energy in self.energies.items() if energy.active(t)}
        total = sum(terms.values()) if terms else None
        return total, terms
