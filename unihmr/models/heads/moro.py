"""MoRo: the VQ masked-token paradigm (MoRo paper; specs/moro.md; docs/moro.md).

A motion is X = (R, Z): the camera trajectory R (``codecs/moro.py``) and P pose tokens per frame (a mesh VQ-VAE,
``tokenizers/mesh_vqvae.py``, frozen after its own phase). The frame's condition token (the project's condition
encoder stands in for MoRo's image encoder) gives, through a box head and the CLIFF transform, the coarse camera
trajectory R_bar (paper 4.1). The motion encoder T_M (a prior over token ids and the canonical trajectory, eq. 2)
and the cross-modal decoder T_D (adds the condition and R_bar; refines the trajectory) are dual-stream
spatial-temporal transformers (``moro_networks.py``). Inference is MaskGIT (``samplers/maskgit.py``; paper 4.4):
T passes from all tokens masked, each feeding T_M the canonical form of the previous pass's refined trajectory;
then code vectors -> smoother -> mesh decoder -> SMPL-X fit (``MoRoCodec.decode``).

Training (``train_part``, one per phase; paper 4.5, supp. A): ``'tokenizer'`` (the VQ-VAE), ``'pose'`` (T_M on
single frames, trajectory zero), ``'motion'`` (T_M on clips, trajectory noise, random / joint / frame masks),
``'condition'`` (MoRo's image pretraining: the condition path and T_D on single frames drawn from the windows,
every token masked, the motion slots dropped, so no velocity or skating term), ``'video'``
(everything but the condition path, confidence-guided or random masks). Losses: ``moro_losses.py``.
"""
from typing import Optional

import torch
from torch import nn

from unihmr.body.mesh_fit import fit_joint_regressor
from unihmr.codecs.moro import (POSITION, ORIENT, box_trajectory, canonical_trajectory, canonical_valid,
                                noise_level, trajectory_noise)
from unihmr.geometry.rotations import rot6d_to_matrix
from unihmr.models.batch_ops import repeat_batch, single_frames, slice_time
from unihmr.models.estimate import Estimate
from unihmr.models.heads.base import BaseHead, build_part, check_num_samples
from unihmr.models.heads.moro_losses import (camera_joint_losses, distance_mean, gumbel_temperature, gumbel_vectors,
                                             masked_cross_entropy)
from unihmr.models.heads.moro_masking import bert_corrupt, confidence_guided_mask, draw_mixed_mask, mask_fraction
from unihmr.models.heads.moro_networks import MoRoNetworks
from unihmr.models.heads.pose_tokenizer import frames_of, sample_frames, tokenizer_losses
from unihmr.models.losses import masked_mean
from unihmr.models.samplers.maskgit import MaskGITDecoder
from unihmr.registry import BACKBONES, CODECS, HEADS, TOKENIZERS
from unihmr.utils.validation import UserInputError

TRAIN_PARTS = ('tokenizer', 'pose', 'motion', 'condition', 'video')
MASK_SCHEMES = dict(pose=('random', 'joint'), motion=('random', 'joint', 'frame'), condition=('all',),
                    video=('random', 'joint', 'frame'))
LOSS_WEIGHTS = dict(ce=1.0, vertex=10.0, cano=10.0, camera=1.0, joints=1.0, velocity=20.0, reprojection=1.0,
                    skating=1.0, contact=1.0)
_REGRESSORS: dict = {}


def joint_regressor(body_model, vertex_ids: torch.Tensor) -> torch.Tensor:
    """``fit_joint_regressor`` once per process, body model type and decimation."""
    key = (type(body_model).__name__, tuple(vertex_ids.tolist()))
    if key not in _REGRESSORS:
        _REGRESSORS[key] = fit_joint_regressor(body_model, vertex_ids.cpu())
    return _REGRESSORS[key]


