"""The embedded body model: SMPL-X skeleton and a skinned wooden surface from mannequin-x, in torch.

Works out of the box (no SMPL-X licence): ``mannequin-x`` (PyPI, Apache-2.0) ships a calibration whose
rest joints are the SMPL-X body joints, exactly linear in 10 betas, and a 24,256-vertex skinned mesh.
Outputs match ``mannequin.Mannequin('wooden', shape=betas)`` with ``pelvis_rotation = global_orient``,
``global_translation = transl`` and ``global_rotation = 0``, i.e. ``global_orient`` rotates about the
pelvis as in SMPL-X. Joint order: mannequin's 54 joints, the first 22 being the SMPL-X body joints.
"""
import math

import roma
import torch
from torch import nn

from unihmr.body.base import (BodyOutput, KinematicTree, body_part_weights, prepare_inputs, skin_per_frame,
                              skin_shared_surface, skinning_transforms, unique_rows)
from unihmr.body.embedded_shape import ShapeSpace, load_assets
from unihmr.body.joint_sets import NUM_BETAS, NUM_BODY_JOINTS
from unihmr.body.landmarks import coco17_from_parts, mannequin_face_vertices
from unihmr.registry import BODY_MODELS

HEAD_PART = 'head'
HAND_JOINTS = 2  # L_Hand, R_Hand follow the wrists (identity rotation), between the body and the fingers
FINGER_JOINTS_PER_HAND = 15


