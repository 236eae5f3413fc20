"""Per-frame condition tokens from the observations (FactorizedHMR section 3.2), shared by every head.

Each modality is embedded by its own MLP to ``width`` and the embeddings are summed:

- ``kp_rays``: 2D keypoints -> camera rays ``(x/z, y/z)`` through ``K``, multi-frequency sin/cos
  features per keypoint; keypoints with confidence below ``conf_threshold`` are replaced by a learned
  token (one per keypoint);
- ``kp_box`` (optional, not in the paper's set): the same keypoints in box coordinates,
  ``(uv - box centre) / (box side / 2)``, sin/cos features with ``box_freqs`` frequencies and their own
  missing-keypoint token. This is GVHMR's keypoint input (bbox-normalised 2D keypoints): invariant to where
  the person stands and how far away, so the pose is read from the keypoints' layout; the keypoint-only
  models (no image features) use it beside ``kp_rays``;
- ``bbox``: the CLIFF box feature from ``bbox`` and ``K``;
- ``img_feat``: the per-frame image feature;
- ``cam_angvel``: 6D of the relative camera rotation ``R_w2c[t] R_w2c[t-1]^T``.

Every MLP's last layer is zero-initialised, so a fresh encoder outputs zeros. ``drop`` removes
modalities by name (for classifier-free guidance).
"""
import math
from typing import Dict, Mapping, Optional, Sequence, Union

import torch
from torch import nn

from unihmr.data.contract import NUM_KEYPOINTS
from unihmr.geometry import box_normalized_points, camera_angular_velocity, cliff_bbox_feature, unproject_pixels
from unihmr.registry import ENCODERS
from unihmr.utils.validation import check_tensor

MODALITIES = ('kp_rays', 'bbox', 'img_feat', 'cam_angvel')  # the paper's set, the default
OPTIONAL_MODALITIES = ('kp_box',)
ALLOWED_MODALITIES = MODALITIES + OPTIONAL_MODALITIES
BBOX_DIM = 3  # CLIFF feature
ANGVEL_DIM = 6  # 6D rotation
RAY_DIM = 2  # (x/z, y/z)

Drop = Union[Sequence[str], Mapping[str, torch.Tensor]]


def sinusoidal_features(x: torch.Tensor, num_freqs: int) -> torch.Tensor:
    """(..., C) -> (..., C * (1 + 2 * num_freqs)): x, then sin and cos of ``pi * 2^k * x`` for k < num_freqs."""
    freqs = math.pi * 2.0 ** torch.arange(num_freqs, device=x.device, dtype=x.dtype)
    angles = (x[..., None] * freqs).flatten(-2)  # (..., C * F)
    return torch.cat([x, angles.sin(), angles.cos()], dim=-1)


def mlp(in_dim: int, hidden: int, out_dim: int) -> nn.Sequential:
    """Linear-SiLU-Linear-SiLU-Linear with a zero-initialised last layer."""
    layers = nn.Sequential(nn.Linear(in_dim, hidden), nn.SiLU(), nn.Linear(hidden, hidden), nn.SiLU(),
                           nn.Linear(hidden, out_dim))
    nn.init.zeros_(layers[-1].weight)
    nn.init.zeros_(layers[-1].bias)
    return layers


