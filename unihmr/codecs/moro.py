"""MoRo's representation X = (R, Z) (MoRo paper 3, eq. 2; supp. A.2; specs/moro.md, "Motion representation").

R per frame: the camera-space root orientation (6D) and position, 9 numbers; its canonical form (eq. 2), z-scored
with training statistics (``MoRoCodec``); the training noise; the box token's camera. Z: the pose tokens of the
tokenizer, which the codec is given (``MoRoCodec.decode``: tokens -> mesh -> SMPL-X fit), never imports.

The position is the pelvis joint's (MoRo: SMPL-X ``transl``): the tokens carry the shape, which is only known after
the fit, and the SMPL-X ``transl`` of a pelvis position depends on the shape (``transl = pelvis - rest pelvis``).
"""
import math
from typing import Optional

import torch

from unihmr.body.joint_sets import NUM_BETAS, NUM_BODY_POSE
from unihmr.body.mesh_fit import fit_to_mesh
from unihmr.codecs.base import Codec
from unihmr.geometry.camera import weak_perspective_to_transl
from unihmr.geometry.rotations import (axis_angle_to_matrix, axis_angle_to_rot6d, matrix_to_axis_angle,
                                       matrix_to_rot6d, rot6d_to_matrix)
from unihmr.geometry.trajectory import canonicalize_trajectory
from unihmr.registry import CODECS

TRAJ_DIM = 9
ORIENT, POSITION = slice(0, 6), slice(6, 9)  # 6D root orientation, pelvis position (m)


def trajectory_of(global_orient: torch.Tensor, pelvis: torch.Tensor) -> torch.Tensor:
    """(..., T, 9) from axis-angle root orientations (..., T, 3) and pelvis positions (..., T, 3)."""
    return torch.cat([axis_angle_to_rot6d(global_orient), pelvis], dim=-1)


def canonical_trajectory(trajectory: torch.Tensor, valid: Optional[torch.Tensor] = None) -> torch.Tensor:
    """Eq. 2 of (B, T, 9): frame t's motion to frame t + 1 in frame t's axes (6D + 3). A frame without a real next
    frame (the last; with ``valid`` (B, T), one before padding) repeats the step before it (excluded from losses:
    :func:`canonical_valid`), so padding never reaches a valid frame; one frame gives the identity and no motion."""
    if trajectory.shape[-2] < 2:
        identity = torch.eye(3, dtype=trajectory.dtype, device=trajectory.device).expand(*trajectory.shape[:-1], 3, 3)
        return torch.cat([matrix_to_rot6d(identity), torch.zeros_like(trajectory[..., POSITION])], dim=-1)
    rotation = rot6d_to_matrix(trajectory[..., ORIENT])
    delta_rotation, delta_position = canonicalize_trajectory(rotation, trajectory[..., POSITION])
    canonical = torch.cat([matrix_to_rot6d(delta_rotation), delta_position], dim=-1)
    canonical = torch.cat([canonical, canonical[..., -1:, :]], dim=-2)
    if valid is None:
        return canonical
    real = canonical_valid(valid)  # (B, T)
    index = torch.arange(real.shape[1], device=real.device).expand_as(real)
    source = torch.where(real, index, torch.zeros_like(index)).cummax(dim=1).values  # the last real step so far
    return torch.gather(canonical, 1, source[..., None].expand_as(canonical))


def canonical_valid(valid: torch.Tensor) -> torch.Tensor:
    """(B, T): frames whose canonical step is real (this frame and the next valid; the last frame never)."""
    out = torch.zeros_like(valid, dtype=torch.bool)
    out[:, :-1] = valid[:, :-1].bool() & valid[:, 1:].bool()
    return out


def trajectory_noise(trajectory: torch.Tensor, degrees: float, metres: float,
                     generator: Optional[torch.Generator] = None) -> torch.Tensor:
    """``trajectory`` (..., 9) with each frame's orientation turned by a random axis-angle of N(0, degrees) per axis
    and its position moved by N(0, metres) per axis (motion pretraining, supp. A.2)."""
    if degrees == 0 and metres == 0:
        return trajectory
    rotvec = torch.randn(trajectory.shape[:-1] + (3,), generator=generator, device=trajectory.device) * math.radians(degrees)
    shift = torch.randn(trajectory.shape[:-1] + (3,), generator=generator, device=trajectory.device) * metres
    rotation = axis_angle_to_matrix(rotvec.to(trajectory)) @ rot6d_to_matrix(trajectory[..., ORIENT])
    return torch.cat([matrix_to_rot6d(rotation), trajectory[..., POSITION] + shift.to(trajectory)], dim=-1)


def noise_level(progress: float, schedule=((0.3, 0.0, 0.0), (0.6, 1.0, 0.01), (1.0, 2.0, 0.03))) -> tuple:
    """(degrees, metres) of the trajectory noise at training ``progress`` in [0, 1]: clean for the first 30 %, then
    1 deg / 1 cm until 60 %, then 2 deg / 3 cm (spec)."""
    for until, degrees, metres in schedule:
        if progress < until:
            return degrees, metres
    return schedule[-1][1:]


