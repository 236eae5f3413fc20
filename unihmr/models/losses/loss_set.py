"""``SMPLXLossSet``: decode a prediction, pose prediction and GT once each, return named weighted losses.

Config (``losses=`` of a head): a dict name -> term config merged into ``DEFAULT_LOSSES``:

- a number overrides that term's weight (``joints_c=2.0``);
- ``None`` or weight 0 drops the term (``transl_w=None``);
- a dict with ``type`` replaces the term; a dict without ``type`` updates its arguments.

Output keys are ``'loss_' + name`` (mmengine's ``parse_losses`` sums every key containing 'loss').
With ``shared_betas`` (default) the predicted betas are averaged over each sequence's valid frames before
posing (GT betas are constant per sequence in the data contract; the target term still supervises
per-frame betas): the embedded body then builds one rest surface per sequence instead of one per frame,
which makes the vertex pass ~3x cheaper on CPU. Vertex terms use a fixed subsample of ``num_vertices``
vertices drawn once per vertex count with ``torch.Generator().manual_seed(vertex_seed)`` (valid within one
body-model backend only).

``fill_from_gt`` names codec fields outside the prediction's layout that are taken from the ground truth when
the prediction is posed (instead of placeholders). A torso-root anchor with ``fill_from_gt=('body_pose_non_torso',)``
is posed with the true limbs, so joint terms on all joints supervise its hip, shoulder and neck rotations
through the limbs they carry (twist included), without asking it to predict the limbs.

Ramps: when a term ramps its weight up (``ramp_iters``), the set counts its training calls in the checkpointed
buffer ``train_step`` and gives the count to the terms (``extras['step']``), whatever head holds the set.
"""
import copy

import torch
from torch import nn

from unihmr.body.posing import sequence_betas
from unihmr.models.losses.terms import LossInputs
from unihmr.registry import LOSSES

DEFAULT_LOSSES = dict(
    target=dict(type='NormalizedTargetLoss', weight=1.0, field_weights=dict(contact=0.0)),
    joints_c=dict(type='CameraJointLoss', weight=1.0, align='pelvis'),
    joints_c_abs=dict(type='CameraJointLoss', weight=0.1, align=None),
    verts_c=dict(type='CameraVertexLoss', weight=1.0, align='pelvis'),
    reproj=dict(type='ReprojectionLoss', weight=1.0),
    transl_w=dict(type='WorldTranslationLoss', weight=1.0),
    contact=dict(type='ContactBCELoss', weight=0.1),
)


def merge_loss_cfg(losses: dict = None, defaults: dict = DEFAULT_LOSSES) -> dict:
    """Merge a user ``losses`` dict into ``defaults`` (see the module docstring); returns name -> term config."""
    merged = copy.deepcopy(defaults)
    for name, cfg in (losses or {}).items():
        if cfg is None:
            merged.pop(name, None)
        elif isinstance(cfg, (int, float)):
            if name not in merged:
                raise ValueError(f'losses.{name}: a bare weight needs a default term; known: {sorted(merged)}')
            merged[name]['weight'] = float(cfg)
        elif isinstance(cfg, dict):
            if 'type' in cfg or name not in merged:
                merged[name] = dict(cfg)
            else:
                merged[name].update(cfg)
        else:
            raise ValueError(f'losses.{name}: expected a number, a dict or None, got {cfg!r}')
    return {name: cfg for name, cfg in merged.items() if cfg.get('weight', 1.0) != 0}


