"""Shared pieces of the body models: output type, input checks and broadcasting, kinematics, skinning.

Every body model takes SMPL-X-named axis-angle inputs with any leading dims (``...``) and returns a
``BodyOutput``. Inside, the leading dims are flattened to one frame axis ``N``.
"""
import math
from dataclasses import dataclass
from typing import Optional

import torch
from torch import nn

from unihmr.body.joint_sets import NUM_BETAS, NUM_BODY_POSE
from unihmr.utils.validation import check_tensor

NUM_HAND_POSE = 15
# name -> trailing shape; pose inputs also accept the flat form (..., joints * 3) like smplx.
INPUT_SPECS = {
    'global_orient': (3,),
    'body_pose': (NUM_BODY_POSE, 3),
    'betas': (NUM_BETAS,),
    'transl': (3,),
    'left_hand_pose': (NUM_HAND_POSE, 3),
    'right_hand_pose': (NUM_HAND_POSE, 3),
}


@dataclass
class BodyOutput:
    """Posed body. ``joints`` (..., 22, 3) SMPL-X body joints; ``vertices`` (..., V, 3) or None;
    ``coco17`` (..., 17, 3) COCO keypoints (face points from mesh vertices); ``full_joints`` (..., J, 3)
    every joint of the backend's skeleton, or None when not computed."""

    joints: torch.Tensor
    vertices: Optional[torch.Tensor]
    coco17: torch.Tensor
    full_joints: Optional[torch.Tensor] = None


def _check_input(name: str, value: torch.Tensor, spec: tuple) -> torch.Tensor:
    if len(spec) == 2 and isinstance(value, torch.Tensor) and value.dim() >= 1 and value.shape[-1] == math.prod(spec):
        return check_tensor(name, value, (..., math.prod(spec))).unflatten(-1, spec)
    try:
        return check_tensor(name, value, (..., *spec))
    except ValueError as error:
        if len(spec) == 2:  # name the flat alternative too
            raise ValueError(f'{error} (or the flat form (..., {math.prod(spec)}))') from None
        raise


def prepare_inputs(dtype: torch.dtype, device: torch.device, **inputs) -> tuple:
    """Check, cast and broadcast body-model inputs.

    ``inputs`` maps names of ``INPUT_SPECS`` to tensors or None (zeros). Returns ``(batch_shape, tensors)``
    with every tensor expanded (not copied) to ``batch_shape + INPUT_SPECS[name]`` on ``device`` in ``dtype``.
    Raises ``ValueError`` naming the argument on a wrong shape or dtype, or when leading dims differ.
    """
    given = {name: _check_input(name, value, INPUT_SPECS[name]) for name, value in inputs.items() if value is not None}
    leading = {name: tuple(value.shape[:value.dim() - len(INPUT_SPECS[name])]) for name, value in given.items()}
    try:
        batch_shape = tuple(torch.broadcast_shapes(*leading.values())) if leading else ()
    except RuntimeError:
        described = ', '.join(f'{name} {shape}' for name, shape in leading.items())
        raise ValueError(f'inputs have leading dims that do not broadcast: {described}') from None
    tensors = {}
    for name, spec in INPUT_SPECS.items():
        if name not in inputs:
            continue
        value = given.get(name)
        if value is None:
            value = torch.zeros(spec, dtype=dtype, device=device)
        tensors[name] = value.to(device=device, dtype=dtype).expand(*batch_shape, *spec)
    return batch_shape, tensors


def unique_rows(betas: torch.Tensor) -> tuple:
    """Distinct betas rows of ``betas`` (..., 10): ``(rows (U, 10), inverse (N,))`` over the flat batch.

    Rows that are the same memory (broadcast dims, stride 0) are merged first. Without gradients, rows
    equal in value are then merged too (``torch.unique``); when ``betas`` needs a gradient they are not,
    so every row keeps its own gradient.
    """
    shared = betas
    for dim in range(betas.dim() - 1):
        if shared.stride(dim) == 0:
            shared = shared.narrow(dim, 0, 1)
    rows = shared.reshape(-1, betas.shape[-1])
    inverse = torch.arange(rows.shape[0], device=betas.device).reshape(shared.shape[:-1])
    inverse = inverse.expand(betas.shape[:-1]).reshape(-1)
    if rows.shape[0] > 1 and not (torch.is_grad_enabled() and betas.requires_grad):
        rows, merged = torch.unique(rows, dim=0, return_inverse=True)
        inverse = merged[inverse]
    return rows, inverse