@BODY_MODELS.register_module()
class EmbeddedSMPLX(nn.Module):
    """SMPL-X-compatible body model on mannequin-x's wooden mannequin (54 joints, 24,256 vertices).

    ``forward`` takes smplx's argument names in axis-angle with any leading dims ``...``:
    global_orient (..., 3), body_pose (..., 21, 3) or (..., 63), betas (..., 10), transl (..., 3),
    left/right_hand_pose (..., 15, 3) or (..., 45), full axis-angle added to the relaxed hand mean
    (smplx ``flat_hand_mean=False``). Missing inputs are zeros. Leading dims broadcast (numpy rules), so
    per-sequence betas for (B, T) poses are passed as (B, 1, 10).

    Args:
        dtype: dtype of the buffers and outputs (inputs are cast to it); ``.to()`` moves the model.
        shared_surface_min_frames: skin each distinct betas row's surface with one matmul when the batch
            has at least this many frames per distinct row on average; otherwise blend per frame.
    """

    def __init__(self, dtype: torch.dtype = torch.float32, shared_surface_min_frames: int = 8):
        super().__init__()
        assets = load_assets()
        self.shape_space = ShapeSpace(assets)
        parents = list(assets['parents'])
        self.joint_names = tuple(assets['joint_names'])
        self.parents = tuple(parents)
        self.num_joints = len(parents)
        self.num_vertices = assets['vertices'].shape[0]
        self.shared_surface_min_frames = shared_surface_min_frames
        self.body_tree = KinematicTree(parents[:NUM_BODY_JOINTS])
        self.full_tree = KinematicTree(parents)
        assert max(parents[:NUM_BODY_JOINTS]) < NUM_BODY_JOINTS, 'body joints must be closed under parents'
        self.register_buffer('faces', torch.as_tensor(assets['faces'], dtype=torch.long), persistent=False)

        # COCO face points: vertices of the head proper (the head part less the neck), chosen on the neutral
        # body; in joints-only mode they are shaped (`head_points`) and skinned alone.
        names = assets['skin_part_names']
        start = int(assets['skin_part_vertex_starts'][names.index(HEAD_PART)])
        count = int(assets['skin_part_vertex_counts'][names.index(HEAD_PART)])
        with torch.no_grad():
            neutral, _ = self.shape_space.surface(torch.zeros(1, NUM_BETAS))
        head_ids = self.shape_space.head_region
        head_ids = head_ids[(head_ids >= start) & (head_ids < start + count)]
        face_ids = mannequin_face_vertices(neutral[0, head_ids].numpy(), head_ids.numpy())
        self.shape_space.check_head_only(face_ids)
        self.register_buffer('face_vertex_ids', torch.tensor(face_ids), persistent=False)
        face_weights = self.shape_space.skin_matrix[self.face_vertex_ids]
        assert not face_weights[:, NUM_BODY_JOINTS:].any(), 'face vertices must follow body joints only'
        self.register_buffer('face_weights', face_weights[:, :NUM_BODY_JOINTS].clone(), persistent=False)
        self.to(dtype)

    @property
    def dtype(self) -> torch.dtype:
        return self.shape_space.joint_rest.dtype

    def forward(self, global_orient=None, body_pose=None, betas=None, transl=None, left_hand_pose=None,
                right_hand_pose=None, return_verts: bool = True, return_full_joints: bool = False,
                vertex_ids: torch.Tensor = None) -> BodyOutput:
        """Pose the body. Returns joints (..., 22, 3), vertices (..., 24256, 3) or None, coco17 (..., 17, 3),
        full_joints (..., 54, 3) when ``return_verts`` or ``return_full_joints``, else None. With ``vertex_ids``
        (K,) only those vertices are skinned: vertices (..., K, 3) (a decimated mesh, MoRo's tokenizer)."""
        batch_shape, x = prepare_inputs(
            self.dtype, self.faces.device, global_orient=global_orient, body_pose=body_pose, betas=betas,
            transl=transl, left_hand_pose=left_hand_pose, right_hand_pose=right_hand_pose)
        frames = math.prod(batch_shape)
        flat = {name: value.reshape(frames, *value.shape[len(batch_shape):]) for name, value in x.items()}
        full = return_verts or return_full_joints
        rest = self.shape_space.rest_joints(flat['betas'])  # (N, 54, 3), linear in betas
        if not full:
            rest = rest[:, :NUM_BODY_JOINTS]
        rotations = roma.rotvec_to_rotmat(self._local_rotvecs(flat, full))
        tree = self.full_tree if full else self.body_tree
        world_rotations, positions = tree(rotations, rest, rest[:, 0] + flat['transl'])
        transforms = skinning_transforms(world_rotations, positions, rest)  # (N, J, 3, 4)

        vertices = None
        rows, inverse = unique_rows(x['betas'])  # the rest surface is built once per distinct betas row
        if return_verts:
            surfaces, _ = self.shape_space.surface(rows)
            face = self._skin(surfaces[:, self.face_vertex_ids], inverse, transforms, self.face_vertex_ids)
            vertices = (self._skin(surfaces, inverse, transforms) if vertex_ids is None else
                        self._skin(surfaces[:, vertex_ids], inverse, transforms, vertex_ids))
        else:
            rest_face = self._rest_face(rows)[inverse]  # (N, 5, 3)
            blended = torch.einsum('fj,njab->nfab', self.face_weights, transforms[:, :NUM_BODY_JOINTS])
            face = (blended[..., :3] @ rest_face[..., None])[..., 0] + blended[..., 3]

        joints = positions[:, :NUM_BODY_JOINTS]

        def unflat(value):
            return None if value is None else value.reshape(*batch_shape, *value.shape[1:])

        return BodyOutput(joints=unflat(joints), vertices=unflat(vertices),
                          coco17=unflat(coco17_from_parts(joints, face)),
                          full_joints=unflat(positions) if full else None)

    def skin_weights(self, vertex_ids: torch.Tensor) -> torch.Tensor:
        """Skin weights (K, 22) of ``vertex_ids`` (K,) on the body joints (hand joints folded onto the wrists)."""
        return body_part_weights(self.shape_space.skin_matrix[vertex_ids], self.parents, NUM_BODY_JOINTS).to(self.dtype)

    def _rest_face(self, rows: torch.Tensor) -> torch.Tensor:
        """Rest face points (U, 5, 3) of the distinct betas ``rows`` (U, 10). The last result is reused when the
        same rows come again without gradients: a guidance loop (ScoreHMR's refiner) poses the same shapes
        hundreds of times, and this head fit was ~60% of its cost. Not a library feature (the embedded body is ours)."""
        cached = getattr(self, '_face_cache', None)
        if (not rows.requires_grad and cached is not None and cached[0].shape == rows.shape
                and cached[0].device == rows.device and torch.equal(cached[0], rows)):
            return cached[1]
        rest_face = self.shape_space.head_points(rows, self.face_vertex_ids)
        if not rows.requires_grad and not rest_face.requires_grad:
            self._face_cache = (rows.detach().clone(), rest_face.detach())
        return rest_face

    def _local_rotvecs(self, flat: dict, full: bool) -> torch.Tensor:
        """Axis-angle of every joint's local rotation, (N, 22, 3) or (N, 54, 3) in mannequin joint order."""
        parts = [flat['global_orient'][:, None], flat['body_pose']]
        if full:
            hand_mean = self.shape_space.hand_mean
            parts += [flat['body_pose'].new_zeros(flat['body_pose'].shape[0], HAND_JOINTS, 3),
                      flat['left_hand_pose'] + hand_mean[:FINGER_JOINTS_PER_HAND],
                      flat['right_hand_pose'] + hand_mean[FINGER_JOINTS_PER_HAND:]]
        return torch.cat(parts, dim=1)

    def _skin(self, surfaces: torch.Tensor, inverse: torch.Tensor, transforms: torch.Tensor,
              vertex_ids: torch.Tensor = None) -> torch.Tensor:
        """Vertices (N, V, 3) from rest surfaces (U, V, 3), ``inverse`` (N,) frame -> surface, transforms
        (N, J, 3, 4); ``vertex_ids`` (V,) when the surfaces are a subset of the mesh."""
        weights = self.shape_space.skin_matrix
        if vertex_ids is not None:
            weights = weights[vertex_ids]
        distinct, frames = surfaces.shape[0], transforms.shape[0]
        if distinct == 1:
            return skin_shared_surface(weights, surfaces[0], transforms)
        if frames < distinct * self.shared_surface_min_frames:
            return skin_per_frame(weights, surfaces[inverse], transforms)
        order = torch.argsort(inverse, stable=True)
        counts = torch.bincount(inverse, minlength=distinct).tolist()
        groups = order.split(counts)
        parts = [skin_shared_surface(weights, surfaces[row], transforms[group]) for row, group in enumerate(groups)]
        return torch.cat(parts, dim=0)[torch.argsort(order)]