@HEADS.register_module()
class MoRoHead(BaseHead):
    """MoRo (module docstring).

    Args:
        tokenizer: the ``MeshVQVAE`` (built with the recoverer's body model); trained in the 'tokenizer' phase, frozen
            after it.
        codec: ``MoRoCodec`` (trajectory statistics).
        width, heads, mlp_ratio, motion_depth, decoder_depth, band: ``MoRoNetworks``.
        smoother: ``TokenSmoother`` arguments (``kind='conv'``, the release, or ``'mlp'``, the paper); None: none.
        train_part: what ``loss`` trains (``TRAIN_PARTS``).
        num_steps: MaskGIT passes T (paper: 5); the recoverer's ``num_steps`` overrides it.
        clip: training clip length in frames (paper: 60); frames_per_window: frames per window of the 'tokenizer'
            and 'pose' phases.
        mask_schemes: per train part, the schemes drawn (default ``MASK_SCHEMES``); confidence_share: the share of
            video-phase samples masked by confidence (the others by ``mask_schemes['video']``).
        random_code_fraction: BERT corruption of the masked tokens (paper: 10 %).
        gumbel_temperature: (start, end) of the cosine annealing over ``schedule_iters`` training steps, which also
            time the trajectory noise (``noise_level``).
        losses: weights (``LOSS_WEIGHTS``; supp. A.5 and the release's canonical-trajectory 10 and contact 1).
        fit: ``fit_to_mesh`` arguments at inference.
        temperature: default MaskGIT temperature of the extra hypotheses (``num_samples > 1``).
        window_join: ``'cut'`` (the release: each frame's codes from one window, overlaps cut at their middle) or
            ``'blend'`` (the windows' code vectors and trajectories cross-faded after decoding, as continuous values;
            ids are never cross-faded).
    """

    takes_steps = True
    predict_options = ('temperature', 'smooth')

    def __init__(self, tokenizer: dict = dict(type='MeshVQVAE'), codec: dict = dict(type='MoRoCodec'), width: int = 128,
                 heads: int = 4, mlp_ratio: float = 2.0, motion_depth: int = 2, decoder_depth: int = 1,
                 band: Optional[int] = 60, smoother: Optional[dict] = dict(type='TokenSmoother', kind='conv'),
                 train_part: str = 'video', num_steps: int = 5, clip: int = 60, frames_per_window: int = 16,
                 mask_schemes: Optional[dict] = None, confidence_share: float = 0.5, random_code_fraction: float = 0.1,
                 gumbel_temperature: tuple = (1.0, 0.01), schedule_iters: int = 1000, losses: Optional[dict] = None,
                 fit: dict = dict(iters=20), temperature: float = 1.0, window_join: str = 'cut',
                 encoder: Optional[dict] = None,
                 in_width: Optional[int] = None, body_model=None, inputs=(), windowing=None):
        super().__init__(CODECS.build(dict(codec)) if isinstance(codec, dict) else codec, body_model, inputs, windowing)
        if window_join not in ('cut', 'blend'):
            raise ValueError(f"MoRoHead: window_join must be 'cut' or 'blend', got {window_join!r}")
        if train_part not in TRAIN_PARTS:
            raise ValueError(f'MoRoHead: train_part must be one of {TRAIN_PARTS}, got {train_part!r}')
        MaskGITDecoder(num_steps)  # validates num_steps >= 1
        unknown = sorted(set(losses or {}) - set(LOSS_WEIGHTS))
        if unknown:
            raise ValueError(f'MoRoHead: unknown loss weights {unknown}; known: {sorted(LOSS_WEIGHTS)}')
        spec = dict(tokenizer, body_model=body_model) if isinstance(tokenizer, dict) else tokenizer
        self.tokenizer = build_part(TOKENIZERS, spec)
        self.tokenizer.requires_grad_(train_part == 'tokenizer')
        self.networks = MoRoNetworks(self.tokenizer.num_tokens, self.tokenizer.token_dim, self.tokenizer.num_codes,
                                     width, heads, mlp_ratio, motion_depth, decoder_depth, band)
        self.smoother = BACKBONES.build(dict(smoother, dim=self.tokenizer.token_dim)) if smoother else None
        self.build_conditioning(in_width, width, encoder)
        self.box_head = nn.Linear(width, 9)  # 6D orientation, log s, tx, ty (paper 4.1: a linear layer)
        self.register_buffer('joint_regressor', joint_regressor(body_model, self.tokenizer.vertex_ids), persistent=False)
        self.train_part, self.num_steps, self.clip, self.band = train_part, num_steps, clip, band
        self.frames_per_window, self.confidence_share = frames_per_window, confidence_share
        self.mask_schemes = {**MASK_SCHEMES, **dict(mask_schemes or {})}
        self.random_code_fraction, self.gumbel = random_code_fraction, tuple(gumbel_temperature)
        self.schedule_iters, self.weights = schedule_iters, {**LOSS_WEIGHTS, **dict(losses or {})}
        self.fit, self.temperature, self.window_join = dict(fit), temperature, window_join
        self.steps_taken = 0  # training steps of this phase (not checkpointed: each phase anneals from its start)
        if band is not None and self.windowing.window < band:
            raise UserInputError(f'MoRoHead: the inference window ({self.windowing.window} frames) is shorter than the '
                             f'temporal attention band ({band} frames); raise the recoverer window or lower band')

    def train(self, mode: bool = True):
        """The tokenizer stays in eval mode after its own phase: in training mode vector-quantize-pytorch updates the
        EMA codebook (and resets dead codes) on every forward, which would move the frozen codes under T_M."""
        super().train(mode)
        if self.train_part != 'tokenizer':
            self.tokenizer.eval()
        return self

    # ------------------------------------------------------------------------------------------- pieces
    def codebook(self) -> torch.Tensor:
        return self.tokenizer.quantizer.codebook().detach()

    def ground_truth_tokens(self, batch: dict) -> tuple:
        """GT local meshes (B, T, N0, 3) and their token ids (B, T, P)."""
        params = batch['smpl_params']
        with torch.no_grad():
            mesh = self.tokenizer.local_mesh(params['body_pose'], params['betas'])
            _, ids, _ = self.tokenizer.tokenize(mesh.flatten(0, 1))
        return mesh, ids.unflatten(0, mesh.shape[:2]).long()

    def coarse_trajectory(self, cond, batch: dict) -> tuple:
        """The condition tokens (B, T, W) and R_bar (B, T, 9) raw (paper 4.1)."""
        tokens = self.tokens(cond, batch)
        return tokens, box_trajectory(self.box_head(tokens), batch['bbox'].to(tokens), batch['K'].to(tokens))

    def decode_mesh(self, vectors: torch.Tensor) -> torch.Tensor:
        """Code vectors (B, T, P, L) -> smoother -> local meshes (B, T, N0, 3)."""
        if self.smoother is not None:
            vectors = self.smoother(vectors)
        return self.tokenizer.decode(vectors.flatten(0, 1)).unflatten(0, vectors.shape[:2])

    def camera_joints(self, mesh: torch.Tensor, trajectory: torch.Tensor) -> torch.Tensor:
        """Camera-frame joints (B, T, 22, 3) of local meshes posed by a raw camera trajectory (B, T, 9)."""
        local = torch.einsum('jk,btkc->btjc', self.joint_regressor.to(mesh), mesh)
        rotation = rot6d_to_matrix(trajectory[..., ORIENT])
        return torch.einsum('btij,btkj->btki', rotation, local) + trajectory[..., None, POSITION]

    def step_fn(self, condition, camera_norm, valid):
        """MaskGIT's step: ``(ids (B, T P), masked, step, trajectory) -> (logits (B, T P, K), refined trajectory)``."""
        codebook = self.codebook()
        batch, frames = condition.shape[:2]

        def step(ids, masked, index, trajectory):
            vectors = codebook[ids.view(batch, frames, -1)]
            cano = self.codec.field_normalize('traj_cano', canonical_trajectory(trajectory, valid))
            motion = self.networks.motion(vectors, masked.view(batch, frames, -1), cano, valid)
            out = self.networks.decode(motion['features'], condition, camera_norm, valid)
            return out['logits'].flatten(1, 2), self.codec.field_denormalize('traj_cam', out['camera'])
        return step

    # ------------------------------------------------------------------------------------------- training
    def loss(self, cond, batch: dict, history: Optional[dict] = None) -> dict:
        if self.train_part == 'tokenizer':
            return tokenizer_losses(self.tokenizer, batch, self.frames_per_window)
        progress = self.steps_taken / max(1, self.schedule_iters)
        self.steps_taken += 1
        batch = self.with_targets(batch)
        if self.train_part == 'pose':
            return self.pose_losses(batch, progress)
        if self.train_part == 'condition':  # MoRo's image pretraining: frames as independent images (supp. A.3)
            rows = sample_frames(batch['valid'], self.frames_per_window)
            return self.condition_losses(None if cond is None else single_frames(cond, rows),
                                         single_frames(batch, rows), progress)
        start = int(torch.randint(max(1, batch['valid'].shape[1] - self.clip + 1), ()))
        clip = slice_time(batch, start, start + self.clip)
        clip_cond = None if cond is None else cond[:, start:start + self.clip]
        if self.train_part == 'motion':
            return self.motion_losses(clip, progress)
        return self.condition_losses(clip_cond, clip, progress)

    def token_losses(self, logits, ids, masked, valid, mesh_gt, progress, given_vectors=None) -> tuple:
        """CE on the masked tokens of valid frames and the Gumbel path to the mesh -> (losses, predicted mesh)."""
        masked = masked & valid[..., None]
        codebook = self.codebook()
        given = codebook[ids] if given_vectors is None else given_vectors
        vectors = gumbel_vectors(logits, codebook, gumbel_temperature(progress, *self.gumbel), given, masked)
        mesh = self.decode_mesh(vectors)
        return {'loss_ce': self.weights['ce'] * masked_cross_entropy(logits, ids, masked),
                'loss_vertex': self.weights['vertex'] * distance_mean(mesh, mesh_gt, valid)}, mesh

    def corrupted(self, ids: torch.Tensor, valid: torch.Tensor, schemes) -> tuple:
        """(masked, input ids, hidden) for one training step: a mask of ``schemes`` and BERT corruption."""
        masked = draw_mixed_mask(*ids.shape, schemes, device=ids.device) & valid[..., None]
        inputs, hidden = bert_corrupt(ids, masked, self.tokenizer.num_codes, self.random_code_fraction)
        return masked, inputs, hidden

    def pose_losses(self, batch: dict, progress: float) -> dict:
        """T_M on single frames (supp. A.2: pretraining on frames first; the trajectory token is the identity)."""
        chosen = frames_of(batch['smpl_params'], sample_frames(batch['valid'], self.frames_per_window))
        frames = {name: value.flatten(0, 1)[:, None] for name, value in chosen.items()}  # (B n, 1, ...)
        mesh_gt, ids = self.ground_truth_tokens(dict(smpl_params=frames))
        valid = torch.ones(ids.shape[:2], dtype=torch.bool, device=ids.device)
        masked, inputs, hidden = self.corrupted(ids, valid, self.mask_schemes['pose'])
        identity = canonical_trajectory(ids.new_zeros(*ids.shape[:2], 9, dtype=mesh_gt.dtype))
        motion = self.networks.motion(self.codebook()[inputs], hidden, self.codec.field_normalize('traj_cano', identity),
                                      valid)
        losses, _ = self.token_losses(motion['logits'], ids, masked, valid, mesh_gt, progress)
        return losses

    def motion_losses(self, batch: dict, progress: float) -> dict:
        """T_M on clips: noisy trajectory in, denoised canonical trajectory out (supp. A.2)."""
        valid = batch['valid'].bool()
        mesh_gt, ids = self.ground_truth_tokens(batch)
        masked, inputs, hidden = self.corrupted(ids, valid, self.mask_schemes['motion'])
        target = self.codec.encode(batch, names=('traj_cano', 'traj_cam'), normalize=False)
        noisy = trajectory_noise(target[..., self.codec.slices['traj_cam']], *noise_level(progress))
        cano_in = self.codec.field_normalize('traj_cano', canonical_trajectory(noisy, valid))
        motion = self.networks.motion(self.codebook()[inputs], hidden, cano_in, valid)
        losses, _ = self.token_losses(motion['logits'], ids, masked, valid, mesh_gt, progress)
        cano_gt = self.codec.field_normalize('traj_cano', target[..., self.codec.slices['traj_cano']])
        losses['loss_cano'] = self.weights['cano'] * masked_mean((motion['cano'] - cano_gt).abs(),
                                                                 canonical_valid(valid)[..., None])
        losses.update(self.contact_loss(motion['contact'], batch, valid))
        return losses

    def contact_loss(self, logits: torch.Tensor, batch: dict, valid: torch.Tensor) -> dict:
        if not self.weights['contact'] or batch.get('contact') is None:
            return {}
        bce = nn.functional.binary_cross_entropy_with_logits(logits, batch['contact'].to(logits), reduction='none')
        return {'loss_contact': self.weights['contact'] * masked_mean(bce, valid[..., None])}

    def condition_losses(self, cond, batch: dict, progress: float) -> dict:
        """'condition': one-frame sequences (``loss`` draws them), every token masked, motion slots dropped, so no
        motion term applies; 'video': clips, confidence-guided or random masks over the whole model, the condition
        path frozen (paper 4.5)."""
        valid = batch['valid'].bool()
        mesh_gt, ids = self.ground_truth_tokens(batch)
        video = self.train_part == 'video'
        with torch.set_grad_enabled(not video):
            condition, coarse = self.coarse_trajectory(None if cond is None else (cond.detach() if video else cond),
                                                       batch)
        camera_norm = self.codec.field_normalize('traj_cam', coarse)
        target = self.codec.encode(batch, names=('traj_cam',), normalize=False)[..., self.codec.slices['traj_cam']]
        losses = {'loss_camera_coarse': self.weights['camera'] * masked_mean(
            (camera_norm - self.codec.field_normalize('traj_cam', target)).abs(), valid[..., None])} if not video else {}
        if video:
            masked, inputs, hidden, trajectory = self.video_mask(ids, valid, condition, camera_norm, coarse)
            cano = self.codec.field_normalize('traj_cano', canonical_trajectory(trajectory, valid))
            motion = self.networks.motion(self.codebook()[inputs], hidden, cano, valid)
            out = self.networks.decode(motion['features'], condition, camera_norm, valid)
        else:
            masked = valid[..., None].expand_as(ids)
            out = self.networks.decode(None, condition, camera_norm, valid)
        token_losses, mesh = self.token_losses(out['logits'], ids, masked, valid, mesh_gt, progress)
        losses.update(token_losses)
        losses['loss_camera'] = self.weights['camera'] * masked_mean(
            (out['camera'] - self.codec.field_normalize('traj_cam', target)).abs(), valid[..., None])
        refined = self.codec.field_denormalize('traj_cam', out['camera'])
        losses.update(camera_joint_losses(self.camera_joints(mesh, refined), batch, valid, self.weights))
        losses.update(self.contact_loss(out['contact'], batch, valid))
        return losses

    @torch.no_grad()
    def video_mask(self, ids, valid, condition, camera_norm, coarse) -> tuple:
        """MoRo's confidence-guided masking: a no-grad pass from all tokens masked, its argmax ids kept and the
        least confident fraction re-masked, for ``confidence_share`` of the samples (the others: random schemes);
        the pass's refined trajectory feeds T_M. Returns (masked, input ids, hidden, trajectory raw)."""
        all_hidden = torch.ones_like(ids, dtype=torch.bool)
        cano = self.codec.field_normalize('traj_cano', canonical_trajectory(coarse, valid))
        motion = self.networks.motion(self.codebook()[ids], all_hidden, cano, valid)
        first = self.networks.decode(motion['features'], condition, camera_norm, valid)
        masked, inputs, hidden = self.corrupted(ids, valid, self.mask_schemes['video'])
        guided = confidence_guided_mask(first['logits'].flatten(1, 2), mask_fraction(ids.shape[0], device=ids.device))
        guided = guided.view_as(ids) & valid[..., None]
        use = (torch.rand(ids.shape[0], device=ids.device) < self.confidence_share)[:, None, None]
        predicted = first['logits'].argmax(-1)
        inputs = torch.where(use, torch.where(guided, ids, predicted), inputs)  # guided: kept tokens are the pass's
        return (torch.where(use, guided, masked), inputs, torch.where(use, guided, hidden),
                self.codec.field_denormalize('traj_cam', first['camera']))

    # ------------------------------------------------------------------------------------------- inference
    def check_inputs(self, batch: dict) -> None:
        missing = [key for key in ('bbox', 'K', 'R_w2c', 'valid') if batch.get(key) is None]
        if missing:
            raise UserInputError(f'MoRoHead needs {missing} in the batch')

    @torch.no_grad()
    def decode_hypothesis(self, condition, camera_norm, coarse, valid, steps: int, temperature) -> tuple:
        """One hypothesis over the whole sequence: MaskGIT per window, windows joined by ``window_join``.
        Returns (code vectors (B, T, P, L), refined camera trajectory (B, T, 9) raw)."""
        decoder = MaskGITDecoder(steps, temperature)
        codebook = self.codebook()
        spans = self.windowing.spans(valid.shape[1])
        ids_parts, trajectory_parts = [], []
        tokens = self.tokenizer.num_tokens
        for start, end in spans:
            window = slice(start, end)
            batch, frames = valid.shape[0], end - start
            ids = torch.zeros(batch, frames * tokens, dtype=torch.long, device=valid.device)
            # every token of the valid frames masked at the start; padding frames' tokens given (id 0, never ranked)
            masked = valid[:, window, None].expand(batch, frames, tokens).flatten(1)
            step = self.step_fn(condition[:, window], camera_norm[:, window], valid[:, window])
            ids, trajectory = decoder.decode(step, ids, masked, state=coarse[:, window])
            ids_parts.append(codebook[ids.view(batch, frames, tokens)])
            trajectory_parts.append(trajectory)
        join = self.windowing.join if self.window_join == 'cut' else self.windowing.blend
        return join(ids_parts, spans, valid.shape[1]), join(trajectory_parts, spans, valid.shape[1])

    @torch.no_grad()
    def predict(self, cond, batch: dict, history: Optional[dict] = None, num_samples: int = 1,
                num_steps: Optional[int] = None, temperature: Optional[float] = None, smooth: bool = True) -> Estimate:
        """MaskGIT decoding (paper 4.4) with T = ``num_steps`` passes (default ``self.num_steps``); hypotheses
        beyond the first sample their ids at ``temperature`` (the paper decodes greedily: the first is greedy).
        ``smooth=False`` skips the trained smoother (an inference-time ablation; the paper's "w/o smoother" row is
        a model trained without one)."""
        check_num_samples(num_samples)
        steps = self.num_steps if num_steps is None else num_steps
        if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
            raise UserInputError(f'MoRoHead: num_steps (MaskGIT passes) must be a positive integer, got {steps!r}')
        self.check_inputs(batch)
        valid = batch['valid'].bool()
        condition, coarse = self.coarse_trajectory(cond, batch)
        camera_norm = self.codec.field_normalize('traj_cam', coarse)
        # the S hypotheses in one batch, sample-major (row s * B + b): the first greedy, the others at a temperature
        size = valid.shape[0]
        rows = torch.full((num_samples * size,), float(temperature or self.temperature), device=valid.device)
        rows[:size] = 0.0
        condition, camera_norm, coarse, valid = (repeat_batch(value, num_samples)
                                                 for value in (condition, camera_norm, coarse, valid))
        vectors, trajectory = self.decode_hypothesis(condition, camera_norm, coarse, valid, steps,
                                                     rows if num_samples > 1 else None)
        if self.smoother is not None and smooth:
            vectors = self.smoother(vectors)
        params = self.codec.decode(vectors, repeat_batch(batch, num_samples), trajectory=trajectory,
                                   tokenizer=self.tokenizer, body_model=self.body_model, fit=self.fit)['smpl_params']
        estimate = Estimate.from_params({name: value[:size] for name, value in params.items()})
        if num_samples == 1:
            return estimate
        return estimate.with_params(samples={name: value.unflatten(0, (num_samples, size))
                                             for name, value in params.items()})
