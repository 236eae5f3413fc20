"""``Estimate``: what one stage hands to the next, and what packaging and metrics read (DESIGN section 5).

An estimate holds SMPL-X body parameters in data-contract names only, never a codec's tensor, so any stage
can read any earlier stage's output whatever its representation:

- ``global_orient_c``, ``transl_c``, ``global_orient_w``, ``transl_w`` (B, T, 3): root orientation (axis-angle)
  and translation in the camera and the world frame;
- ``body_pose`` (B, T, 21, 3) axis-angle; ``betas`` (B, T, 10);
- ``contact`` (B, T, 4) optional foot-contact probabilities (``FEET_JOINT_NAMES`` order);
- ``samples`` optional dict of the same six names with a leading S: (S, B, T, ...) hypotheses;
- ``confidence`` (B, T, 22) optional per-joint confidence / visibility in [0, 1] (1 = trusted).
"""
from dataclasses import dataclass, fields, replace
from typing import Optional

import torch

PARAM_NAMES = ('global_orient_c', 'transl_c', 'global_orient_w', 'transl_w', 'body_pose', 'betas')
FRAMES = ('c', 'w')


@dataclass
class Estimate:
    """SMPL-X parameters of B sequences of T frames (see the module docstring for the shapes)."""

    global_orient_c: torch.Tensor
    transl_c: torch.Tensor
    global_orient_w: torch.Tensor
    transl_w: torch.Tensor
    body_pose: torch.Tensor
    betas: torch.Tensor
    contact: Optional[torch.Tensor] = None
    samples: Optional[dict] = None
    confidence: Optional[torch.Tensor] = None

    def __post_init__(self):
        self.body_pose = self.body_pose.reshape(*self.body_pose.shape[:2], -1, 3)
        if self.samples is not None:
            missing = [name for name in PARAM_NAMES if name not in self.samples]
            if missing:
                raise ValueError(f'Estimate.samples: missing {missing}; samples hold the names {PARAM_NAMES}')
            pose = self.samples['body_pose']
            self.samples = dict(self.samples, body_pose=pose.reshape(*pose.shape[:3], -1, 3))

    @classmethod
    def from_params(cls, params: dict, **extra) -> 'Estimate':
        """From a dict with (at least) the data-contract names ``PARAM_NAMES`` (e.g. ``batch['smpl_params']`` or a
        codec's decoded ``smpl_params``); ``extra``: ``contact``, ``samples``, ``confidence``."""
        missing = [name for name in PARAM_NAMES if name not in params]
        if missing:
            raise ValueError(f'Estimate: parameters {missing} missing; got {sorted(params)}')
        return cls(**{name: params[name] for name in PARAM_NAMES}, **extra)

    @property
    def params(self) -> dict:
        """The six parameters as a dict in data-contract names (the tensors themselves, not copies)."""
        return {name: getattr(self, name) for name in PARAM_NAMES}

    @property
    def num_samples(self) -> int:
        """S: the number of hypotheses in ``samples`` (1 without samples)."""
        return 1 if self.samples is None else int(self.samples['betas'].shape[0])

    def body_args(self, frame: str = 'c') -> dict:
        """Body-model arguments (``global_orient``, ``body_pose``, ``betas``, ``transl``) in the camera (``'c'``)
        or world (``'w'``) frame."""
        return body_args(self.params, frame)

    def sample_body_args(self, frame: str = 'c') -> Optional[dict]:
        """Body-model arguments of every hypothesis, flattened to (S * B, T, ...) sample-major; None without
        samples."""
        if self.samples is None:
            return None
        return {key: value.flatten(0, 1) for key, value in body_args(self.samples, frame).items()}

    def with_params(self, **params) -> 'Estimate':
        """A copy with some of the six parameters (or ``contact`` / ``samples`` / ``confidence``) replaced."""
        return replace(self, **params)

    def slice_time(self, start: int, end: int) -> 'Estimate':
        """Frames ``start:end`` (samples too)."""
        changes = {f.name: getattr(self, f.name)[:, start:end] for f in fields(self)
                   if f.name != 'samples' and getattr(self, f.name) is not None}
        if self.samples is not None:
            changes['samples'] = {name: value[:, :, start:end] for name, value in self.samples.items()}
        return replace(self, **changes)

    def take(self, rows: torch.Tensor) -> 'Estimate':
        """The sequences ``rows`` (index tensor over B), hypotheses too."""
        changes = {f.name: getattr(self, f.name)[rows] for f in fields(self)
                   if f.name != 'samples' and getattr(self, f.name) is not None}
        if self.samples is not None:
            changes['samples'] = {name: value[:, rows] for name, value in self.samples.items()}
        return replace(self, **changes)

    @classmethod
    def concat(cls, estimates: list) -> 'Estimate':
        """Estimates of the same length joined along the batch axis (hypotheses along theirs)."""
        first = estimates[0]
        changes = {f.name: torch.cat([getattr(e, f.name) for e in estimates], 0) for f in fields(first)
                   if f.name != 'samples' and getattr(first, f.name) is not None}
        if first.samples is not None:
            changes['samples'] = {name: torch.cat([e.samples[name] for e in estimates], 1) for name in first.samples}
        return replace(first, **changes)

    def repeat(self, times: int) -> 'Estimate':
        """B sequences -> times * B, sample-major (as ``batch_ops.repeat_batch``); hypotheses along their dim 1."""
        def tile(value, dim=0):
            return value.repeat(*([1] * dim), times, *([1] * (value.dim() - dim - 1)))
        changes = {f.name: tile(getattr(self, f.name)) for f in fields(self)
                   if f.name != 'samples' and getattr(self, f.name) is not None}
        if self.samples is not None:
            changes['samples'] = {name: tile(value, 1) for name, value in self.samples.items()}
        return replace(self, **changes)

    def detach(self) -> 'Estimate':
        changes = {f.name: getattr(self, f.name).detach() for f in fields(self)
                   if f.name != 'samples' and getattr(self, f.name) is not None}
        if self.samples is not None:
            changes['samples'] = {name: value.detach() for name, value in self.samples.items()}
        return replace(self, **changes)


def body_args(params: dict, frame: str) -> dict:
    """Body-model arguments from data-contract parameters in the camera (``'c'``) or world (``'w'``) frame."""
    if frame not in FRAMES:
        raise ValueError(f"frame: expected one of {FRAMES}, got {frame!r}")
    return dict(global_orient=params[f'global_orient_{frame}'], body_pose=params['body_pose'],
                betas=params['betas'], transl=params[f'transl_{frame}'])


def ground_truth_estimate(batch: dict) -> Estimate:
    """The batch's ground truth as an estimate (confidence: the GT visibility ``vis`` when present)."""
    if batch.get('smpl_params') is None:
        raise KeyError("the batch has no ground-truth 'smpl_params'")
    return Estimate.from_params({name: value.clone() for name, value in batch['smpl_params'].items()},
                                contact=batch.get('contact'), confidence=batch.get('vis'))
