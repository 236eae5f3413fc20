"""RoHM's motion representation (RoHM section 3, eqs. 4-5; ``shared/specs/rohm.md``, "Motion representation").

Per frame, 294 numbers in a per-clip canonical frame (y up, metres), trajectory R (22) then local motion P (272)::

    root_rot_angle        1  R abs  heading of the root (``geometry.heading_angle``), unwrapped over the clip
    root_rot_angle_vel    1  R vel  its change to the next frame
    root_l_pos            2  R abs  pelvis (x, z) on the ground plane
    root_l_vel            2  R vel  pelvis ground displacement to the next frame, in frame t's heading axes
    root_height           1  R abs  pelvis height
    global_orient         6  R abs  SMPL-X global orientation, 6D
    global_orient_vel     3  R vel  axis-angle of Phi[t+1] Phi[t]^T
    transl                3  R abs  SMPL-X translation
    transl_vel            3  R vel  its change to the next frame
    local_joints         66  P      the 22 body joints minus the pelvis's ground point, in frame t's heading axes
                                    (the pelvis included and heights kept, as the release: spec "Paper vs code")
    local_joint_vel      66  P      joint displacement to the next frame, in frame t's heading axes
    body_pose           126  P      21 body rotations, 6D
    betas                10  P
    contact               4  P      foot contact labels (ankles, feet), never normalised

The last frame's velocities repeat the frame before (the release's 145 raw frames give 144 velocities; our
windows keep T frames in and out). TrajNet diffuses the 13 absolute numbers ``ABS_TRAJ_FIELDS`` ("no velocities, to
avoid global drift", section 4.1); :meth:`RoHMCodec.expand_trajectory` recomputes the 22 from them.

Canonical frame (spec): the floor is the lowest joint of the clip over its valid frames; frame 0's pelvis is moved
to the origin on that floor; the clip is turned about the vertical so that frame 0 faces +z, the facing taken
from the hips and shoulders. ``canonical_frame`` returns it as ``rotation`` (B, 3, 3) and ``offset`` (B, 3):
``x_cano = rotation x_world + offset``. Decoding undoes it, so an estimate comes back in the world it came from.

Normalisation (spec): z-score with one std per field group, the mean of the group's per-coordinate stds (groups:
``FIELD_GROUPS``); contact is never normalised.

Decoding reads only the absolute fields (``global_orient``, ``transl``, ``body_pose``, ``betas``; ``contact``), so
SMPL-X -> representation -> SMPL-X is exact up to float rounding (tests/test_codec_rohm.py). It needs the body
model (the rest pelvis of the decoded shape: SMPL-X rotates about it) and, for the camera-frame parameters,
``R_w2c`` from the batch and the per-frame world-to-camera translation of the frame dict (``t_w2c`` (B, T, 3)).
"""
from collections import OrderedDict

import torch

from unihmr.body.joint_sets import BODY_JOINT_NAMES, NUM_BETAS, NUM_BODY_JOINTS, NUM_BODY_POSE
from unihmr.body.posing import sequence_betas
from unihmr.codecs.base import Codec
from unihmr.data.contract import NUM_CONTACTS
from unihmr.geometry import (axis_angle_to_matrix, heading_angle, matrix_to_axis_angle, matrix_to_rot6d,
                             rot6d_to_matrix, rotation_about_axis)
from unihmr.geometry.gravity_view import root_w_to_c
from unihmr.registry import CODECS
from unihmr.utils.validation import check_tensor

TRAJ_FIELDS = OrderedDict(root_rot_angle=1, root_rot_angle_vel=1, root_l_pos=2, root_l_vel=2, root_height=1,
                          global_orient=6, global_orient_vel=3, transl=3, transl_vel=3)
LOCAL_FIELDS = OrderedDict(local_joints=3 * NUM_BODY_JOINTS, local_joint_vel=3 * NUM_BODY_JOINTS,
                           body_pose=6 * NUM_BODY_POSE, betas=NUM_BETAS, contact=NUM_CONTACTS)
ABS_TRAJ_FIELDS = ('root_rot_angle', 'root_l_pos', 'root_height', 'global_orient', 'transl')
# Normalisation groups (one std each): the velocity of a quantity is its own group.
FIELD_GROUPS = {name: (name,) for name in (*TRAJ_FIELDS, *LOCAL_FIELDS)}
GROUND_AXES = (0, 2)  # x, z: the ground plane of the y-up world
HIPS = (BODY_JOINT_NAMES.index('left_hip'), BODY_JOINT_NAMES.index('right_hip'))
SHOULDERS = (BODY_JOINT_NAMES.index('left_shoulder'), BODY_JOINT_NAMES.index('right_shoulder'))