def box_trajectory(box_out: torch.Tensor, bbox: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    """The coarse camera trajectory R_bar (..., 9) from the box token's output (..., 9): 6D orientation and a
    weak-perspective camera (log s, tx, ty), placed in the full image by the CLIFF transform."""
    cam = torch.cat([box_out[..., 6:7].exp(), box_out[..., 7:9]], dim=-1)
    return torch.cat([box_out[..., ORIENT], weak_perspective_to_transl(cam, bbox, K)], dim=-1)


def rest_pelvis(body_model, betas: torch.Tensor) -> torch.Tensor:
    """Pelvis (..., 3) of the body at zero pose and translation for ``betas`` (..., 10)."""
    zeros = betas.new_zeros(betas.shape[:-1] + (NUM_BODY_POSE, 3))
    return body_model(body_pose=zeros, betas=betas, return_verts=False).joints[..., 0, :]


def estimate_params(trajectory: torch.Tensor, body_pose: torch.Tensor, betas: torch.Tensor, R_w2c: torch.Tensor,
                    body_model) -> dict:
    """Data-contract parameters from a camera trajectory (B, T, 9), the fitted pose (B, T, 21, 3) and betas
    (B, T, 10). The world frame: the camera's rotation ``R_w2c`` (B, T, 3, 3) with a static camera (MoRo's
    assumption), the world translation starting at 0 as GVHMR's decoded one does (the recoverer then grounds it)."""
    orient_c = rot6d_to_matrix(trajectory[..., ORIENT])
    pelvis_c = trajectory[..., POSITION]
    offset = rest_pelvis(body_model, betas.reshape(-1, NUM_BETAS)).view(pelvis_c.shape)
    R_c2w = R_w2c.transpose(-1, -2).to(orient_c)
    pelvis_w = (R_c2w @ pelvis_c[..., None])[..., 0]
    pelvis_w = pelvis_w - pelvis_w[:, :1] + offset[:, :1]  # GVHMR's convention: the world transl starts at 0
    return dict(global_orient_c=matrix_to_axis_angle(orient_c), transl_c=pelvis_c - offset,
                global_orient_w=matrix_to_axis_angle(R_c2w @ orient_c), transl_w=pelvis_w - offset,
                body_pose=body_pose, betas=betas)


@CODECS.register_module()
class MoRoCodec(Codec):
    """The trajectory part of X, normalised: ``traj_cano`` (9, eq. 2) and ``traj_cam`` (9, camera frame), each
    z-scored with training statistics (``tools/train.py`` fits them before training, over valid frames).

    ``decode`` turns token vectors and a camera trajectory into data-contract parameters with the tokenizer and
    body model it is given.
    """

    needs_joints = True  # the pelvis position comes from the posed ground truth (batch['joints_c'])

    def __init__(self, fields=None, min_std: float = 1e-3):
        super().__init__(dict(traj_cano=TRAJ_DIM, traj_cam=TRAJ_DIM), fields=fields, min_std=min_std)

    def encode_fields(self, batch: dict, names=None) -> dict:
        params = batch['smpl_params']
        trajectory = trajectory_of(params['global_orient_c'], batch['joints_c'][..., 0, :])
        return dict(traj_cano=canonical_trajectory(trajectory, batch.get('valid')), traj_cam=trajectory)

    def field_normalize(self, name: str, raw: torch.Tensor) -> torch.Tensor:
        part = self.slices[name]
        return (raw - self.mean[part].to(raw)) / self.std[part].to(raw)

    def field_denormalize(self, name: str, x: torch.Tensor) -> torch.Tensor:
        part = self.slices[name]
        return x * self.std[part].to(x) + self.mean[part].to(x)

    def decode(self, token_vectors: torch.Tensor, batch: dict, trajectory: torch.Tensor = None, tokenizer=None,
               body_model=None, fit: dict = None) -> dict:
        """Token vectors (B, T, P, L) (after the smoother) and the camera ``trajectory`` (B, T, 9, raw) ->
        ``smpl_params`` (data contract) and the fit's ``vertex_error`` (B, T): the tokenizer decodes local meshes,
        ``fit_to_mesh`` fits the pose and one betas per sequence over ``batch['valid']``."""
        batch_size, frames = token_vectors.shape[:2]
        mesh = tokenizer.decode(token_vectors.flatten(0, 1)).unflatten(0, (batch_size, frames))
        fitted = fit_to_mesh(body_model, mesh, tokenizer.vertex_ids, batch['valid'], **(fit or {}))
        params = estimate_params(trajectory, fitted['body_pose'], fitted['betas'], batch['R_w2c'], body_model)
        return dict(smpl_params=params, vertex_error=fitted['vertex_error'], mesh=mesh)
