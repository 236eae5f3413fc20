"""Reference predictions that go through the same packaging and metrics as a trained recoverer."""
from contextlib import contextmanager

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


class GroundTruthAnchor(nn.Module):
    """Runs a multi-stage recoverer with its first stage's body parameters replaced by the ground truth, so the
    later stages complete a perfect anchor (FactorizedHMR: Stage 2 given the GT torso pose, shape and camera-frame
    root). Compared with the model itself, it says how much of the error comes from the anchor."""

    def __init__(self, recoverer: nn.Module):
        super().__init__()
        if len(recoverer.stages) < 2:
            raise ValueError(f'gt_anchor: needs a recoverer with at least two stages, got {len(recoverer.stages)}')
        self.recoverer = recoverer

    @contextmanager
    def _anchor_from_ground_truth(self):
        stage = self.recoverer.stages[0]
        predict = stage.predict

        def ground_truth(cond, batch, *args, **kwargs):
            output = predict(cond, batch, *args, **kwargs)
            output.smpl_params = {name: value.clone() for name, value in batch['smpl_params'].items()}
            return output

        stage.predict = ground_truth
        try:
            yield
        finally:
            del stage.predict  # back to the class method

    @torch.no_grad()
    def forward(self, mode: str = 'predict', **batch):
        if mode != 'predict':
            raise ValueError(f"GroundTruthAnchor only predicts; got mode '{mode}'")
        if 'smpl_params' not in batch:
            raise KeyError('gt_anchor: the batch has no ground-truth smpl_params')
        with self._anchor_from_ground_truth():
            return self.recoverer(mode='predict', **batch)


BASELINES = {'mean_pose_gt_root': MeanPoseAtGTRoot, 'gt_anchor': GroundTruthAnchor}