def next_frame_difference(x: torch.Tensor) -> torch.Tensor:
    """``x[t+1] - x[t]`` along dim 1 of (B, T, ...), the last frame repeating the one before (T >= 2)."""
    step = x[:, 1:] - x[:, :-1]
    return torch.cat([step, step[:, -1:]], dim=1)


def unwrap(angle: torch.Tensor) -> torch.Tensor:
    """Angles (B, T) made continuous along time (steps wrapped into [-pi, pi), then summed)."""
    step = torch.remainder(angle[:, 1:] - angle[:, :-1] + torch.pi, 2 * torch.pi) - torch.pi
    return torch.cat([angle[:, :1], angle[:, :1] + torch.cumsum(step, dim=1)], dim=1)


def facing_yaw(joints: torch.Tensor) -> torch.Tensor:
    """Yaw (...) of the facing direction of joints (..., 22, 3): the ground projection of (left - right) x up,
    left - right from the hips plus the shoulders; ``rotation_about_axis(yaw, 'y')`` maps +z to it."""
    across = (joints[..., HIPS[0], :] - joints[..., HIPS[1], :]) + (joints[..., SHOULDERS[0], :] - joints[..., SHOULDERS[1], :])
    forward_x, forward_z = -across[..., 2], across[..., 0]  # (left - right) x (0, 1, 0), y dropped
    return torch.atan2(forward_x, forward_z)


def canonical_frame(joints: torch.Tensor, valid: torch.Tensor = None) -> dict:
    """The per-clip canonical frame of world joints (B, T, 22, 3): ``rotation`` (B, 3, 3), ``offset`` (B, 3) with
    ``x_cano = rotation x + offset`` (floor at y = 0, frame 0's pelvis above the origin, frame 0 facing +z)."""
    check_tensor('joints', joints, (None, None, NUM_BODY_JOINTS, 3))
    heights = joints[..., 1]
    if valid is not None:
        heights = torch.where(valid.bool()[..., None], heights, torch.full_like(heights, float('inf')))
    floor = heights.flatten(1).amin(1)  # (B,)
    rotation = rotation_about_axis(-facing_yaw(joints[:, 0]), 'y')  # (B, 3, 3)
    pelvis = (rotation @ joints[:, 0, 0].unsqueeze(-1)).squeeze(-1)
    offset = torch.stack([-pelvis[:, 0], -floor, -pelvis[:, 2]], dim=-1)
    return dict(rotation=rotation, offset=offset)


def rigid_root(global_orient: torch.Tensor, transl: torch.Tensor, pelvis_offset: torch.Tensor,
               rotation: torch.Tensor, offset: torch.Tensor) -> tuple:
    """SMPL-X root (axis-angle (B, T, 3), transl (B, T, 3)) under ``x -> rotation x + offset`` ((B, 3, 3), (B, 3)),
    rotating about the rest pelvis ``pelvis_offset`` (B, T or 1, 3): (orientation matrices (B, T, 3, 3), transl)."""
    R = rotation[:, None]
    orient = R @ axis_angle_to_matrix(global_orient)
    moved = (R @ (transl + pelvis_offset).unsqueeze(-1)).squeeze(-1) + offset[:, None] - pelvis_offset
    return orient, moved


def invert_frame(frame: dict) -> tuple:
    """(rotation, offset) of the inverse of a canonical frame."""
    inverse = frame['rotation'].transpose(-1, -2)
    return inverse, -(inverse @ frame['offset'].unsqueeze(-1)).squeeze(-1)


def trajectory_fields(angle: torch.Tensor, l_pos: torch.Tensor, height: torch.Tensor, orient: torch.Tensor,
                      transl: torch.Tensor) -> dict:
    """The 22 trajectory numbers from the 13 absolute ones (unnormalised; angle (B, T, 1), l_pos (B, T, 2), height
    (B, T, 1), orient 6D (B, T, 6), transl (B, T, 3)): the velocities by forward differences."""
    heading = rotation_about_axis(-angle[..., 0], 'y')  # (B, T, 3, 3): world -> heading axes
    ground_step = next_frame_difference(l_pos)
    step3 = torch.stack([ground_step[..., 0], torch.zeros_like(ground_step[..., 0]), ground_step[..., 1]], dim=-1)
    l_vel = (heading @ step3.unsqueeze(-1)).squeeze(-1)[..., list(GROUND_AXES)]
    R = rot6d_to_matrix(orient)
    turn = R[:, 1:] @ R[:, :-1].transpose(-1, -2)
    orient_vel = matrix_to_axis_angle(torch.cat([turn, turn[:, -1:]], dim=1))
    return OrderedDict(root_rot_angle=angle, root_rot_angle_vel=next_frame_difference(angle), root_l_pos=l_pos,
                       root_l_vel=l_vel, root_height=height, global_orient=orient, global_orient_vel=orient_vel,
                       transl=transl, transl_vel=next_frame_difference(transl))


