"""SMPL-X parameters back from a (decimated) local mesh: MoRo's tokenizer decodes vertices, and every metric and
export needs parameters (MoRo fits them with smplfitter, one betas per sequence; specs/moro.md, "Pose tokenizer").

smplfitter supports SMPL / SMPL-X topologies, not our embedded body, so the fit is ours, in two steps, batched over
all frames:
1. a closed-form start: each body joint's world rotation is the weighted Kabsch alignment
   (``roma.rigid_points_registration``) of the neutral rest mesh onto the target, weighted by that joint's skin
   weights; local rotations follow down the tree. It stands in for MoRo's warm start from the previous frame,
   which would make the fit sequential over frames;
2. Adam on the mean vertex distance over the pose (6D) and one betas per sequence.
"""
from typing import Optional

import numpy as np
import roma
import torch

from unihmr.body.joint_sets import BODY_PARENTS, NUM_BETAS, NUM_BODY_JOINTS
from unihmr.geometry.rotations import axis_angle_to_rot6d, rot6d_to_axis_angle


def local_mesh(body_model, body_pose: torch.Tensor, betas: torch.Tensor, vertex_ids: torch.Tensor) -> torch.Tensor:
    """Vertices ``vertex_ids`` (..., K, 3) of the body posed by ``body_pose`` (..., 21, 3) and ``betas`` (..., 10)
    (broadcast), global orientation and translation zero, pelvis at the origin."""
    out = body_model(body_pose=body_pose, betas=betas, vertex_ids=vertex_ids)
    return out.vertices - out.joints[..., :1, :]


def part_alignment_pose(body_model, target: torch.Tensor, vertex_ids: torch.Tensor) -> torch.Tensor:
    """Closed-form body pose (..., 21, 3) whose parts best match ``target`` (..., K, 3), a local mesh on
    ``vertex_ids``: per joint a skin-weighted Kabsch fit of the neutral rest mesh, then local rotations."""
    weights = body_model.skin_weights(vertex_ids).to(target)  # (K, 22)
    for joint in range(1, NUM_BODY_JOINTS):  # a joint owning under one vertex (spine2, the collars on our body)
        if weights[:, joint].sum() < 1:       # moves with its parent: its local rotation starts near identity
            weights[:, joint] = weights[:, BODY_PARENTS[joint]]
    rest = local_mesh(body_model, torch.zeros(NUM_BODY_JOINTS - 1, 3), torch.zeros(NUM_BETAS), vertex_ids).to(target)
    lead = target.shape[:-2]
    rotations, _ = roma.rigid_points_registration(rest.expand(*lead, NUM_BODY_JOINTS, *rest.shape),
                                                  target[..., None, :, :].expand(*lead, NUM_BODY_JOINTS, *rest.shape),
                                                  weights=weights.T.expand(*lead, *weights.T.shape))
    parents = torch.tensor(BODY_PARENTS[1:], device=target.device)
    local = rotations[..., parents, :, :].transpose(-1, -2) @ rotations[..., 1:, :, :]
    return roma.rotmat_to_rotvec(local)


def fit_to_mesh(body_model, target: torch.Tensor, vertex_ids: torch.Tensor, valid: Optional[torch.Tensor] = None,
                iters: int = 20, lr: float = 0.02, betas_lr: float = 0.1, betas_weight: float = 1e-3) -> dict:
    """Fit body pose and one betas per sequence to local meshes ``target`` (B, T, K, 3) on ``vertex_ids``.

    Returns ``body_pose`` (B, T, 21, 3), ``betas`` (B, T, 10) (one row per sequence, repeated), ``vertex_error``
    (B, T) mean vertex distance in metres. ``valid`` (B, T) excludes padding frames from the betas fit;
    ``iters=0`` returns the closed-form start with neutral betas.
    """
    batch, frames = target.shape[:2]
    target = target.detach()
    valid = torch.ones(batch, frames, dtype=torch.bool, device=target.device) if valid is None else valid.bool()
    with torch.no_grad():
        start = part_alignment_pose(body_model, target, vertex_ids)
    pose6d = axis_angle_to_rot6d(start).requires_grad_(True)
    betas = target.new_zeros(batch, 1, NUM_BETAS, requires_grad=True)
    weight = valid.to(target) / valid.sum().clamp(min=1)
    if iters:
        optimizer = torch.optim.Adam([dict(params=[pose6d], lr=lr), dict(params=[betas], lr=betas_lr)])
        with torch.enable_grad():
            for _ in range(iters):
                pose = rot6d_to_axis_angle(pose6d)
                distance = (local_mesh(body_model, pose, betas, vertex_ids) - target).norm(dim=-1).mean(-1)
                loss = (distance * weight).sum() + betas_weight * betas.square().mean()
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
    with torch.no_grad():
        pose = rot6d_to_axis_angle(pose6d)
        error = (local_mesh(body_model, pose, betas, vertex_ids) - target).norm(dim=-1).mean(-1)
    return dict(body_pose=pose.detach(), betas=betas.detach().expand(batch, frames, NUM_BETAS).clone(),
                vertex_error=error)


def fit_joint_regressor(body_model, vertex_ids: torch.Tensor, num_poses: int = 600, seed: int = 0) -> torch.Tensor:
    """A convex map (22, K) from a local mesh on ``vertex_ids`` to its pelvis-relative joints: per joint, non-negative
    vertex weights summing to one (as SMPL-X's own joint regressor; ``scipy.optimize.nnls`` over ``num_poses`` random
    poses and shapes). Convex weights keep it translation-equivariant and bounded on meshes far from any body (an
    untrained decoder's), where unconstrained least squares amplified them a thousandfold. MoRo's joint losses
    (global joints, velocities, reprojection, skating) read the decoded mesh through it; ``fit_to_mesh`` gives
    the parameters."""
    from scipy.optimize import nnls
    generator = torch.Generator().manual_seed(seed)
    pose = torch.randn(num_poses, NUM_BODY_JOINTS - 1, 3, generator=generator) * 0.35
    shapes = torch.randn(num_poses // 40 + 1, NUM_BETAS, generator=generator)  # 40 poses per shape: the rest
    betas = shapes.repeat_interleave(40, dim=0)[:num_poses]                    # surface is built once per shape
    with torch.no_grad():
        out = body_model(body_pose=pose, betas=betas, vertex_ids=vertex_ids)
        mesh = (out.vertices - out.joints[:, :1]).double()  # (N, K, 3)
        joints = (out.joints - out.joints[:, :1]).double()  # (N, 22, 3)
    design = mesh.permute(0, 2, 1).reshape(-1, mesh.shape[1]).numpy()  # (N 3, K): one row per pose and axis
    target = joints.permute(0, 2, 1).reshape(-1, joints.shape[1]).numpy()  # (N 3, 22)
    sum_row = 100.0  # a heavily weighted row asks the weights to sum to one
    design = np.vstack([design, np.full((1, design.shape[1]), sum_row)])
    weights = [nnls(design, np.append(target[:, joint], sum_row), maxiter=10 * design.shape[1])[0]
               for joint in range(target.shape[1])]
    return torch.tensor(np.stack(weights), dtype=torch.float32)
