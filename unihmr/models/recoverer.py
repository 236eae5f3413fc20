"""The recoverer: the mmengine ``BaseModel`` that every method config builds.

It composes an optional condition encoder (per-frame tokens from the observations) and a list of named stages
(heads and refiners alike, ``heads.base``) around a body model that turns SMPL-X parameters into joints and
vertices. Stages run in order; each gets ``history``, the ``Estimate`` of every earlier stage by name, and
returns its own. Modes follow mmengine: ``loss`` (training), ``predict`` (per-sequence results for the metrics)
and ``tensor`` (the last stage's ``Estimate``). Windowing of long sequences belongs to the stages.
"""
from typing import Optional, Sequence

import torch
from mmengine.model import BaseModel
from torch import nn

from unihmr.body.joint_sets import FEET_JOINTS
from unihmr.models.estimate import Estimate, body_args
from unihmr.models.windowing import Windowing
from unihmr.registry import BODY_MODELS, ENCODERS, HEADS, MODELS
from unihmr.utils.validation import UserInputError


def window_id(meta: dict, index: int) -> str:
    """The per-sequence results key of one window: its ``seq_id``, with ``@start`` for a window that does not
    start at frame 0 (several windows of one real sequence stay apart; synthetic windows all start at 0)."""
    seq_id = str(meta.get('seq_id', index))
    start = int(meta.get('start', 0) or 0)
    return seq_id if start == 0 else f'{seq_id}@{start}'