class KinematicTree(nn.Module):
    """Forward kinematics over a joint tree, one batched step per tree depth (never a loop over frames)."""

    def __init__(self, parents):
        super().__init__()
        depth = []
        for parent in parents:
            depth.append(0 if parent < 0 else depth[parent] + 1)
        self.num_levels = max(depth) + 1
        levels = [[j for j, d in enumerate(depth) if d == level] for level in range(self.num_levels)]
        order = [j for level in levels for j in level]
        for level in range(1, self.num_levels):
            previous = levels[level - 1]
            self.register_buffer(f'joints_{level}', torch.tensor(levels[level]), persistent=False)
            self.register_buffer(f'parents_{level}', torch.tensor([previous.index(parents[j]) for j in levels[level]]),
                                 persistent=False)
        self.register_buffer('parent_index', torch.tensor([max(p, 0) for p in parents]), persistent=False)
        self.register_buffer('order', torch.tensor(order).argsort(), persistent=False)
        assert levels[0] == [0], 'the root must be joint 0'

    def forward(self, rotations: torch.Tensor, rest_joints: torch.Tensor, root_position: torch.Tensor) -> tuple:
        """World rotations (N, J, 3, 3) and positions (N, J, 3).

        rotations (N, J, 3, 3) local; rest_joints (N, J, 3) rest positions; root_position (N, 3) posed root.
        """
        bones = rest_joints - rest_joints[:, self.parent_index]
        world_rotations = [rotations[:, :1]]
        world_positions = [root_position[:, None]]
        for level in range(1, self.num_levels):
            joints, parents = getattr(self, f'joints_{level}'), getattr(self, f'parents_{level}')
            parent_rotation = world_rotations[-1][:, parents]
            moved = (parent_rotation @ bones[:, joints, :, None])[..., 0]
            world_positions.append(world_positions[-1][:, parents] + moved)
            world_rotations.append(parent_rotation @ rotations[:, joints])
        return torch.cat(world_rotations, 1)[:, self.order], torch.cat(world_positions, 1)[:, self.order]


def skinning_transforms(rotations: torch.Tensor, positions: torch.Tensor, bind_joints: torch.Tensor) -> torch.Tensor:
    """Per-joint skinning transforms (N, J, 3, 4) = [R | p - R b] from world poses and bind positions."""
    offset = positions - (rotations @ bind_joints[..., None])[..., 0]
    return torch.cat([rotations, offset[..., None]], dim=-1)


def skin_shared_surface(weights: torch.Tensor, rest_vertices: torch.Tensor, transforms: torch.Tensor,
                        chunk: int = 64) -> torch.Tensor:
    """Linear blend skinning of one rest surface in many poses, as dense matmuls.

    weights (V, J) dense skin weights; rest_vertices (V, 3); transforms (N, J, 3, 4). Returns (N, V, 3).
    Folds weights and homogeneous rest vertices into one (V, J*4) matrix P: vertices = P @ T with
    T (J*4, n*3), ``chunk`` frames at a time so the (V, n, 3) -> (n, V, 3) transpose stays in cache.
    """
    homogeneous = torch.cat([rest_vertices, torch.ones_like(rest_vertices[:, :1])], dim=-1)
    folded = (weights[:, :, None] * homogeneous[:, None, :]).flatten(1)  # (V, J*4)
    stacked = transforms.permute(1, 3, 0, 2).flatten(0, 1)  # (J*4, N, 3)
    parts = [(folded @ stacked[:, start:start + chunk].flatten(1)).unflatten(1, (-1, 3)).transpose(0, 1)
             for start in range(0, transforms.shape[0], chunk)]
    return torch.cat(parts, dim=0)


def skin_per_frame(weights: torch.Tensor, rest_vertices: torch.Tensor, transforms: torch.Tensor,
                   chunk: int = 64) -> torch.Tensor:
    """Linear blend skinning with one rest surface per frame, as ``smplx.lbs`` blends transforms.

    weights (V, J); rest_vertices (N, V, 3); transforms (N, J, 3, 4). Returns (N, V, 3); frames in chunks.
    """
    out = []
    for start in range(0, transforms.shape[0], chunk):
        part = transforms[start:start + chunk]
        blended = (weights @ part.flatten(2).transpose(0, 1).flatten(1)).unflatten(1, (part.shape[0], 3, 4))
        blended = blended.transpose(0, 1)  # (n, V, 3, 4)
        vertices = rest_vertices[start:start + chunk]
        out.append((blended[..., :3] @ vertices[..., None])[..., 0] + blended[..., 3])
    return torch.cat(out, dim=0)


def body_part_weights(weights: torch.Tensor, parents, num_body: int = 22) -> torch.Tensor:
    """Skin weights (V, J) folded onto the first ``num_body`` joints: each further joint (fingers, jaw, eyes)
    adds its weight to its nearest ancestor among them. Returns (V, num_body)."""
    folded = weights[:, :num_body].clone()
    for joint in range(num_body, weights.shape[1]):
        ancestor = int(parents[joint])
        while ancestor >= num_body:
            ancestor = int(parents[ancestor])
        folded[:, ancestor] += weights[:, joint]
    return folded
