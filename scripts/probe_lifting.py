"""Exploratory probe (docs/results.md, issue 15): how far a plain lifting network gets on the keypoint-only task.

A 1D temporal convolution (width 256, kernel ``--kernel``) maps each frame's box-normalised keypoints and
confidences (17 x 3) to the 22 camera-space body joints relative to the pelvis, trained with the mean joint distance
on windows materialised once from the real-motion training subjects (``--synthetic`` adds as many procedural
windows, as the mix), and reports PA-MPJPE on the held-out real clean windows every 500 iterations. ``--fk``
predicts 22 rotations (6D) posed by the embedded body with the ground-truth betas instead of the joints.
Not a shipped method: it has no root, no world motion and no SMPL-X output; it measures what the keypoints hold.

    UNIHMR_REAL_MOTION=data/cmu_amass .venv/bin/python scripts/probe_lifting.py --windows 2000 --synthetic --iters 3000
"""
import argparse

import roma
import torch
from mmengine.config import Config
from torch import nn

from unihmr.body.embedded import EmbeddedSMPLX
from unihmr.data.datasets.in_memory import materialize
from unihmr.evaluation.metrics.camera import pa_mpjpe
from unihmr.geometry.camera import box_normalized_points
from unihmr.registry import DATASETS

from probe_loop import run_probe  # scripts/probe_loop.py

NUM_INPUTS, NUM_JOINTS = 17 * 3, 22


def inputs_and_joints(stacked: dict, body: nn.Module) -> tuple:
    """Stacked windows -> per-frame inputs (N, T, 51), pelvis-relative camera joints (N, T, 22, 3), betas (N, T, 10)."""
    params = stacked['smpl_params']
    with torch.no_grad():
        joints = body(global_orient=params['global_orient_c'], body_pose=params['body_pose'], betas=params['betas'],
                      transl=params['transl_c'], return_verts=False).joints
    keypoints = stacked['kp2d']
    conf = keypoints[..., 2:]
    xy = box_normalized_points(keypoints[..., :2], stacked['bbox'])
    return torch.cat([(xy * conf).flatten(-2), conf.flatten(-2)], -1), joints - joints[..., :1, :], params['betas']


class Lifter(nn.Module):
    """(N, T, 51) -> (N, T, 22, 3) joints, or 22 6D rotations posed by ``body`` (``fk``)."""

    def __init__(self, body: nn.Module, fk: bool, width: int = 256, kernel: int = 9):
        super().__init__()
        self.body, self.fk = body, fk
        out = NUM_JOINTS * 6 if fk else NUM_JOINTS * 3
        self.net = nn.Sequential(nn.Conv1d(NUM_INPUTS, width, kernel, padding=kernel // 2), nn.GELU(),
                                 nn.Conv1d(width, width, kernel, padding=kernel // 2), nn.GELU(),
                                 nn.Conv1d(width, width, 1), nn.GELU(), nn.Conv1d(width, out, 1))

    def forward(self, x: torch.Tensor, betas: torch.Tensor) -> torch.Tensor:
        y = self.net(x.transpose(1, 2)).transpose(1, 2)
        if not self.fk:
            return y.reshape(*x.shape[:2], NUM_JOINTS, 3)
        identity = torch.eye(3, 2, dtype=y.dtype)
        rotvecs = roma.rotmat_to_rotvec(roma.special_gramschmidt(y.reshape(*x.shape[:2], NUM_JOINTS, 3, 2) + identity))
        joints = self.body(global_orient=rotvecs[..., 0, :], body_pose=rotvecs[..., 1:, :], betas=betas,
                           transl=torch.zeros_like(rotvecs[..., 0, :]), return_verts=False).joints
        return joints - joints[..., :1, :]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--windows', type=int, default=2000)
    parser.add_argument('--synthetic', action='store_true')
    parser.add_argument('--fk', action='store_true')
    parser.add_argument('--iters', type=int, default=3000)
    parser.add_argument('--kernel', type=int, default=9)
    args = parser.parse_args()
    torch.manual_seed(0)
    cfg = Config.fromfile('configs/_base_/datasets/real_motion.py')
    body = EmbeddedSMPLX()
    sources = [cfg.real_train] + ([cfg.synthetic_train_secondary] if args.synthetic else [])
    parts = [inputs_and_joints(materialize([dataset[i] for i in range(args.windows)], 'windows'), body)
             for dataset in map(DATASETS.build, sources)]
    x, joints, betas = (torch.cat(field) for field in zip(*parts))
    x_val, joints_val, betas_val = inputs_and_joints(materialize(DATASETS.build(cfg.real_clean), 'held out'), body)
    model = Lifter(body, args.fk, kernel=args.kernel)

    def batch_loss():
        index = torch.randint(0, len(x), (32,))
        return (model(x[index], betas[index]) - joints[index]).norm(dim=-1).mean()

    def report():
        error = pa_mpjpe(model(x_val, betas_val).flatten(0, 1), joints_val.flatten(0, 1)).mean()
        return f'held-out real clean PA-MPJPE {error:.2f} mm'

    run_probe(model, batch_loss, args.iters, report)


if __name__ == '__main__':
    main()