@MODELS.register_module()
class Recoverer(BaseModel):
    """Encoder + named stages + body model.

    Args:
        stages: configs of the stages (``HEADS``), run in order. Each may carry ``name`` (default ``stage<k>``;
            the key of its estimate in ``history``) and ``inputs`` (the earlier estimates it reads; default the
            stage before it).
        encoder: config of the shared condition encoder (``ENCODERS``), or None when every stage reads the
            observations itself; its ``width`` is passed to the stages as ``in_width``.
        body_model: config of the body model (``BODY_MODELS``); not part of the checkpoint.
        window / overlap: frames per inference window and frames shared by consecutive windows (the stages'
            default windowing).
        ground_world: shift each recovered world trajectory vertically so that its lowest foot joint sits
            at its rest-pose height above the ground (y = 0); codecs roll the trajectory out from the origin
            (GVHMR), which is not on the ground.
        train_stages: indices or names of the stages trained by ``loss`` (None = every trainable stage). The
            others are frozen (no gradients, eval mode) and run only when a trained stage reads their estimate;
            the shared encoder is trained only when a trained stage reads it. FactorizedHMR trains [0], then [1].
        num_samples: hypotheses drawn per sequence by ``predict`` (S > 1 adds ``pred_samples_joints_c``).
        num_steps: the budget of every generative stage (``takes_steps``); None = each stage's own default.
        sampler_cfg: other options routed to the stages whose ``predict_options`` accept them (``solver``,
            ``guidance_scale`` for the flow head).
        run_stages: how many stages inference runs (None = all); e.g. 1 evaluates FactorizedHMR's anchor alone.
    """

    def __init__(self, stages: Sequence[dict], encoder: Optional[dict] = None, body_model: Optional[dict] = None,
                 window: int = 120, overlap: int = 30, ground_world: bool = True,
                 train_stages: Optional[Sequence] = None, num_samples: int = 1, num_steps: Optional[int] = None,
                 sampler_cfg: Optional[dict] = None, run_stages: Optional[int] = None,
                 data_preprocessor: Optional[dict] = None, init_cfg: Optional[dict] = None):
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        if not stages:
            raise ValueError('Recoverer: stages must name at least one head')
        windowing = Windowing(window, overlap)
        self.body_model = BODY_MODELS.build(dict(body_model or dict(type='EmbeddedSMPLX')))
        self.encoder = ENCODERS.build(dict(encoder)) if encoder is not None else None
        self.stage_names = self._names(stages)
        built = []
        for index, cfg in enumerate(stages):
            cfg = {key: value for key, value in dict(cfg).items() if key != 'name'}
            shared = dict(body_model=self.body_model, windowing=windowing,
                          in_width=None if self.encoder is None else self.encoder.width,
                          inputs=(self.stage_names[index - 1],) if index else ())
            built.append(HEADS.build(cfg, default_args=shared))
        self.stages = nn.ModuleList(built)
        for stage, name in zip(self.stages, self.stage_names):
            unknown = [source for source in stage.inputs if source not in self.stage_names[:self.stage_names.index(name)]
                       and source != 'gt']
            if unknown:
                raise ValueError(f'Recoverer: stage {name!r} reads {unknown}, which are not earlier stages '
                                 f'{self.stage_names}')
        self.ground_world = bool(ground_world)
        for name, value in (('num_samples', num_samples), ('num_steps', num_steps)):
            if (value is not None or name == 'num_samples') and (
                    isinstance(value, bool) or not isinstance(value, int) or value < 1):
                raise UserInputError(f'Recoverer: {name} must be a positive integer, got {value!r}')
        self.num_samples, self.num_steps = num_samples, num_steps
        self.sampler_cfg = self._check_sampler_cfg(dict(sampler_cfg or {}))
        if run_stages is not None and not 1 <= run_stages <= len(self.stages):
            raise ValueError(f'Recoverer: run_stages must be in 1..{len(self.stages)}, got {run_stages}')
        self.run_stages = run_stages
        self.train_stages = self._train_indices(train_stages)
        self.train_encoder = self.encoder is not None and any(self.stages[i].uses_shared_cond for i in self.train_stages)
        for index, stage in enumerate(self.stages):
            if index not in self.train_stages:
                stage.requires_grad_(False)
        if self.encoder is not None and not self.train_encoder:
            self.encoder.requires_grad_(False)

    @staticmethod
    def _names(stages) -> tuple:
        names = tuple(dict(cfg).get('name') or f'stage{index}' for index, cfg in enumerate(stages))
        if len(set(names)) != len(names) or 'gt' in names:
            raise ValueError(f"Recoverer: stage names must be distinct and not 'gt', got {names}")
        return names

    def _train_indices(self, train_stages) -> tuple:
        """Indices of the trained stages (names or indices given; None = every trainable stage)."""
        trainable = tuple(index for index, stage in enumerate(self.stages) if stage.trainable)
        if train_stages is None:
            return trainable
        indices = [self.stage_names.index(item) if item in self.stage_names else item for item in train_stages]
        if not indices or any(index not in range(len(self.stages)) for index in indices):
            raise ValueError(f'Recoverer: train_stages {train_stages} must name some of the stages '
                             f'{dict(enumerate(self.stage_names))}')
        frozen = [self.stage_names[index] for index in indices if index not in trainable]
        if frozen:
            raise ValueError(f'Recoverer: stages {frozen} are not trained here (they load their own weights)')
        return tuple(sorted(set(indices)))

    def check_inputs(self, batch: dict) -> None:
        """Raise ``UserInputError`` naming what the batch lacks for the stages that run (each stage's
        ``check_inputs``); the tools call it on the first batch, before any work."""
        for stage in self.stages[:self.run_stages]:
            stage.check_inputs(batch)

    def _check_sampler_cfg(self, sampler_cfg: dict) -> dict:
        """Raise ``ValueError`` naming options that no stage accepts; returns ``sampler_cfg``."""
        accepted = {name for stage in self.stages for name in stage.predict_options}
        unknown = sorted(set(sampler_cfg) - accepted)
        if unknown:
            raise ValueError(f'sampler_cfg: no stage accepts {unknown}; accepted: {sorted(accepted)}')
        return sampler_cfg

    def train(self, mode: bool = True):
        """Train mode for the trained parts; frozen stages (and a frozen encoder) stay in eval mode."""
        super().train(mode)
        for index, stage in enumerate(self.stages):
            if index not in self.train_stages:
                stage.eval()
        if self.encoder is not None and not self.train_encoder:
            self.encoder.eval()
        return self

    # ----------------------------------------------------------------------------------------- modes
    def forward(self, mode: str = 'tensor', **batch):
        if mode == 'loss':
            return self.loss(batch)
        if mode == 'predict':
            return self.predict(batch)
        if mode == 'tensor':
            return self.recover(batch)
        raise ValueError(f"Recoverer.forward: unknown mode '{mode}'; use 'loss', 'predict' or 'tensor'")

    def condition(self, batch: dict) -> Optional[torch.Tensor]:
        """The shared condition tokens (B, T, width), or None without an encoder."""
        return None if self.encoder is None else self.encoder(batch)

    def loss(self, batch: dict) -> dict:
        """Named losses of the trained stages (prefixed ``stage<k>.`` when there are several). Earlier stages'
        estimates are computed (without gradients) only when a trained stage reads them."""
        with torch.set_grad_enabled(self.train_encoder and torch.is_grad_enabled()):
            cond = self.condition(batch)
        needed = {name for index in self.train_stages for name in self.stages[index].reads(training=True)}
        losses, history = {}, {}
        for index, (name, stage) in enumerate(zip(self.stage_names, self.stages[:max(self.train_stages) + 1])):
            if index in self.train_stages:
                prefix = f'stage{index}.' if len(self.stages) > 1 else ''
                losses.update({prefix + key: value for key, value in stage.loss(cond, batch, history).items()})
            if name in needed:
                with torch.no_grad():
                    history[name] = stage.predict(cond, batch, history)
        return losses

    @torch.no_grad()
    def recover(self, batch: dict, num_samples: Optional[int] = None, num_steps: Optional[int] = None,
                given: Optional[dict] = None, **sampler_cfg) -> Estimate:
        """Run the stages over the whole sequence and return the last one's ``Estimate`` (grounded).

        ``num_samples`` / ``num_steps`` / ``sampler_cfg`` default to the recoverer's own. ``given``: stage name ->
        ``Estimate`` used instead of running that stage (e.g. the ground-truth anchor), plus ``'gt'``.
        """
        num_samples = self.num_samples if num_samples is None else num_samples
        num_steps = self.num_steps if num_steps is None else num_steps
        sampler_cfg = self._check_sampler_cfg({**self.sampler_cfg, **sampler_cfg})
        cond = self.condition(batch)
        history = dict(given or {})
        last = None
        for name, stage in list(zip(self.stage_names, self.stages))[:self.run_stages]:
            if name not in history:
                options = {key: value for key, value in sampler_cfg.items() if key in stage.predict_options}
                steps = dict(num_steps=num_steps) if stage.takes_steps and num_steps is not None else {}
                history[name] = stage.predict(cond, batch, history, num_samples=num_samples, **steps, **options)
            last = history[name]
        return self.ground(last, batch.get('valid')) if self.ground_world else last

    def ground(self, estimate: Estimate, valid: Optional[torch.Tensor] = None) -> Estimate:
        """Lift each sequence's world trajectory so its lowest foot joint over the ``valid`` (B, T) frames is at
        its rest-pose height."""
        feet = list(FEET_JOINTS)
        posed = self.body_model(**estimate.body_args('w'), return_verts=False)
        heights = posed.joints[..., feet, 1].amin(-1)  # (B, T)
        lowest = heights.amin(-1)  # (B,)
        if valid is not None:  # padding frames do not count (a sequence without valid frames keeps all)
            masked = heights.masked_fill(~valid.bool().to(heights.device), float('inf')).amin(-1)
            lowest = torch.where(torch.isfinite(masked), masked, lowest)
        rest = self.body_model(betas=estimate.betas[:, :1])  # (B, 1): standing in the rest pose, transl 0
        rest_height = rest.joints[:, 0, feet, 1].amin(-1) - rest.vertices[:, 0, :, 1].amin(-1)  # feet above soles
        lift = (rest_height - lowest)[:, None]
        up = estimate.transl_w.new_tensor([0.0, 1.0, 0.0])
        return estimate.with_params(transl_w=estimate.transl_w + lift[..., None] * up)

    def sample_joints(self, estimate: Estimate) -> Optional[torch.Tensor]:
        """Camera-frame joints (S, B, T, 22, 3) of the estimate's hypotheses, or None without samples."""
        args = estimate.sample_body_args('c')
        if args is None:
            return None
        joints = self.body_model(**args, return_verts=False).joints
        return joints.unflatten(0, (estimate.num_samples, -1))

    def predict(self, batch: dict) -> list:
        """One result dict per sequence, with the keys ``unihmr.evaluation.MotionMetric`` reads."""
        return self.package(batch, self.recover(batch))

    @torch.no_grad()
    def package(self, batch: dict, estimate: Estimate) -> list:
        """Per-sequence result dicts from an ``Estimate``: predicted and (when known) GT joints in camera and
        world frames, visibility, contacts, valid frames, fps, sequence id and the predicted parameters."""
        pred_c = self.body_model(**estimate.body_args('c'), return_verts=False)
        pred_w = self.body_model(**estimate.body_args('w'), return_verts=False)
        sample_joints = self.sample_joints(estimate)  # (S, B, T, 22, 3) or None
        results = []
        gt = batch.get('smpl_params')
        if gt is not None:
            gt_c = self.body_model(**body_args(gt, 'c'), return_verts=False)
            gt_w = self.body_model(**body_args(gt, 'w'), return_verts=False)
        metas = batch.get('meta') or [{}] * batch['kp2d'].shape[0]
        for b, meta in enumerate(metas):
            sample = dict(pred_joints_c=pred_c.joints[b], pred_joints_w=pred_w.joints[b],
                          valid=batch['valid'][b], fps=float(meta.get('fps', 30.0)),
                          seq_id=window_id(meta, b),
                          pred_smpl_params={k: v[b] for k, v in estimate.params.items()})
            if estimate.contact is not None:
                sample['pred_contact'] = estimate.contact[b]
            if sample_joints is not None:
                sample['pred_samples_joints_c'] = sample_joints[:, b]
            if gt is not None:
                sample.update(gt_joints_c=gt_c.joints[b], gt_joints_w=gt_w.joints[b],
                              pred_body_pose=estimate.body_pose[b], gt_body_pose=_rotations(gt['body_pose'][b]))
                for key in ('vis', 'contact', 'K'):
                    if key in batch:
                        sample['gt_contact' if key == 'contact' else key] = batch[key][b]
            results.append(sample)
        return results


def _rotations(body_pose: torch.Tensor) -> torch.Tensor:
    """Body pose (T, 63) or (T, 21, 3) axis-angle -> (T, 21, 3)."""
    return body_pose.reshape(*body_pose.shape[:1], -1, 3)
