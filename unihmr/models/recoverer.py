"""The recoverer: the mmengine ``BaseModel`` that every method config builds.

It composes a condition encoder (per-frame tokens from the observations), one or more stages (heads,
each owning a codec) and optional refiners, around a body model that turns SMPL-X parameters into
joints and vertices. Modes follow mmengine: ``loss`` (training), ``predict`` (per-sequence results for
the metrics) and ``tensor`` (the raw ``HeadOutput``). Sequences longer than ``window`` frames are cut
into overlapping windows whose representations are cross-faded before decoding, so world trajectories
are rolled out once over the whole sequence.
"""
import dataclasses
from typing import Optional, Sequence

import torch
from mmengine.model import BaseModel
from torch import nn

from unihmr.body.joint_sets import FEET_JOINTS
from unihmr.registry import BODY_MODELS, ENCODERS, HEADS, MODELS


def slice_time(value, start: int, end: int):
    """Frames ``start:end`` of a batch, a head output or a ``known`` dict: every tensor with a time axis
    (B, T, ...) is sliced along dim 1 (``(dim,)`` masks and ``meta`` are kept)."""
    if isinstance(value, dict):
        return {key: slice_time(item, start, end) for key, item in value.items()}
    if dataclasses.is_dataclass(value):
        return dataclasses.replace(value, **{f.name: slice_time(getattr(value, f.name), start, end)
                                             for f in dataclasses.fields(value)})
    if isinstance(value, torch.Tensor) and value.dim() >= 2:
        return value[:, start:end]
    return value


def window_spans(num_frames: int, window: int, overlap: int) -> list:
    """(start, end) spans of length ``window`` (the last one may start earlier) covering every frame."""
    if num_frames <= window:
        return [(0, num_frames)]
    stride = window - overlap
    starts = list(range(0, num_frames - window, stride)) + [num_frames - window]
    return [(start, start + window) for start in starts]


def crossfade_weights(spans: list, num_frames: int, overlap: int) -> torch.Tensor:
    """(num_spans, T) weights that sum to 1 per frame: linear ramps where consecutive spans overlap."""
    weights = torch.zeros(len(spans), num_frames)
    for index, (start, end) in enumerate(spans):
        w = torch.ones(end - start)
        if index > 0:
            shared = spans[index - 1][1] - start
            w[:shared] = torch.linspace(0, 1, shared + 2)[1:-1]
        if index + 1 < len(spans):
            shared = end - spans[index + 1][0]
            w[end - start - shared:] = torch.linspace(1, 0, shared + 2)[1:-1]
        weights[index, start:end] = w
    return weights / weights.sum(0, keepdim=True)