@LOSSES.register_module()
class SMPLXLossSet(nn.Module):
    """Named weighted SMPL-X losses shared by every head.

    Args:
        losses: user term configs merged into ``DEFAULT_LOSSES`` (see the module docstring).
        num_vertices: size of the fixed vertex subsample of vertex terms.
        vertex_seed: seed of that subsample.
        use_defaults: start from ``defaults`` (else only the terms given).
        defaults: the term configs ``losses`` is merged into (default ``DEFAULT_LOSSES``; a head with other
            defaults passes ``merge_loss_cfg(its_changes)``).
        shared_betas: pose the prediction with its per-sequence mean betas (see the module docstring).
        fill_from_gt: fields outside the codec's layout posed from the ground truth (see the module docstring).
    """

    def __init__(self, losses: dict = None, num_vertices: int = 431, vertex_seed: int = 0, use_defaults: bool = True,
                 shared_betas: bool = True, defaults: dict = None, fill_from_gt: tuple = ()):
        super().__init__()
        cfg = merge_loss_cfg(losses, (defaults or DEFAULT_LOSSES) if use_defaults else {})
        self.terms = nn.ModuleDict({name: LOSSES.build(term) for name, term in cfg.items()})
        self.num_vertices, self.vertex_seed, self.shared_betas = num_vertices, vertex_seed, shared_betas
        self.fill_from_gt = tuple(fill_from_gt)
        self._vertex_ids = {}
        if any(getattr(term, 'ramp_iters', 0) for term in self.terms.values()):  # counts training calls; checkpointed
            self.register_buffer('train_step', torch.zeros((), dtype=torch.long))

    @property
    def needs_body(self) -> bool:
        return any(t.needs_body or t.needs_vertices for t in self.terms.values())

    @property
    def needs_vertices(self) -> bool:
        return any(t.needs_vertices for t in self.terms.values())

    def vertex_ids(self, num_total: int, device=None) -> torch.Tensor:
        """Sorted fixed subsample (num_vertices,) of ``range(num_total)`` (seeded, cached per ``num_total``)."""
        if num_total not in self._vertex_ids:
            generator = torch.Generator().manual_seed(self.vertex_seed)
            ids = torch.randperm(num_total, generator=generator)[:min(self.num_vertices, num_total)]
            self._vertex_ids[num_total] = ids.sort().values
        return self._vertex_ids[num_total].to(device)

    def pose(self, body_model, params: dict) -> dict:
        """Run ``body_model`` on body-model-ready camera params; ``joints_c`` (B, T, 22, 3) and, when a term
        needs them, ``verts_c`` (B, T, num_vertices, 3)."""
        out = body_model(**params, return_verts=self.needs_vertices)
        posed = dict(joints_c=out.joints)
        if self.needs_vertices:
            posed['verts_c'] = out.vertices[..., self.vertex_ids(out.vertices.shape[-2], out.vertices.device), :]
        return posed

    def _shared(self, params: dict, valid: torch.Tensor) -> dict:
        """``params`` with betas (B, T, 10) replaced by their mean over valid frames (B, 1, 10) if ``shared_betas``."""
        if not self.shared_betas:
            return params
        return dict(params, betas=sequence_betas(params['betas'], valid))

    def check_codec(self, codec) -> None:
        """Build-time check that ``fill_from_gt`` names fields ``codec`` can compute but does not predict."""
        wrong = [name for name in self.fill_from_gt if name in codec.fields or name not in codec.available_fields]
        if wrong:
            raise ValueError(f'fill_from_gt: {wrong} must be fields the codec has but does not predict; its layout '
                             f'is {codec.fields}, it can compute {tuple(codec.available_fields)}')

    def _gt_fill(self, codec, batch: dict) -> dict:
        """``fill=`` decode arguments: the ground truth of ``fill_from_gt`` (empty when there is none)."""
        if not self.fill_from_gt:
            return {}
        self.check_codec(codec)
        return dict(fill=codec.encode_fields(batch, names=self.fill_from_gt))

    def forward(self, x_pred: torch.Tensor, batch: dict, codec, body_model=None, x_gt: torch.Tensor = None,
                decoded: dict = None, extras: dict = None) -> dict:
        """Losses of a normalised prediction ``x_pred`` (B, T, dim) against the GT ``batch``.

        ``x_gt`` defaults to ``codec.encode(batch)``; ``decoded`` to ``codec.decode(x_pred, batch)``; ``extras``
        is passed to the terms (e.g. ``target_mask``). ``body_model`` is needed when a term uses joints/vertices.
        Returns ``{'loss_<name>': weight * value}``.
        """
        if x_gt is None:
            x_gt = codec.encode(batch)
        if decoded is None:
            decoded = codec.decode(x_pred, batch, **self._gt_fill(codec, batch))
        params = batch['smpl_params']
        gt = dict(
            smpl_params_c=dict(global_orient=params['global_orient_c'], transl=params['transl_c'],
                               body_pose=params['body_pose'], betas=params['betas']),
            smpl_params_w=dict(global_orient=params['global_orient_w'], transl=params['transl_w'],
                               body_pose=params['body_pose'], betas=params['betas']))
        pred = dict(decoded)
        valid = batch['valid'].bool() if 'valid' in batch else torch.ones(x_pred.shape[:2], dtype=torch.bool)
        valid = valid.to(x_pred.device)
        if self.needs_body:
            if body_model is None:
                raise ValueError(f'SMPLXLossSet: terms {sorted(self.terms)} need a body_model')
            pred.update(self.pose(body_model, self._shared(decoded['smpl_params_c'], valid)))
            if 'joints_c' in batch and self.shared_betas and not self.needs_vertices:
                gt['joints_c'] = batch['joints_c']  # already posed with the sequence shape (with_camera_joints)
            else:
                with torch.no_grad():
                    gt.update(self.pose(body_model, self._shared(gt['smpl_params_c'], valid)))
        extras = dict(extras or {})
        if hasattr(self, 'train_step'):
            extras.setdefault('step', int(self.train_step))
        inputs = LossInputs(x_pred=x_pred, x_gt=x_gt, codec=codec, pred=pred, gt=gt, batch=batch,
                            valid=valid, extras=extras)
        losses = {f'loss_{name}': term.weighted(inputs) for name, term in self.terms.items()}
        if self.training and hasattr(self, 'train_step'):
            self.train_step += 1
        return losses
