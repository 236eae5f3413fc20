"""Exploratory probe (docs/results.md, issue 15): how far a plain lifting network gets on the keypoint-only task.

A 1D temporal convolution (width 256, kernel ``--kernel``) maps each frame's box-normalised keypoints and
confidences (17 x 3) to the 22 camera-space body joints relative to the pelvis, trained with the mean joint distance
on windows materialised once from the real-motion training subjects (``--synthetic`` adds as many procedural
windows, as the mix), and reports PA-MPJPE on the held-out real clean windows every 500 iterations. ``--fk``
predicts 22 rotations (6D) posed by the embedded body with the ground-truth betas instead of the joints.
``--trunk transformer`` replaces the convolutions by the regression model's RoPE transformer (width 128, 4 layers);
``--encoder`` reads the regression model's condition tokens (``ConditionEncoder``: keypoint rays, box-normalised
keypoints, box, camera motion; width 128) instead of the raw keypoints: the two halves of the regression model's
trunk, each against the plain convolution.
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
from unihmr.models.backbones.rope_transformer import RoPETransformer
from unihmr.models.encoders.condition_encoder import ConditionEncoder
from unihmr.registry import DATASETS

from probe_loop import run_probe  # scripts/probe_loop.py

NUM_INPUTS, NUM_JOINTS = 17 * 3, 22


ENCODER_KEYS = ('kp2d', 'K', 'bbox', 'R_w2c', 'valid')
KEYPOINT_MODALITIES = ('kp_rays', 'kp_box', 'bbox', 'cam_angvel')


def inputs_and_joints(stacked: dict, body: nn.Module) -> tuple:
    """Stacked windows -> per-frame inputs (N, T, 51), pelvis-relative camera joints (N, T, 22, 3), betas (N, T, 10)
    and the condition encoder's inputs (dict of (N, T, ...))."""
    params = stacked['smpl_params']
    with torch.no_grad():
        joints = body(global_orient=params['global_orient_c'], body_pose=params['body_pose'], betas=params['betas'],
                      transl=params['transl_c'], return_verts=False).joints
    keypoints = stacked['kp2d']
    conf = keypoints[..., 2:]
    xy = box_normalized_points(keypoints[..., :2], stacked['bbox'])
    observed = {key: stacked[key] for key in ENCODER_KEYS}
    return (torch.cat([(xy * conf).flatten(-2), conf.flatten(-2)], -1), joints - joints[..., :1, :], params['betas'],
            observed)


class Lifter(nn.Module):
    """(N, T, 51) -> (N, T, 22, 3) joints, or 22 6D rotations posed by ``body`` (``fk``); with ``encoder`` the
    inputs are the condition encoder's tokens of ``observed`` instead."""

    def __init__(self, body: nn.Module, fk: bool, width: int = 256, kernel: int = 9, trunk: str = 'conv',
                 encoder: bool = False, freqs: tuple = (8, 4)):
        super().__init__()
        self.body, self.fk = body, fk
        out = NUM_JOINTS * 6 if fk else NUM_JOINTS * 3
        self.encoder = ConditionEncoder(width=128, modalities=KEYPOINT_MODALITIES, num_freqs=freqs[0],
                                        box_freqs=freqs[1]) if encoder else None
        inputs = 128 if encoder else NUM_INPUTS
        if trunk == 'conv':
            self.net = nn.Sequential(nn.Conv1d(inputs, width, kernel, padding=kernel // 2), nn.GELU(),
                                     nn.Conv1d(width, width, kernel, padding=kernel // 2), nn.GELU(),
                                     nn.Conv1d(width, width, 1), nn.GELU(), nn.Conv1d(width, out, 1))
        else:  # the regression model's backbone between an input projection and an output MLP
            self.proj, self.transformer = nn.Linear(inputs, 128), RoPETransformer(width=128, depth=4, heads=4, window=120)
            self.readout = nn.Sequential(nn.Linear(128, 128), nn.GELU(), nn.Linear(128, out))
        self.trunk = trunk

    def forward(self, x: torch.Tensor, betas: torch.Tensor, observed: dict = None) -> torch.Tensor:
        if self.encoder is not None:
            x = self.encoder(observed)
        if self.trunk == 'conv':
            y = self.net(x.transpose(1, 2)).transpose(1, 2)
        else:
            y = self.readout(self.transformer(self.proj(x), observed['valid'].bool()))
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
    parser.add_argument('--trunk', choices=('conv', 'transformer'), default='conv')
    parser.add_argument('--encoder', action='store_true')
    parser.add_argument('--encoder-freqs', type=int, nargs=2, default=(8, 4), metavar=('RAYS', 'BOX'),
                        help="the encoder's sin/cos frequencies per ray and per box-normalised coordinate")
    args = parser.parse_args()
    torch.manual_seed(0)
    cfg = Config.fromfile('configs/_base_/datasets/real_motion.py')
    body = EmbeddedSMPLX()
    sources = [cfg.real_train] + ([cfg.synthetic_train_secondary] if args.synthetic else [])
    parts = [inputs_and_joints(materialize([dataset[i] for i in range(args.windows)], 'windows'), body)
             for dataset in map(DATASETS.build, sources)]
    x, joints, betas = (torch.cat(field) for field in list(zip(*parts))[:3])
    observed = {key: torch.cat([part[3][key] for part in parts]) for key in ENCODER_KEYS}
    x_val, joints_val, betas_val, observed_val = inputs_and_joints(
        materialize(DATASETS.build(cfg.real_clean), 'held out'), body)
    model = Lifter(body, args.fk, kernel=args.kernel, trunk=args.trunk, encoder=args.encoder,
                   freqs=args.encoder_freqs)

    def batch_loss():
        index = torch.randint(0, len(x), (32,))
        picked = {key: value[index] for key, value in observed.items()}
        return (model(x[index], betas[index], picked) - joints[index]).norm(dim=-1).mean()

    def report():
        error = pa_mpjpe(model(x_val, betas_val, observed_val).flatten(0, 1), joints_val.flatten(0, 1)).mean()
        return f'held-out real clean PA-MPJPE {error:.2f} mm'

    run_probe(model, batch_loss, args.iters, report)


if __name__ == '__main__':
    main()