@ENCODERS.register_module()
class ConditionEncoder(nn.Module):
    """Observation batch -> per-frame condition tokens (B, T, width).

    Args:
        width: token width. feat_dim: image-feature width D. num_freqs: sin/cos frequencies per ray coordinate.
        conf_threshold: keypoints with confidence below it use the learned missing-keypoint token.
        modalities: which of ``kp_rays``, ``bbox``, ``img_feat``, ``cam_angvel``, ``kp_box`` to use.
        hidden: hidden width of the per-modality MLPs (default: ``width``).
        box_freqs: sin/cos frequencies per box coordinate of ``kp_box``.
    """

    def __init__(self, width: int = 512, feat_dim: int = 1024, num_freqs: int = 8, conf_threshold: float = 0.3,
                 modalities: Sequence[str] = MODALITIES, hidden: Optional[int] = None, box_freqs: int = 4):
        super().__init__()
        modalities = tuple(modalities)
        unknown = [name for name in modalities if name not in ALLOWED_MODALITIES]
        if unknown or not modalities:
            raise ValueError(f'modalities: unknown {unknown} (or none given); allowed: {list(ALLOWED_MODALITIES)}')
        self.width, self.feat_dim, self.num_freqs, self.box_freqs = width, feat_dim, num_freqs, box_freqs
        self.conf_threshold = conf_threshold
        self._modalities = modalities
        hidden = hidden or width
        ray_embed_dim = RAY_DIM * (1 + 2 * num_freqs)
        box_embed_dim = RAY_DIM * (1 + 2 * box_freqs)
        in_dims = {'kp_rays': NUM_KEYPOINTS * ray_embed_dim, 'bbox': BBOX_DIM, 'img_feat': feat_dim,
                   'cam_angvel': ANGVEL_DIM, 'kp_box': NUM_KEYPOINTS * box_embed_dim}
        self.mlps = nn.ModuleDict({name: mlp(in_dims[name], hidden, width) for name in modalities})
        if 'kp_rays' in modalities:
            self.missing_kp_token = nn.Parameter(0.02 * torch.randn(NUM_KEYPOINTS, ray_embed_dim))
        if 'kp_box' in modalities:
            self.missing_box_kp_token = nn.Parameter(0.02 * torch.randn(NUM_KEYPOINTS, box_embed_dim))

    @property
    def modalities(self) -> tuple:
        """Names of the modalities this encoder embeds, in order."""
        return self._modalities

    def embed_inputs(self, batch: dict) -> Dict[str, torch.Tensor]:
        """The MLP input of every modality, name -> (B, T, in_dim). Padding frames get an identity ``K``."""
        kp2d = check_tensor('kp2d', batch['kp2d'], (None, None, NUM_KEYPOINTS, 3))
        shape = kp2d.shape[:2]
        K = check_tensor('K', batch['K'], (*shape, 3, 3))
        valid = batch.get('valid')
        if valid is not None:  # padding frames may hold an all-zero K: use the identity there
            check_tensor('valid', valid, shape, floating=False)
            eye = torch.eye(3, dtype=K.dtype, device=K.device)
            K = torch.where(valid.bool()[..., None, None], K, eye)
        inputs = {}
        low = (kp2d[..., 2] < self.conf_threshold)[..., None]  # (B, T, 17, 1)
        if 'kp_rays' in self._modalities:
            rays = unproject_pixels(kp2d[..., :2], K, normalize=False)[..., :RAY_DIM]  # (B, T, 17, 2)
            features = sinusoidal_features(rays, self.num_freqs)  # (B, T, 17, E)
            features = torch.where(low, self.missing_kp_token.to(features.dtype), features)
            inputs['kp_rays'] = features.flatten(-2)
        if 'bbox' in self._modalities or 'kp_box' in self._modalities:
            bbox = check_tensor('bbox', batch['bbox'], (*shape, 3))
        if 'kp_box' in self._modalities:
            features = sinusoidal_features(box_normalized_points(kp2d[..., :2], bbox), self.box_freqs)  # (B, T, 17, E')
            features = torch.where(low, self.missing_box_kp_token.to(features.dtype), features)
            inputs['kp_box'] = features.flatten(-2)
        if 'bbox' in self._modalities:
            inputs['bbox'] = cliff_bbox_feature(bbox, K)
        if 'img_feat' in self._modalities:
            inputs['img_feat'] = check_tensor('img_feat', batch['img_feat'], (*shape, self.feat_dim))
        if 'cam_angvel' in self._modalities:
            inputs['cam_angvel'] = camera_angular_velocity(check_tensor('R_w2c', batch['R_w2c'], (*shape, 3, 3)))
        return inputs

    def check_drop(self, drop: Drop) -> None:
        """Raise ``ValueError`` naming the unknown names in ``drop`` and the allowed ones."""
        unknown = [name for name in drop if name not in self._modalities]
        if unknown:
            raise ValueError(f'drop: unknown modalities {unknown}; allowed: {list(self._modalities)}')

    def forward(self, batch: dict, drop: Drop = ()) -> torch.Tensor:
        """Observation ``batch`` (contract keys, leading (B, T)) -> condition tokens (B, T, width).

        ``drop``: modality names whose contribution is removed (zero), or a mapping name -> (B,) bool
        tensor removing it for the marked samples only (classifier-free-guidance training).
        """
        if isinstance(drop, str):
            drop = (drop,)
        self.check_drop(drop)
        inputs = self.embed_inputs(batch)
        out = None
        for name in self._modalities:
            if not isinstance(drop, Mapping) and name in drop:
                continue
            embedding = self.mlps[name](inputs[name])  # (B, T, width)
            if isinstance(drop, Mapping) and name in drop:
                keep = ~check_tensor(f'drop[{name!r}]', drop[name], (embedding.shape[0],), floating=False).bool()
                embedding = embedding * keep[:, None, None].to(embedding.dtype)
            out = embedding if out is None else out + embedding
        if out is None:  # every modality dropped
            kp2d = batch['kp2d']
            out = kp2d.new_zeros(*kp2d.shape[:2], self.width)
        return out
