"""Reference predictions that go through the same packaging and metrics as a trained recoverer."""
import torch
from torch import nn

from unihmr.geometry import axis_angle_to_matrix, matrix_to_axis_angle
from unihmr.geometry.gravity_view import root_w_to_c
from unihmr.models.estimate import Estimate, ground_truth_estimate


class MeanPoseAtGTRoot(nn.Module):
    """Predicts the training-mean body pose and betas (the codec mean of the last trained stage: the mean 6D pose,
    orthonormalised) on every frame, placed at the ground-truth root orientation and translation in both the
    camera and the world frame. The reference of issue 4: a useful model must at least halve its PA-MPJPE on the
    clean split."""

    def __init__(self, recoverer: nn.Module):
        super().__init__()
        self.recoverer = recoverer
        self.stage = [stage for stage in recoverer.stages if stage.trainable][-1]

    @torch.no_grad()
    def forward(self, mode: str = 'predict', **batch):
        if mode != 'predict':
            raise ValueError(f"MeanPoseAtGTRoot only predicts; got mode '{mode}'")
        num_sequences, num_frames = batch['kp2d'].shape[:2]
        mean = torch.zeros(num_sequences, num_frames, self.stage.codec.dim, device=batch['kp2d'].device)
        decoded = self.stage.codec.decode(mean, batch)['smpl_params']  # zeros = the training mean of every field
        gt = batch['smpl_params']
        roots = {name: gt[name] for name in ('global_orient_c', 'transl_c', 'global_orient_w', 'transl_w')}
        return self.recoverer.package(batch, Estimate.from_params({**decoded, **roots}))


class GroundTruthAnchor(nn.Module):
    """Runs a multi-stage recoverer with its first stage's estimate replaced by the ground truth (given in
    ``history``), so the later stages complete a perfect anchor (FactorizedHMR: Stage 2 given the GT torso pose,
    shape and camera-frame root). Compared with the model itself, it says how much of the error comes from the
    anchor."""

    def __init__(self, recoverer: nn.Module):
        super().__init__()
        if len(recoverer.stages) < 2:
            raise ValueError(f'gt_anchor: needs a recoverer with at least two stages, got {len(recoverer.stages)}')
        self.recoverer = recoverer

    @torch.no_grad()
    def forward(self, mode: str = 'predict', **batch):
        if mode != 'predict':
            raise ValueError(f"GroundTruthAnchor only predicts; got mode '{mode}'")
        gt = ground_truth_estimate(batch)
        estimate = self.recoverer.recover(batch, given={self.recoverer.stage_names[0]: gt, 'gt': gt})
        return self.recoverer.package(batch, estimate)


class ObservedMotion(nn.Module):
    """The 3D observation itself (``batch['motion_obs']``: noisy world parameters, RoHM section 5.3's input), posed
    and scored as a prediction: the "Input" row of RoHM's Table 1. Camera-frame roots through the batch's camera
    (``R_w2c``, ``t_w2c``)."""

    def __init__(self, recoverer: nn.Module):
        super().__init__()
        self.recoverer = recoverer

    @torch.no_grad()
    def forward(self, mode: str = 'predict', **batch):
        if mode != 'predict':
            raise ValueError(f"ObservedMotion only predicts; got mode '{mode}'")
        if batch.get('motion_obs') is None:
            raise ValueError("observation: the test set has no 3D observation (batch['motion_obs']; use "
                             'CorruptedMotionDataset)')
        obs, body = batch['motion_obs'], self.recoverer.body_model
        zeros = torch.zeros_like(obs['transl_w'])
        rest = body(global_orient=zeros, body_pose=torch.zeros_like(obs['body_pose']), betas=obs['betas'],
                    transl=zeros, return_verts=False).joints[..., 0, :]
        t_w2c = batch.get('t_w2c')
        orient_c, transl_c = root_w_to_c(axis_angle_to_matrix(obs['global_orient_w']), obs['transl_w'], batch['R_w2c'],
                                         zeros if t_w2c is None else t_w2c, rest)
        params = dict(obs, global_orient_c=matrix_to_axis_angle(orient_c), transl_c=transl_c)
        return self.recoverer.package(batch, Estimate.from_params(params))


BASELINES = {'mean_pose_gt_root': MeanPoseAtGTRoot, 'gt_anchor': GroundTruthAnchor, 'observation': ObservedMotion}
