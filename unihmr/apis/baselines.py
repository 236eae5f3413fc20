"""Trivial baselines that go through the same packaging and metrics as a trained recoverer."""
import torch
from torch import nn


class MeanPoseAtGTRoot(nn.Module):
    """Predicts the training-mean body pose and betas (the last stage's codec mean: the mean 6D pose,
    orthonormalised) on every frame, placed at the ground-truth root orientation and translation in both
    the camera and the world frame. The reference of issue 4: a useful model must at least halve its
    PA-MPJPE on the clean split."""

    def __init__(self, recoverer: nn.Module):
        super().__init__()
        self.recoverer = recoverer

    @torch.no_grad()
    def forward(self, mode: str = 'predict', **batch):
        if mode != 'predict':
            raise ValueError(f"MeanPoseAtGTRoot only predicts; got mode '{mode}'")
        stage = self.recoverer.stages[-1]
        num_sequences, num_frames = batch['kp2d'].shape[:2]
        mean = torch.zeros(num_sequences, num_frames, stage.codec.dim, device=batch['kp2d'].device)
        output = stage.decode(mean, batch)  # zeros in normalised space = the training mean of every field
        gt = batch['smpl_params']
        for frame, params in (('c', output.smpl_params_c), ('w', output.smpl_params_w)):
            params['global_orient'], params['transl'] = gt[f'global_orient_{frame}'], gt[f'transl_{frame}']
            output.smpl_params[f'global_orient_{frame}'] = gt[f'global_orient_{frame}']
            output.smpl_params[f'transl_{frame}'] = gt[f'transl_{frame}']
        return self.recoverer.package(batch, output)


BASELINES = {'mean_pose_gt_root': MeanPoseAtGTRoot}