@MODELS.register_module()
class Recoverer(BaseModel):
    """Encoder + stages + refiners + body model.

    Args:
        encoder: config of the condition encoder (``ENCODERS``); its ``width`` is passed to the stages.
        stages: configs of the heads (``HEADS``), run in order; stage k > 0 receives the previous
            stage's output as ``known`` (e.g. FactorizedHMR's anchor).
        body_model: config of the body model (``BODY_MODELS``); not part of the checkpoint.
        refiners: configs of refiners run after the last stage (``HEADS`` with a ``refine`` method).
        window / overlap: frames per inference window and frames shared by consecutive windows.
        ground_world: shift each recovered world trajectory vertically so that its lowest foot joint sits
            at its rest-pose height above the ground (y = 0); the codec rolls the trajectory out from the
            origin (GVHMR), which is not on the ground.
        train_stages: indices of the stages trained by ``loss`` (None = all). The others are frozen (no
            gradients, eval mode) and only run to provide the anchor of later stages; the shared encoder is
            trained only when a trained stage reads it. FactorizedHMR trains [0], then [1] (``phases``).
        num_samples: hypotheses drawn per sequence by ``predict`` (S > 1 adds ``pred_samples_joints_c``).
        sampler_cfg: options routed to the stages whose ``predict`` accepts them (``steps``, ``solver``,
            ``guidance_scale`` for the flow head).
        run_stages: how many stages inference runs (None = all); e.g. 1 evaluates FactorizedHMR's anchor alone.
    """

    def __init__(self, encoder: dict, stages: Sequence[dict], body_model: Optional[dict] = None,
                 refiners: Sequence[dict] = (), window: int = 120, overlap: int = 30, ground_world: bool = True,
                 train_stages: Optional[Sequence[int]] = None, num_samples: int = 1,
                 sampler_cfg: Optional[dict] = None, run_stages: Optional[int] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None):
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        if not stages:
            raise ValueError('Recoverer: stages must name at least one head')
        if not 0 <= overlap < window:
            raise ValueError(f'Recoverer: need 0 <= overlap < window, got overlap={overlap}, window={window}')
        self.body_model = BODY_MODELS.build(dict(body_model or dict(type='EmbeddedSMPLX')))
        self.encoder = ENCODERS.build(dict(encoder))
        shared = dict(body_model=self.body_model, in_width=self.encoder.width)
        self.stages = nn.ModuleList([HEADS.build(dict(cfg), default_args=shared) for cfg in stages])
        self.refiners = nn.ModuleList([HEADS.build(dict(cfg), default_args=shared) for cfg in refiners])
        self.window, self.overlap, self.ground_world = int(window), int(overlap), bool(ground_world)
        if isinstance(num_samples, bool) or not isinstance(num_samples, int) or num_samples < 1:
            raise ValueError(f'Recoverer: num_samples must be a positive integer, got {num_samples!r}')
        self.num_samples, self.sampler_cfg = num_samples, self._check_sampler_cfg(dict(sampler_cfg or {}))
        if run_stages is not None and not 1 <= run_stages <= len(self.stages):
            raise ValueError(f'Recoverer: run_stages must be in 1..{len(self.stages)}, got {run_stages}')
        self.run_stages = run_stages
        all_stages = tuple(range(len(self.stages)))
        self.train_stages = all_stages if train_stages is None else tuple(sorted(set(train_stages)))
        if not self.train_stages or any(index not in all_stages for index in self.train_stages):
            raise ValueError(f'Recoverer: train_stages {train_stages} must name some of the stages {all_stages}')
        self.train_encoder = any(self.stages[index].uses_shared_cond for index in self.train_stages)
        for index, stage in enumerate(self.stages):
            if index not in self.train_stages:
                stage.requires_grad_(False)
        if not self.train_encoder:
            self.encoder.requires_grad_(False)

    def _check_sampler_cfg(self, sampler_cfg: dict) -> dict:
        """Raise ``ValueError`` naming options that no stage accepts; returns ``sampler_cfg``."""
        accepted = {name for stage in self.stages for name in stage.sampler_options}
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
        if not self.train_encoder:
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

    def loss(self, batch: dict) -> dict:
        """Named losses of the trained stages (prefixed ``stage<k>.`` when there are several). Each stage gets
        the previous stage's prediction as ``known``, unless that stage trains on the GT anchor."""
        with torch.set_grad_enabled(self.train_encoder and torch.is_grad_enabled()):
            cond = self.encoder(batch)
        losses, known = {}, None
        last = max(self.train_stages)
        for index, stage in enumerate(self.stages[:last + 1]):
            if index in self.train_stages:
                stage_losses = stage.loss(cond, batch, known=known)
                prefix = f'stage{index}.' if len(self.stages) > 1 else ''
                losses.update({prefix + name: value for name, value in stage_losses.items()})
            if index < last and getattr(self.stages[index + 1], 'anchor_source', 'previous') == 'previous':
                with torch.no_grad():
                    known = stage.predict(cond, batch, known=known)
        return losses

    @torch.no_grad()
    def recover(self, batch: dict, num_samples: Optional[int] = None, **sampler_cfg):
        """Run every stage and refiner over the whole sequence (windowed) and return the last HeadOutput.
        ``num_samples`` / ``sampler_cfg`` default to the recoverer's own."""
        num_samples = self.num_samples if num_samples is None else num_samples
        sampler_cfg = self._check_sampler_cfg({**self.sampler_cfg, **sampler_cfg})
        cond = self.encoder(batch)
        output = None
        for stage in self.stages[:self.run_stages]:
            options = {name: value for name, value in sampler_cfg.items() if name in stage.sampler_options}
            output = self._windowed(stage, cond, batch, output, num_samples, options)
        for refiner in self.refiners:
            output = refiner.refine(cond, batch, output)
        return self._ground(output) if self.ground_world else output

    def _ground(self, output):
        """Lift each sequence's world trajectory so its lowest foot joint is at its rest-pose height."""
        params = output.smpl_params_w
        feet = list(FEET_JOINTS)
        lowest = self.body_model(**params, return_verts=False).joints[..., feet, 1].amin(dim=(-1, -2))  # (B,)
        rest = self.body_model(betas=params['betas'][:, :1])  # (B, 1): standing in the rest pose, transl 0
        rest_height = rest.joints[:, 0, feet, 1].amin(-1) - rest.vertices[:, 0, :, 1].amin(-1)  # feet above soles
        lift = (rest_height - lowest)[:, None]
        params['transl'] = params['transl'] + lift[..., None] * params['transl'].new_tensor([0.0, 1.0, 0.0])
        if output.smpl_params is not None:
            output.smpl_params['transl_w'] = params['transl']
        return output

    def _windowed(self, stage, cond, batch, known, num_samples, sampler_cfg):
        num_frames = cond.shape[1]
        spans = window_spans(num_frames, self.window, self.overlap)
        if len(spans) == 1:
            return stage.predict(cond, batch, known=known, num_samples=num_samples, **sampler_cfg)
        weights = crossfade_weights(spans, num_frames, self.overlap).to(cond)
        blended, blended_samples = 0.0, 0.0
        for index, (start, end) in enumerate(spans):
            part_known = None if known is None else slice_time(known, start, end)
            part = stage.predict(cond[:, start:end], slice_time(batch, start, end), known=part_known,
                                 num_samples=num_samples, **sampler_cfg)
            blended = blended + _place(part.x, start, num_frames, weights[index], time_dim=1)
            if part.samples is not None:  # (S, B, T, dim)
                blended_samples = blended_samples + _place(part.samples['x'], start, num_frames, weights[index],
                                                           time_dim=2)
        output = stage.decode(blended, batch)
        if num_samples > 1 and isinstance(blended_samples, torch.Tensor):
            output.samples = dict(x=blended_samples)
        return output

    def sample_joints(self, batch: dict, output) -> Optional[torch.Tensor]:
        """Camera-frame joints (S, B, T, 22, 3) of ``output.samples['x']`` decoded by the last stage, or None."""
        if not output.samples or 'x' not in output.samples:
            return None
        decode = self.stages[:self.run_stages][-1].codec.decode
        return torch.stack([self.body_model(**decode(x, batch)['smpl_params_c'], return_verts=False).joints
                            for x in output.samples['x']])

    def predict(self, batch: dict) -> list:
        """One result dict per sequence, with the keys ``unihmr.evaluation.MotionMetric`` reads."""
        return self.package(batch, self.recover(batch))

    @torch.no_grad()
    def package(self, batch: dict, output) -> list:
        """Per-sequence result dicts from a ``HeadOutput``: predicted and (when known) GT joints in camera and
        world frames, visibility, contacts, valid frames, fps, sequence id and the predicted parameters."""
        pred_c = self.body_model(**output.smpl_params_c, return_verts=False)
        pred_w = self.body_model(**output.smpl_params_w, return_verts=False)
        sample_joints = self.sample_joints(batch, output)  # (S, B, T, 22, 3) or None
        results = []
        gt = batch.get('smpl_params')
        if gt is not None:
            gt_c = self.body_model(**_body_args(gt, 'c'), return_verts=False)
            gt_w = self.body_model(**_body_args(gt, 'w'), return_verts=False)
        metas = batch.get('meta') or [{}] * batch['kp2d'].shape[0]
        for b, meta in enumerate(metas):
            sample = dict(pred_joints_c=pred_c.joints[b], pred_joints_w=pred_w.joints[b],
                          valid=batch['valid'][b], fps=float(meta.get('fps', 30.0)),
                          seq_id=str(meta.get('seq_id', b)),
                          pred_smpl_params={k: v[b] for k, v in output.smpl_params.items()})
            if output.contact is not None:
                sample['pred_contact'] = output.contact[b]
            if sample_joints is not None:
                sample['pred_samples_joints_c'] = sample_joints[:, b]
            if gt is not None:
                sample.update(gt_joints_c=gt_c.joints[b], gt_joints_w=gt_w.joints[b],
                              pred_body_pose=_rotations(output.smpl_params['body_pose'][b]),
                              gt_body_pose=_rotations(gt['body_pose'][b]))
                for key in ('vis', 'contact', 'K'):
                    if key in batch:
                        sample['gt_contact' if key == 'contact' else key] = batch[key][b]
            results.append(sample)
        return results


def _place(part: torch.Tensor, start: int, num_frames: int, weight: torch.Tensor, time_dim: int) -> torch.Tensor:
    """A window's tensor (time on ``time_dim``) zero-padded to ``num_frames`` and multiplied by its cross-fade
    ``weight`` (num_frames,)."""
    shape = list(part.shape)
    shape[time_dim] = num_frames
    full = part.new_zeros(shape)
    full.narrow(time_dim, start, part.shape[time_dim]).copy_(part)
    view = [1] * full.dim()
    view[time_dim] = num_frames
    return full * weight.view(view)


def _rotations(body_pose: torch.Tensor) -> torch.Tensor:
    """Body pose (T, 63) or (T, 21, 3) axis-angle -> (T, 21, 3)."""
    return body_pose.reshape(*body_pose.shape[:1], -1, 3)


def _body_args(params: dict, frame: str) -> dict:
    """Body-model arguments from SMPL-X parameters in the camera (``'c'``) or world (``'w'``) frame."""
    return dict(global_orient=params[f'global_orient_{frame}'], body_pose=params['body_pose'],
                betas=params['betas'], transl=params[f'transl_{frame}'])
