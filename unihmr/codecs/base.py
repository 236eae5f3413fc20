"""Shared codec base: a motion representation declared as one ordered dict of named fields and sizes.

A codec turns a data-contract batch (B, T leading) into a tensor ``x`` (B, T, dim) and back. The layout
is explicit (RoHM style, no magic slices): ``available_fields`` maps every field the codec knows how to
compute to its size; ``fields`` (constructor argument, default: the codec's default layout) picks the
fields, in order, that make up ``x``. A subset codec (e.g. FactorizedHMR's torso-root anchor) is then a
config change: ``dict(type='GVHMRCodec', fields=('body_pose_torso', 'betas', 'global_orient_c', 'cam'))``.

Known / unknown partition (FactorizedHMR eq. 4-5): ``known_fields`` names the fields fixed by an earlier
stage (z_K); the others are generated (z_U). ``known_mask`` (dim,) bool is True on z_K (``build_known_mask``:
the known fields' coordinates, less any that a codec says the anchor cannot determine). Giving
``unknown_fields`` as well makes the codec check that the two lists partition the layout.

Normalisation: ``x = (raw - mean) / std`` per coordinate. ``mean`` / ``std`` (dim,) are persistent buffers
(saved in checkpoints), filled by :meth:`Codec.compute_stats` (streaming, over valid frames) or left at
0 / 1. Fields listed in ``unnormalized`` (e.g. contact logits), and every field of a codec built with
``normalized=False``, always keep mean 0 and std 1.
"""
from collections import OrderedDict

import torch
from torch import nn