@CODECS.register_module()
class RoHMCodec(Codec):
    """RoHM's 294-number representation; see the module docstring for the layout, frame and normalisation.

    Args:
        fields: layout subset/order (None = all 294 in the order above).
        min_std: floor of the computed std.
    """

    def __init__(self, fields=None, min_std: float = 1e-3):
        super().__init__(OrderedDict(**TRAJ_FIELDS, **LOCAL_FIELDS), fields, unnormalized=('contact',),
                         min_std=min_std)
        self.traj_mask_abs = self.field_mask(ABS_TRAJ_FIELDS)

    needs_world_joints = True  # encoding reads batch['joints_w'] (``body.posing.with_world_joints``)

    @property
    def traj_dim(self) -> int:
        return sum(size for name, size in self.fields.items() if name in TRAJ_FIELDS)

    @property
    def abs_traj_dim(self) -> int:
        return sum(self.fields[name] for name in ABS_TRAJ_FIELDS if name in self.fields)

    # ------------------------------------------------------------------------------ statistics
    @torch.no_grad()
    def compute_stats(self, batches) -> None:
        """Per-coordinate means and one std per field group (the mean of the group's per-coordinate stds)."""
        super().compute_stats(batches)
        for group in FIELD_GROUPS.values():
            mask = self.field_mask(group)
            if mask.any() and not any(name in self.unnormalized for name in group):
                self.std[mask] = self.std[mask].mean()

    # -------------------------------------------------------------------------------- encoding
    def frame_of(self, batch: dict) -> dict:
        """The batch's canonical frame: ``batch['rohm_frame']`` when given, else from its ``joints_w``."""
        frame = batch.get('rohm_frame')
        return frame if frame is not None else canonical_frame(batch['joints_w'], batch.get('valid'))

    def encode_fields(self, batch: dict, names=None) -> dict:
        """World ``smpl_params`` (``global_orient_w``, ``transl_w``, ``body_pose``, ``betas``), ``joints_w`` (B, T, 22,
        3: the body's joints for those parameters) and optional ``contact`` -> every field, unnormalised."""
        params = batch['smpl_params']
        joints = check_tensor('joints_w', batch['joints_w'], (None, None, NUM_BODY_JOINTS, 3))
        if joints.shape[1] < 2:
            raise ValueError(f'RoHMCodec: needs at least 2 frames (velocities), got joints_w {tuple(joints.shape)}')
        frame = self.frame_of(batch)
        R, offset = frame['rotation'].to(joints), frame['offset'].to(joints)
        joints = (R[:, None, None] @ joints.unsqueeze(-1)).squeeze(-1) + offset[:, None, None]
        pelvis_offset = batch['joints_w'][:, :, 0] - params['transl_w']  # the rest pelvis J0 of these betas
        orient, transl = rigid_root(params['global_orient_w'], params['transl_w'], pelvis_offset, R, offset)
        angle = unwrap(heading_angle(orient)).unsqueeze(-1)
        pelvis = joints[:, :, 0]
        traj = trajectory_fields(angle, pelvis[..., list(GROUND_AXES)], pelvis[..., 1:2], matrix_to_rot6d(orient),
                                 transl)
        heading = rotation_about_axis(-angle[..., 0], 'y')[:, :, None]  # (B, T, 1, 3, 3)
        ground = pelvis * pelvis.new_tensor([1.0, 0.0, 1.0])
        local = (heading @ (joints - ground[:, :, None]).unsqueeze(-1)).squeeze(-1)
        local_vel = (heading @ next_frame_difference(joints).unsqueeze(-1)).squeeze(-1)
        pose6d = matrix_to_rot6d(axis_angle_to_matrix(params['body_pose'].reshape(*joints.shape[:2], NUM_BODY_POSE, 3)))
        contact = batch.get('contact')
        contact = joints.new_zeros(*joints.shape[:2], NUM_CONTACTS) if contact is None else contact.to(joints)
        return OrderedDict(**traj, local_joints=local.flatten(-2), local_joint_vel=local_vel.flatten(-2),
                           body_pose=pose6d.flatten(-2), betas=params['betas'].to(joints), contact=contact)

    def expand_trajectory(self, x: torch.Tensor) -> torch.Tensor:
        """Normalised (..., dim) with the absolute trajectory numbers set -> the same with the trajectory velocities
        recomputed from them (forward kinematics of the trajectory, spec "PoseNet")."""
        raw = self.split(self.denormalize(x))
        traj = trajectory_fields(*(raw[name] for name in ABS_TRAJ_FIELDS))
        parts = dict(raw, **{name: value for name, value in traj.items() if name in self.fields})
        return self.normalize(self.join(parts))

    def coordinate_mask(self, vis: torch.Tensor) -> torch.Tensor:
        """Per-joint visibility (B, T, 22) -> per-coordinate mask (B, T, dim) bool (M_R and M_P of section 3): the
        trajectory follows the pelvis; joint positions, velocities and rotations follow their joint; betas are
        always kept; contact never (the release zeroes input contacts)."""
        vis = check_tensor('vis', vis, (None, None, NUM_BODY_JOINTS), floating=False).bool()
        per_field = dict(
            local_joints=vis.repeat_interleave(3, -1), local_joint_vel=vis.repeat_interleave(3, -1),
            body_pose=vis[..., 1:].repeat_interleave(6, -1), betas=torch.ones_like(vis[..., :1]).expand(-1, -1, NUM_BETAS),
            contact=torch.zeros_like(vis[..., :1]).expand(-1, -1, NUM_CONTACTS))
        pelvis = vis[..., :1]
        parts = {name: per_field.get(name, pelvis.expand(-1, -1, size)) for name, size in self.fields.items()}
        return self.join(parts)

    def canonical_params(self, x: torch.Tensor) -> dict:
        """Normalised (B, T, dim) -> body-model arguments in the canonical frame (``global_orient``, ``transl``,
        ``body_pose`` axis-angle (B, T, 21, 3), ``betas``), differentiable."""
        raw = self.split(self.denormalize(x))
        pose = rot6d_to_matrix(raw['body_pose'].reshape(*x.shape[:2], NUM_BODY_POSE, 6))
        return dict(global_orient=matrix_to_axis_angle(rot6d_to_matrix(raw['global_orient'])), transl=raw['transl'],
                    body_pose=matrix_to_axis_angle(pose), betas=raw['betas'])

    # -------------------------------------------------------------------------------- decoding
    def decode(self, x: torch.Tensor, batch: dict, frame: dict = None, body_model=None, t_w2c=None) -> dict:
        """Normalised (B, T, dim) -> ``smpl_params`` (world and camera frame), ``contact`` (B, T, 4) and the
        canonical-frame root ``orient_cano`` / ``transl_cano``.

        ``frame``: the canonical frame the values are in (default ``batch['rohm_frame']``); ``body_model``: poses the
        rest pelvis of the decoded shape; ``t_w2c`` (B, T, 3): world-to-camera translation (default
        ``batch['t_w2c']``; without either the camera-frame parameters assume t_w2c = 0).
        """
        if body_model is None:
            raise ValueError('RoHMCodec.decode needs the body model (the rest pelvis of the decoded shape)')
        frame = frame if frame is not None else batch.get('rohm_frame')
        if frame is None:
            raise ValueError("RoHMCodec.decode needs the canonical frame (frame= or batch['rohm_frame'])")
        raw = self.split(self.denormalize(x))
        lead = x.shape[:2]
        pose = rot6d_to_matrix(raw['body_pose'].reshape(*lead, NUM_BODY_POSE, 6))
        # one shape per sequence (the mean over its valid frames), as the encoder sees it: the body model then builds
        # one rest skeleton per sequence, not one per frame
        betas = sequence_betas(raw['betas'], batch.get('valid')).expand_as(raw['betas'])
        zeros = x.new_zeros(*lead, 3)
        rest = body_model(global_orient=zeros, body_pose=x.new_zeros(*lead, NUM_BODY_POSE, 3), betas=betas,
                          transl=zeros, return_verts=False).joints[..., 0, :]  # (B, T, 3) rest pelvis
        inverse, inverse_offset = invert_frame({k: v.to(x) for k, v in frame.items()})
        orient_cano = rot6d_to_matrix(raw['global_orient'])
        orient_w, transl_w = rigid_root(matrix_to_axis_angle(orient_cano), raw['transl'], rest, inverse, inverse_offset)
        R_w2c = batch['R_w2c'].to(x)
        t_w2c = t_w2c if t_w2c is not None else batch.get('t_w2c')
        t_w2c = zeros if t_w2c is None else t_w2c.to(x)
        orient_c, transl_c = root_w_to_c(orient_w, transl_w, R_w2c, t_w2c, rest)
        params = dict(global_orient_w=matrix_to_axis_angle(orient_w), transl_w=transl_w,
                      global_orient_c=matrix_to_axis_angle(orient_c), transl_c=transl_c,
                      body_pose=matrix_to_axis_angle(pose), betas=betas)
        contact = raw['contact'].clamp(0, 1) if 'contact' in raw else None
        return dict(smpl_params=params, contact=contact, orient_cano=orient_cano, transl_cano=raw['transl'])
