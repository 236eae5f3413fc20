"""RoHM: robust human motion by two diffusion models, TrajNet and PoseNet, with TrajControl and score guidance
(RoHM sections 3-4 and supp. B; ``shared/specs/rohm.md``). The DDPM paradigm of DESIGN section 5.

Representation: ``codecs.rohm.RoHMCodec`` (294 numbers per frame in a per-clip canonical frame).

Networks (section 4.1-4.2): ``trajnet`` (``TemporalUNet``) denoises the 13 absolute trajectory numbers given the
masked noisy trajectory (eq. 6); ``trajcontrol`` (``ControlBranch`` of the TrajNet) adds PoseNet's local motion as a
control; ``posenet`` (``MotionTransformer``) denoises the local part given (TrajNet's trajectory expanded to 22
numbers, the masked noisy local motion), the trajectory of its input and output overwritten by TrajNet's at every
step (eq. 7). ``variant='mdm'`` is the MDM++ baseline instead: one transformer over the whole 294 numbers,
conditioned on the masked noisy motion (section 5.3).

Inputs (what is denoised): ``source='observation'`` reads a 3D observation from the batch (``motion_obs``: noisy
world parameters, with ``vis`` as the joint mask; ``data.datasets.CorruptedMotionDataset``; paper section 5.3);
``source='estimate'`` reads the estimate of the earlier stage named in ``inputs`` with the joint mask from keypoint
confidences below ``conf_threshold`` (section 5.4, supp. B.3); the refined body keeps that estimate's camera.

Training (``train_part``, one per phase; section 4.4, supp. B.1): ground-truth world motion is corrupted on the fly
(``add_parameter_noise`` at ``noise_level``; occlusion masks ``occlusion``: scheme -> probability) and encoded in the
canonical frame of the corrupted motion (the frame inference sees). Losses (eq. 18): x0 MSE, joint positions and
joint velocities (TrajNet and TrajControl: the root joint only) and foot skating (``losses``; released weights
100 / 1000 / 0.1). ``'trajcontrol'`` freezes the TrajNet and trains the branch with the clean ground-truth local
motion as control.

Sampling (section 4.3): ``DiffusionSampler`` with x0-prediction on the cosine schedule (DDPM with fixed small
variance by default; ``kind='ddim'`` respaces deterministically); TrajNet ``traj_steps`` (100), PoseNet
``num_steps`` (1000); the guidance energies (``guidance``: ``GuidanceSet`` config) shift the posterior mean of
PoseNet's steps (eq. 14) on the local coordinates except contact; ``early_stop`` returns the clean estimate at
that level (the release's t = 20). Alg. 1 with ``iterations`` K (2): TrajNet -> PoseNet, then TrajNet +
TrajControl(PoseNet's output) -> PoseNet conditioned on its own output. Long sequences: windows of the
recoverer's ``window``, each decoded to the input's world frame, aligned to the previous windows over their shared
frames (optional, ``align_windows``) and cross-faded (``rohm_windows``).
"""
from typing import Optional

import torch
from diffusers import DDPMScheduler
from torch import nn

from unihmr.body.posing import sequence_betas
from unihmr.codecs.rohm import ABS_TRAJ_FIELDS, LOCAL_FIELDS, TRAJ_FIELDS, canonical_frame
from unihmr.data.transforms.motion_corruption import WORLD_PARAMS, add_parameter_noise, mixed_occlusion_mask
from unihmr.models.backbones.control import ControlBranch
from unihmr.models.batch_ops import concat_batch, repeat_batch, slice_time
from unihmr.models.estimate import Estimate
from unihmr.models.guidance import GuidanceInputs, GuidanceSet
from unihmr.models.heads.base import BaseHead, build_part, check_num_samples
from unihmr.models.heads.rohm_inputs import (camera_offset, check_rohm_batch, hold_last_valid,
                                             visibility_from_keypoints)
from unihmr.models.heads.rohm_losses import pose_losses, trajectory_losses
from unihmr.models.heads.rohm_windows import join_windows, pad_window
from unihmr.models.heads.scorehmr_refiner import load_prior_weights
from unihmr.models.samplers import DiffusionSampler, Guidance, noise_schedule_args
from unihmr.registry import BACKBONES, CODECS, HEADS

