"""Exploratory probe (docs/results.md, issue 15): can a plain network read the root's travel from keypoints?

A 1D temporal convolution (3 layers of width 256, kernel 9) maps each frame's box-normalised keypoints and
confidences (17 x 3) and the box (centre and size over the focal length) to the root's local velocity (m/s, in the
heading frame: the GVHMR codec's ``root_vel`` target), trained with an L1 or a squared error on ``--windows``
windows per source materialised once (procedural with secondary motion, the real training subjects, or both as the
mix), and reports every 500 iterations, per evaluation set, the correlation and the least-squares slope of the
predicted against the true mean forward speed of each window. Not a shipped method: it measures what the inputs
hold and what a loss does with the mix's speed distribution.

    UNIHMR_REAL_MOTION=data/cmu_amass .venv/bin/python scripts/probe_velocity.py --data mix --loss mse
"""
import argparse

import numpy as np
import torch
from mmengine.config import Config
from torch import nn

import unihmr.data  # noqa: F401  (registers the datasets)
from unihmr.data.datasets.in_memory import materialize
from unihmr.geometry import heading_rotation, velocity_from_trajectory
from unihmr.geometry.camera import box_normalized_points
from unihmr.geometry.rotations import axis_angle_to_matrix
from unihmr.registry import DATASETS

from probe_loop import run_probe  # scripts/probe_loop.py

FPS = 30.0


def inputs_and_velocity(stacked: dict) -> tuple:
    """Stacked windows -> per-frame inputs (N, T, 54) and the root's local velocity (N, T, 3) in m/s."""
    keypoints, bbox, K = stacked['kp2d'], stacked['bbox'], stacked['K']
    conf = keypoints[..., 2:]
    xy = box_normalized_points(keypoints[..., :2], bbox)
    focal = K[..., 0, 0]
    box = torch.stack([(bbox[..., 0] - K[..., 0, 2]) / focal, (bbox[..., 1] - K[..., 1, 2]) / focal,
                       bbox[..., 2] / focal], -1)
    params = stacked['smpl_params']
    heading = heading_rotation(axis_angle_to_matrix(params['global_orient_w']))
    velocity = velocity_from_trajectory(params['transl_w'], heading) * FPS
    return torch.cat([(xy * conf).flatten(-2), conf.flatten(-2), box], -1), velocity


def speed_fit(predicted: torch.Tensor, true: torch.Tensor) -> tuple:
    """(correlation, slope) of the windows' mean forward speeds, predicted against true: (N, T, 3) each."""
    pred, gt = predicted[:, :-1, 2].mean(1), true[:, :-1, 2].mean(1)
    return float(np.corrcoef(gt, pred)[0, 1]), float((gt * pred).sum() / (gt * gt).sum())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--data', choices=('procedural', 'real', 'mix'), default='mix')
    parser.add_argument('--loss', choices=('l1', 'mse'), default='l1')
    parser.add_argument('--windows', type=int, default=1500)
    parser.add_argument('--iters', type=int, default=2000)
    args = parser.parse_args()
    torch.manual_seed(0)
    cfg = Config.fromfile('configs/_base_/datasets/real_motion.py')
    sources = dict(procedural=[cfg.synthetic_train_secondary], real=[cfg.real_train],
                   mix=[cfg.synthetic_train_secondary, cfg.real_train])[args.data]
    parts = [inputs_and_velocity(materialize([dataset[i] for i in range(args.windows)], 'windows'))
             for dataset in map(DATASETS.build, sources)]
    x, velocity = (torch.cat(field) for field in zip(*parts))
    synthetic_val = dict(type='SyntheticMotionDataset', split='val', num_windows=64, window=120, feat_dim=64,
                         severity=cfg.training_severity, seed=1, secondary_motion=True)
    evaluations = {name: inputs_and_velocity(materialize(DATASETS.build(dataset), name))
                   for name, dataset in (('synthetic val', synthetic_val), ('real clean', cfg.real_clean))}
    evaluations['training windows'] = (x[:64], velocity[:64])
    width = 256
    model = nn.Sequential(nn.Conv1d(x.shape[-1], width, 9, padding=4), nn.GELU(),
                          nn.Conv1d(width, width, 9, padding=4), nn.GELU(),
                          nn.Conv1d(width, width, 9, padding=4), nn.GELU(), nn.Conv1d(width, 3, 1))

    def batch_loss():
        index = torch.randint(0, len(x), (32,))
        error = model(x[index].transpose(1, 2)).transpose(1, 2) - velocity[index]
        return error.square().mean() if args.loss == 'mse' else error.abs().mean()

    def report():
        fits = {name: speed_fit(model(inputs.transpose(1, 2)).transpose(1, 2), true)
                for name, (inputs, true) in evaluations.items()}
        return f'{args.data}, {args.loss}: ' + '; '.join(
            f'{name}: forward speed corr {c:.2f} slope {s:.2f}' for name, (c, s) in fits.items())

    run_probe(model, batch_loss, args.iters, report)


if __name__ == '__main__':
    main()