class Codec(nn.Module):
    """Base codec. Subclasses pass their ``available_fields`` and implement ``encode_fields`` / ``decode``.

    Args:
        available_fields: ordered dict name -> size of every field the codec can compute.
        fields: names (subset of ``available_fields``, in the order of ``x``); None = ``default_fields``.
        default_fields: the layout used when ``fields`` is None (None = all available fields).
        unnormalized: names of fields that are never normalised (mean 0, std 1).
        min_std: floor of the computed std (constant coordinates would otherwise divide by zero).
        known_fields: fields fixed by an earlier stage (z_K); default none.
        unknown_fields: optional; if given, ``known_fields`` and ``unknown_fields`` must partition ``fields``.
        normalized: False keeps every field raw (mean 0, std 1 whatever ``compute_stats`` sees): ScoreHMR's prior
            diffuses raw 6D rotations.
    """

    def __init__(self, available_fields: dict, fields=None, default_fields=None, unnormalized=(),
                 min_std: float = 1e-3, known_fields=(), unknown_fields=None, normalized: bool = True):
        super().__init__()
        self.available_fields = OrderedDict(available_fields)
        names = tuple(fields) if fields is not None else tuple(default_fields or self.available_fields)
        unknown = [name for name in names if name not in self.available_fields]
        if unknown:
            raise ValueError(f'fields: unknown {unknown}; available: {tuple(self.available_fields)}')
        if len(set(names)) != len(names) or not names:
            raise ValueError(f'fields: expected distinct, non-empty names, got {names}')
        self.fields = OrderedDict((name, self.available_fields[name]) for name in names)
        self.slices, start = OrderedDict(), 0
        for name, size in self.fields.items():
            self.slices[name] = slice(start, start + size)
            start += size
        self.dim = start
        self.normalized = bool(normalized)
        self.unnormalized = tuple(name for name in (unnormalized if normalized else self.fields) if name in self.fields)
        self.min_std = min_std
        self.register_buffer('mean', torch.zeros(self.dim))
        self.register_buffer('std', torch.ones(self.dim))
        self.known_fields = self._check_partition(tuple(known_fields or ()), unknown_fields)
        self.register_buffer('known_mask', self.build_known_mask(), persistent=False)

    def _check_partition(self, known: tuple, unknown) -> tuple:
        """Validate ``known`` (and ``unknown``, when given) against the layout; returns ``known``."""
        layout = tuple(self.fields)
        outside = [name for name in known + tuple(unknown or ()) if name not in self.fields]
        if outside:
            raise ValueError(f'known/unknown fields: {outside} are not in the layout {layout}')
        if unknown is not None:
            unknown = tuple(unknown)
            both = sorted(set(known) & set(unknown))
            missing = [name for name in layout if name not in known and name not in unknown]
            if both or missing:
                raise ValueError(f'known_fields {known} and unknown_fields {unknown} must partition the layout '
                                 f'{layout}: in both {both}, in neither {missing}')
        return known

    def build_known_mask(self) -> torch.Tensor:
        """Bool (dim,): the coordinates of ``known_fields`` (a codec may leave out coordinates that its known
        fields hold but an anchor cannot determine)."""
        return self.field_mask(self.known_fields)

    @property
    def unknown_fields(self) -> tuple:
        """Fields generated by the head (z_U): the layout minus ``known_fields``."""
        return tuple(name for name in self.fields if name not in self.known_fields)

    # ------------------------------------------------------------------ layout
    def split(self, x: torch.Tensor) -> dict:
        """(..., dim) -> OrderedDict name -> (..., size) views, in layout order."""
        if x.shape[-1] != self.dim:
            raise ValueError(f'x: expected last dim {self.dim} ({tuple(self.fields)}), got {tuple(x.shape)}')
        return OrderedDict((name, x[..., sl]) for name, sl in self.slices.items())

    def join(self, parts: dict) -> torch.Tensor:
        """Dict name -> (..., size) (every field of the layout; extra keys ignored) -> (..., dim)."""
        missing = [name for name in self.fields if name not in parts]
        if missing:
            raise ValueError(f'join: missing fields {missing}; layout {tuple(self.fields)}')
        for name, size in self.fields.items():
            if parts[name].shape[-1] != size:
                raise ValueError(f'join: field {name!r} expected last dim {size}, got {tuple(parts[name].shape)}')
        return torch.cat([parts[name] for name in self.fields], dim=-1)

    def field_mask(self, names) -> torch.Tensor:
        """Bool (dim,) that is True on the coordinates of the fields ``names`` (absent names are ignored)."""
        mask = torch.zeros(self.dim, dtype=torch.bool, device=self.mean.device)
        for name in names:
            if name in self.slices:
                mask[self.slices[name]] = True
        return mask

    def field_weights(self, weights: dict = None) -> torch.Tensor:
        """Per-coordinate weights (dim,): ``weights[name]`` on that field's slice, 1 elsewhere."""
        out = torch.ones(self.dim, device=self.mean.device)
        for name, value in (weights or {}).items():
            if name not in self.available_fields:
                raise ValueError(f'field weight {name!r}: unknown field; available {tuple(self.available_fields)}')
            if name in self.slices:
                out[self.slices[name]] = value
        return out

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        """A raw codec (``normalized=False``) refuses statistics other than 0 / 1: such a checkpoint was trained in
        normalised coordinates and means something else here."""
        if not self.normalized:
            for name, value in (('mean', 0.0), ('std', 1.0)):
                stored = state_dict.get(prefix + name)
                if stored is not None and not torch.allclose(stored, torch.full_like(stored, value)):
                    raise ValueError(f'{prefix}{name}: this codec keeps its fields raw (normalized=False) but the '
                                     'checkpoint holds statistics: it was trained in normalised coordinates')
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    # ------------------------------------------------------------ normalising
    def normalize(self, raw: torch.Tensor) -> torch.Tensor:
        return (raw - self.mean) / self.std

    def denormalize(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.std + self.mean

    @torch.no_grad()
    def compute_stats(self, batches) -> None:
        """Set ``mean`` / ``std`` from an iterable of batches: streaming float64 sums over valid frames.

        ``std`` is the population std (numpy's default, ddof=0), floored at ``min_std``.
        """
        count = 0
        total = torch.zeros(self.dim, dtype=torch.float64)
        total_sq = torch.zeros(self.dim, dtype=torch.float64)
        for batch in batches:
            raw = self.encode(batch, normalize=False).double().cpu()
            valid = batch['valid'].reshape(raw.shape[:-1]).bool().cpu()
            rows = raw[valid]
            count += rows.shape[0]
            total += rows.sum(0)
            total_sq += (rows * rows).sum(0)
        if count == 0:
            raise ValueError('compute_stats: no valid frames in the batches')
        mean = total / count
        std = (total_sq / count - mean * mean).clamp(min=0).sqrt().clamp(min=self.min_std)
        unnormalized = self.field_mask(self.unnormalized).cpu()
        mean[unnormalized], std[unnormalized] = 0.0, 1.0
        self.mean.copy_(mean.to(self.mean))
        self.std.copy_(std.to(self.std))

    # --------------------------------------------------------------- encoding
    def encode_fields(self, batch: dict, names=None) -> dict:
        """Batch -> dict name -> unnormalised (B, T, size) for (at least) the fields ``names`` (default: the
        layout)."""
        raise NotImplementedError(f'{type(self).__name__} must implement encode_fields (abstract in Codec)')

    def encode(self, batch: dict, normalize: bool = True, names=None) -> torch.Tensor:
        """Batch -> (B, T, dim), normalised unless ``normalize=False``. With ``names`` only those fields are
        computed (e.g. the known ones, from a batch without the inputs of the others); the rest hold the
        mean (0 once normalised)."""
        names = tuple(self.fields) if names is None else tuple(names)
        parts = self.encode_fields(batch, names)
        like = next(iter(parts.values()))
        filled = {name: parts[name] if name in names else self.mean[sl].to(like).expand(*like.shape[:-1], -1)
                  for name, sl in self.slices.items()}
        raw = self.join(filled).to(self.mean)
        return self.normalize(raw) if normalize else raw

    def decode(self, x: torch.Tensor, batch: dict, **kwargs) -> dict:
        """Normalised (B, T, dim) -> decoded parameters; each codec defines its layout's decoding."""
        raise NotImplementedError(f'{type(self).__name__} must implement decode (abstract in Codec)')

    def extra_repr(self) -> str:
        return f'dim={self.dim}, fields={dict(self.fields)}, known={self.known_fields}'