TRAIN_PARTS = ('trajnet', 'trajcontrol', 'posenet', 'mdm')
SOURCES = ('observation', 'estimate')
DEFAULT_LOSSES = dict(x0=1.0, joints=100.0, velocity=1000.0, skating=0.0)
EXTERNAL_PARTS = ('codec', 'trajnet', 'trajcontrol', 'posenet')


@HEADS.register_module()
class RoHMHead(BaseHead):
    """RoHM (or MDM++ with ``variant='mdm'``) as a stage; see the module docstring.

    Args:
        codec: ``RoHMCodec`` config. trajnet / posenet: backbone configs (sizes; in/out sizes are set here).
        variant: ``'rohm'`` or ``'mdm'``. train_part: what ``loss`` trains (``TRAIN_PARTS``).
        source: ``'observation'`` or ``'estimate'``. conf_threshold: keypoint confidence below which a joint is
            occluded (``source='estimate'``).
        noise_level / occlusion / span_probability: the training corruption (``occlusion``: scheme -> probability;
            TrajNet's masked frame spans: ``{'frame_span': p}``).
        losses: weights of ``DEFAULT_LOSSES``.
        traj_timesteps / pose_timesteps: training schedules (100 / 1000). kind: 'ddpm' or 'ddim'.
        traj_steps / num_steps: sampling steps. early_stop: level at which PoseNet returns its clean estimate.
        iterations: K of Alg. 1. use_control: TrajControl in iterations after the first.
        guidance: ``GuidanceSet`` energies (None: unguided).
        align_windows: fit each window's world pelvis track to the previous windows' over their shared frames (yaw and
            ground translation) before the cross-fade. Off by default: every window is already decoded into the
            input's world, and the yaw of a short overlap is ill-determined (docs/rohm.md, "Long sequences").
        checkpoint: weights of this head (a training
            checkpoint whose stage ``checkpoint_prefix`` is a RoHM head; None: as built). With a checkpoint the head
            is a refiner: its networks and codec stay out of the recoverer's state dict, frozen.
    """

    takes_steps = True
    predict_options = ('iterations', 'use_control', 'traj_steps', 'early_stop', 'guided')

    def __init__(self, codec: dict = dict(type='RoHMCodec'),
                 trajnet: dict = dict(type='TemporalUNet', widths=(64, 128, 256, 512)),
                 posenet: dict = dict(type='MotionTransformer'), variant: str = 'rohm', train_part: str = 'posenet',
                 source: str = 'observation', conf_threshold: float = 0.2, noise_level: float = 1.0,
                 occlusion: Optional[dict] = None, losses: Optional[dict] = None, traj_timesteps: int = 100,
                 pose_timesteps: int = 1000, kind: str = 'ddpm', traj_steps: int = 100, num_steps: int = 1000,
                 early_stop: Optional[int] = None, iterations: int = 2, use_control: bool = True,
                 guidance: Optional[dict] = None, align_windows: bool = False, checkpoint: Optional[str] = None,
                 checkpoint_prefix: str = 'stages.0.',
                 in_width: Optional[int] = None, body_model: Optional[nn.Module] = None, inputs=(), windowing=None):
        super().__init__(build_part(CODECS, codec), body_model, inputs, windowing)
        for name, value, allowed in (('variant', variant, ('rohm', 'mdm')), ('train_part', train_part, TRAIN_PARTS),
                                     ('source', source, SOURCES)):
            if value not in allowed:
                raise ValueError(f'RoHMHead {name}: expected one of {allowed}, got {value!r}')
        if (variant == 'mdm') != (train_part == 'mdm'):
            raise ValueError(f"RoHMHead: variant 'mdm' trains train_part 'mdm' and only it (got {variant!r}, {train_part!r})")
        unknown = sorted(set(losses or {}) - set(DEFAULT_LOSSES))
        if unknown:
            raise ValueError(f'RoHMHead losses: unknown {unknown}; known: {sorted(DEFAULT_LOSSES)}')
        if source == 'estimate' and not self.inputs:
            raise ValueError("RoHMHead source='estimate' needs the earlier stage it refines (inputs=('<stage>',))")
        self.variant, self.train_part, self.source = variant, train_part, source
        self.conf_threshold, self.noise_level = float(conf_threshold), float(noise_level)
        self.occlusion = dict(occlusion or {'none': 1.0})
        self.loss_weights = dict(DEFAULT_LOSSES, **(losses or {}))
        self.iterations, self.use_control, self.align_windows = int(iterations), bool(use_control), bool(align_windows)
        self.traj_steps, self.num_steps, self.early_stop = int(traj_steps), int(num_steps), early_stop
        codec_ = self.codec
        self.register_buffer('traj_index', codec_.field_mask(TRAJ_FIELDS).nonzero()[:, 0], persistent=False)
        self.register_buffer('abs_index', codec_.field_mask(ABS_TRAJ_FIELDS).nonzero()[:, 0], persistent=False)
        self.register_buffer('local_index', codec_.field_mask(LOCAL_FIELDS).nonzero()[:, 0], persistent=False)
        self.register_buffer('guided_coords', codec_.field_mask([n for n in LOCAL_FIELDS if n != 'contact']),
                             persistent=False)
        dim, traj_abs = codec_.dim, len(self.abs_index)
        if variant == 'mdm':
            self.posenet = BACKBONES.build(dict(posenet, in_dim=dim, cond_dim=dim, out_dim=dim))
        else:
            self.trajnet = BACKBONES.build(dict(trajnet, in_dim=traj_abs, cond_dim=traj_abs, out_dim=traj_abs))
            self.trajcontrol = ControlBranch(self.trajnet, len(self.local_index))
            self.posenet = BACKBONES.build(dict(posenet, in_dim=dim, cond_dim=dim, out_dim=len(self.local_index)))
            if train_part == 'trajcontrol':
                self.trajcontrol.freeze_base()
        schedule = dict(beta_schedule='squaredcos_cap_v2')
        self.traj_noise = DDPMScheduler(**noise_schedule_args(traj_timesteps, **schedule))
        self.pose_noise = DDPMScheduler(**noise_schedule_args(pose_timesteps, **schedule))
        sampler = dict(prediction_type='sample', kind=kind, variance_type='fixed_small', **schedule)
        self.traj_sampler = DiffusionSampler(traj_timesteps, **sampler)
        self.pose_sampler = DiffusionSampler(pose_timesteps, **sampler)
        self.traj_sampler.timesteps(self.traj_steps)
        self.pose_sampler.timesteps(self.num_steps)
        self.guidance = GuidanceSet(guidance) if guidance else None
        if checkpoint:
            load_prior_weights(self, checkpoint, checkpoint_prefix)
            self.hold_outside_state_dict()

    def hold_outside_state_dict(self) -> None:
        """Keep the loaded networks and codec out of the recoverer's state dict, frozen (a refiner with its own
        checkpoint, as ``ScoreHMRRefiner``'s prior): the recoverer's checkpoint is then the earlier stages' alone."""
        self.trainable = False
        self._external = []
        for name in EXTERNAL_PARTS:
            module = self._modules.pop(name, None)
            if module is not None:
                object.__setattr__(self, name, module.eval().requires_grad_(False))
                self._external.append(module)

    def external_modules(self) -> tuple:
        return tuple(getattr(self, '_external', ()))

    def _apply(self, fn, *args, **kwargs):
        super()._apply(fn, *args, **kwargs)
        for module in getattr(self, '_external', ()):
            module._apply(fn, *args, **kwargs)
        return self

    @property
    def uses_shared_cond(self) -> bool:
        return False

    def reads(self, training: bool = False) -> tuple:
        return () if training or self.source == 'observation' else self.inputs

    @property
    def multiple(self) -> int:
        return getattr(getattr(self, 'trajnet', None), 'multiple', 1)

    # ------------------------------------------------------------------------------------ encoding
    def pose_world(self, params: dict, valid: Optional[torch.Tensor]) -> torch.Tensor:
        """World joints (B, T, 22, 3) of data-contract parameters."""
        return self.body_model(global_orient=params['global_orient_w'], body_pose=params['body_pose'],
                               betas=params['betas'], transl=params['transl_w'], return_verts=False).joints

    def encode_motion(self, params: dict, batch: dict, frame: Optional[dict] = None, contact=None) -> tuple:
        """World parameters -> (normalised x (B, T, dim), canonical frame: ``frame`` or the motion's own). The
        shape is made one per sequence (the posed joints and the codec's betas then agree exactly)."""
        valid = batch.get('valid')
        params = dict(params, betas=sequence_betas(params['betas'], valid).expand_as(params['betas']))
        joints = self.pose_world(params, valid)
        frame = frame if frame is not None else canonical_frame(joints, valid)
        motion = dict(smpl_params=params, joints_w=joints, rohm_frame=frame, valid=valid, contact=contact)
        return self.codec.encode(motion), frame

    def check_inputs(self, batch: dict) -> None:
        """What ``predict`` needs, ``UserInputError`` naming what is missing (``rohm_inputs.check_rohm_batch``)."""
        check_rohm_batch(batch, self.source, self.conf_threshold, max(2, self.multiple), self.guidance)

    def observe(self, batch: dict, history: Optional[dict]) -> dict:
        """The motion to denoise: ``x`` (B, T, dim) normalised, ``mask`` (B, T, dim) bool, ``frame``, ``t_w2c``."""
        self.check_inputs(batch)
        valid = batch['valid']
        if self.source == 'observation':
            params = {name: batch['motion_obs'][name] for name in WORLD_PARAMS}
            vis, t_w2c = batch['vis'], batch.get('t_w2c')
        else:
            params = self.earlier(history).params
            vis = visibility_from_keypoints(batch['kp2d'], self.conf_threshold)
            shape = sequence_betas(params['betas'], valid).expand_as(params['betas'])  # one rest skeleton per sequence
            t_w2c = camera_offset(params, batch['R_w2c'], self.rest_pelvis(shape))
        x, frame = self.encode_motion(hold_last_valid(params, valid), batch)
        mask = self.codec.coordinate_mask(vis) & valid.bool()[..., None]
        return dict(x=x, mask=mask, frame=frame, t_w2c=t_w2c)

    def rest_pelvis(self, betas: torch.Tensor) -> torch.Tensor:
        zeros = betas.new_zeros(*betas.shape[:-1], 3)
        return self.body_model(global_orient=zeros, body_pose=betas.new_zeros(*betas.shape[:-1], 21, 3), betas=betas,
                               transl=zeros, return_verts=False).joints[..., 0, :]

    # ----------------------------------------------------------------------------------- networks
    def full_trajectory(self, traj_abs: torch.Tensor) -> torch.Tensor:
        """The 13 absolute numbers (B, T, 13), normalised -> the 22 trajectory numbers (velocities recomputed)."""
        x = traj_abs.new_zeros(*traj_abs.shape[:2], self.codec.dim)
        x[..., self.abs_index] = traj_abs
        return self.codec.expand_trajectory(x)[..., self.traj_index]

    def trajnet_out(self, x_t, t, cond, control=None):
        if control is None:
            return self.trajnet(x_t, t, cond)
        return self.trajcontrol(x_t, t, cond, control)

    def posenet_out(self, x_t, t, cond, traj, valid=None):
        """Full clean estimate (B, T, dim): ``traj`` (B, T, 22) written into input and output (eq. 7), or the whole
        output of the MDM++ network (``traj`` None)."""
        if traj is None:
            return self.posenet(x_t, t, cond, valid)
        x_t = x_t.clone()
        x_t[..., self.traj_index] = traj
        out = x_t.new_empty(x_t.shape)
        out[..., self.traj_index] = traj
        out[..., self.local_index] = self.posenet(x_t, t, cond, valid)
        return out

    def pose_condition(self, traj: Optional[torch.Tensor], local: torch.Tensor) -> torch.Tensor:
        """c_P (B, T, dim): the trajectory and the (masked) local motion, contact zeroed."""
        cond = local.new_zeros(*local.shape[:2], self.codec.dim)
        if traj is not None:
            cond[..., self.traj_index] = traj
        cond[..., self.local_index] = local
        return cond * (~self.codec.field_mask(['contact'])).to(cond)

    # --------------------------------------------------------------------------------------- loss
    def loss(self, cond, batch: dict, history: Optional[dict] = None) -> dict:
        """Eq. 18 for ``train_part`` on corrupted ground truth (module docstring)."""
        if not self.trainable:
            raise ValueError('RoHMHead with a checkpoint is not trained here (its weights come from checkpoint=)')
        gt = batch['smpl_params']
        valid = batch['valid'].bool()
        noisy = add_parameter_noise({name: gt[name] for name in WORLD_PARAMS}, self.noise_level)
        vis = mixed_occlusion_mask(self.occlusion, valid.shape, batch.get('vis'), device=valid.device)
        x_obs, frame = self.encode_motion(noisy, batch)
        x0, _ = self.encode_motion(gt, batch, frame, contact=batch.get('contact'))
        mask = (self.codec.coordinate_mask(vis) & valid[..., None]).to(x0)
        if self.train_part in ('trajnet', 'trajcontrol'):
            return self.trajectory_loss(x0, x_obs * mask, valid)
        return self.pose_loss(x0, x_obs * mask, valid, batch.get('contact'))

    def trajectory_loss(self, x0, masked, valid) -> dict:
        target = x0[..., self.abs_index]
        t = torch.randint(0, self.traj_noise.config.num_train_timesteps, (x0.shape[0],), device=x0.device)
        x_t = self.traj_noise.add_noise(target, torch.randn_like(target), t)
        control = x0[..., self.local_index] if self.train_part == 'trajcontrol' else None
        pred = self.trajnet_out(x_t, t, masked[..., self.abs_index], control)
        return trajectory_losses(pred, target, self.pelvis(pred), self.pelvis(target), valid, self.loss_weights)

    def pelvis(self, traj_abs: torch.Tensor) -> torch.Tensor:
        """Pelvis position (B, T, 3) in metres from the 13 normalised absolute trajectory numbers."""
        x = traj_abs.new_zeros(*traj_abs.shape[:2], self.codec.dim)
        x[..., self.abs_index] = traj_abs
        raw = self.codec.split(self.codec.denormalize(x))
        ground, height = raw['root_l_pos'], raw['root_height']
        return torch.stack([ground[..., 0], height[..., 0], ground[..., 1]], dim=-1)

    def pose_loss(self, x0, masked, valid, contact) -> dict:
        t = torch.randint(0, self.pose_noise.config.num_train_timesteps, (x0.shape[0],), device=x0.device)
        x_t = self.pose_noise.add_noise(x0, torch.randn_like(x0), t)
        if self.variant == 'mdm':
            pred = self.posenet_out(x_t, t, self.pose_condition(masked[..., self.traj_index], masked[..., self.local_index]),
                                    None, valid)
            fitted = torch.ones(self.codec.dim, dtype=torch.bool, device=x0.device)
        else:
            traj = x0[..., self.traj_index]
            pred = self.posenet_out(x_t, t, self.pose_condition(traj, masked[..., self.local_index]), traj, valid)
            fitted = self.codec.field_mask(LOCAL_FIELDS)
        joints, joints_gt = self.canonical_joints(pred, valid), self.canonical_joints(x0, valid)
        return pose_losses(pred, x0, fitted, joints, joints_gt, valid, contact, self.loss_weights)

    def canonical_joints(self, x: torch.Tensor, valid) -> torch.Tensor:
        """Body joints (B, T, 22, 3) in the canonical frame of normalised ``x`` (forward kinematics)."""
        args = self.codec.canonical_params(x)
        args['betas'] = sequence_betas(args['betas'], valid)
        return self.body_model(**args, return_verts=False).joints

    # ----------------------------------------------------------------------------------- sampling
    def sample_trajectory(self, cond, control, steps: int, generator=None) -> torch.Tensor:
        """TrajNet (+ TrajControl) from noise: (B, T, 13) normalised."""
        noise = torch.randn(*cond.shape, generator=generator, device=cond.device)
        levels = self.traj_sampler.timesteps(steps)
        return self.traj_sampler.sample(lambda x_t, t: self.trajnet_out(x_t, t, cond, control), noise, levels,
                                        generator=generator)

    def sample_pose(self, cond, traj, obs: dict, batch: dict, steps: int, early_stop, guided: bool,
                    generator=None) -> torch.Tensor:
        """PoseNet (or MDM++) from noise, guided: the full clean motion (B, T, dim) normalised."""
        valid = batch['valid'].bool()
        noise = torch.randn(*cond.shape, generator=generator, device=cond.device)
        levels = self.pose_sampler.timesteps(steps)
        guidance = None
        if guided and self.guidance is not None:
            def energy(x0_hat, t):
                if not self.guidance.active(t):
                    return None
                estimate = self.decode(x0_hat, batch, obs)
                inputs = GuidanceInputs.from_estimate(estimate, batch, self.body_model, x0=x0_hat, codec=self.codec)
                return self.guidance(inputs, t)[0]
            guidance = Guidance(energy=energy, mode='mean', grad_mask=self.guided_coords)
        x = self.pose_sampler.sample(lambda x_t, t: self.posenet_out(x_t, t, cond, traj, valid), noise, levels,
                                     guidance=guidance, generator=generator, return_x0_at=early_stop)
        if traj is not None:
            x = x.clone()
            x[..., self.traj_index] = traj
        return x

    def decode(self, x: torch.Tensor, batch: dict, obs: dict) -> Estimate:
        """Normalised (B, T, dim) in the window's canonical frame -> an ``Estimate`` in the input's world and camera."""
        out = self.codec.decode(x, batch, frame=obs['frame'], body_model=self.body_model, t_w2c=obs['t_w2c'])
        return Estimate.from_params(out['smpl_params'], contact=out['contact'])

    def denoise_window(self, batch: dict, history: dict, num_steps: Optional[int], iterations: Optional[int] = None,
                       use_control: Optional[bool] = None, traj_steps: Optional[int] = None, early_stop=None,
                       guided: bool = True) -> tuple:
        """Alg. 1 on one window (B, T): (normalised clean motion (B, T, dim), the observation dict)."""
        obs = self.observe(batch, history)
        steps = self.num_steps if num_steps is None else int(num_steps)
        traj_steps = self.traj_steps if traj_steps is None else int(traj_steps)
        early_stop = self.early_stop if early_stop is None else early_stop
        iterations = self.iterations if iterations is None else int(iterations)
        use_control = self.use_control if use_control is None else bool(use_control)
        masked = obs['x'] * obs['mask'].to(obs['x'])
        if self.variant == 'mdm':
            cond = self.pose_condition(masked[..., self.traj_index], masked[..., self.local_index])
            return self.sample_pose(cond, None, obs, batch, steps, early_stop, guided), obs
        traj_cond, local, control = masked[..., self.abs_index], masked[..., self.local_index], None
        x = None
        for iteration in range(max(1, iterations)):
            traj_abs = self.sample_trajectory(traj_cond, control, traj_steps)
            traj = self.full_trajectory(traj_abs)
            x = self.sample_pose(self.pose_condition(traj, local), traj, obs, batch, steps, early_stop, guided)
            traj_cond, local = traj_abs, x[..., self.local_index]  # eqs. 10-11
            control = local if use_control else None
        return x, obs

    # ------------------------------------------------------------------------------------ predict
    @torch.no_grad()
    def predict(self, cond, batch: dict, history: Optional[dict] = None, num_samples: int = 1,
                num_steps: Optional[int] = None, **options) -> Estimate:
        """Windows denoised by Alg. 1 (all windows and S hypotheses in one batch), each decoded to the input's world,
        optionally aligned to the windows before it, and cross-faded; camera-frame roots from the input's camera."""
        check_num_samples(num_samples)
        unknown = sorted(set(options) - set(self.predict_options))
        if unknown:
            raise TypeError(f'RoHMHead.predict: unexpected options {unknown}; accepted: {sorted(self.predict_options)}')
        history = history or {}
        self.check_inputs(batch)
        num_frames = batch['valid'].shape[1]
        spans = self.windowing.spans(num_frames)
        length, batch_size = spans[0][1] - spans[0][0], batch['valid'].shape[0]
        # every window and hypothesis in one batch: rows s * (W * B) + w * B + b (windows share one length)
        stacked = self.pad(repeat_batch(concat_batch([slice_time(batch, *span) for span in spans]), num_samples))
        earlier = {name: self.pad(repeat_batch(concat_batch([slice_time(history[name], *span) for span in spans]),
                                               num_samples)) for name in self.reads() if name in history}
        x, obs = self.denoise_window(stacked, earlier, num_steps, **options)
        decoded = self.decode(x, stacked, obs).slice_time(0, length)
        rows = torch.arange(num_samples * len(spans) * batch_size, device=x.device).view(num_samples, len(spans), -1)
        parts = [decoded.take(rows[:, index].flatten()) for index in range(len(spans))]
        return self.join_windows(parts, spans, num_frames, num_samples)

    def pad(self, value):
        return pad_window(value, self.multiple)

    def join_windows(self, parts: list, spans: list, num_frames: int, num_samples: int) -> Estimate:
        """``rohm_windows.join_windows`` with this head's windowing, rest pelvis and ``align_windows``."""
        return join_windows(parts, spans, num_frames, num_samples, self.windowing, self.rest_pelvis, self.align_windows)
