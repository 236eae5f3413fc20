"""GVHMR-style target codec (GVHMR ``EnDecoder``; FactorizedHMR sections 3.2-3.3).

Default layout (``GVHMRCodec.DEFAULT_FIELDS``, dim 158), per frame::

    body_pose        126  21 body rotations, 6D (first two columns, see ``geometry.rotations``)
    betas             10  shape
    global_orient_c    6  root orientation in the camera frame, 6D
    global_orient_gv   6  root orientation in the frame's gravity-view frame (``geometry.gravity_view``), 6D
    root_vel           3  SMPL transl_w displacement to the next frame, in frame t's heading (yaw) axes
    cam                3  weak-perspective (log s, tx, ty) of transl_c w.r.t. the bbox and K; the scale is
                          stored as log s so that every decoded s is positive and transl_c stays finite
    contact            4  foot-contact logits; encoded as logit(clamp(label, 0.05, 0.95)) = +-2.94, never normalised

Joint-position fields (FactorizedHMR eq. 3, the composite latent): ``joints_torso`` (3 x the torso pose
joints) and ``joints_non_torso`` (3 x the non-torso joints), camera-frame joint positions relative to the
pelvis (the pelvis itself is ``transl_c`` + the body's rest offset, so it is not repeated). Encoding them
needs ``batch['joints_c']`` (B, T, 22, 3), e.g. from ``unihmr.body.posing.with_camera_joints``; decoding returns them
assembled as ``joints_rel_c`` (B, T, 22, 3, pelvis at 0) when both are in the layout.

Presets: ``FACTORIZED_FIELDS`` is the Stage-2 latent of eq. 3 and ``FACTORIZED_KNOWN`` its z_K (eq. 5).

Optional fields for subset codecs: ``body_pose_torso`` (6 x len(torso)) and ``body_pose_non_torso``
(6 x the rest) from ``torso_split`` (``TorsoSplit``; default the FactorizedHMR split). FactorizedHMR's
Stage-1 anchor is ``GVHMRCodec(fields=('body_pose_torso', 'betas', 'global_orient_c', 'cam'))``.

World-trajectory convention (GVHMR): the decoded world translation starts at ``transl_w0`` (default:
the origin, 0) and is rolled out from ``root_vel`` with the heading of the decoded world orientation; world
metrics align trajectories, and the world losses align start points. The world orientation itself is exact:
``R_w = R_w2c^T R_c2gv^T R_gv`` per frame (``convert_orient(.., 'gv', 'w')``). Velocities whose next frame
is padding are set to 0 (the roll-out never uses them for valid frames).
"""
import torch

from unihmr.body.joint_sets import DEFAULT_TORSO_SPLIT, NUM_BETAS, NUM_BODY_JOINTS, NUM_BODY_POSE, TorsoSplit
from unihmr.codecs.base import Codec
from unihmr.data.contract import NUM_CONTACTS
from unihmr.geometry import (IDENTITY_ROT6D, axis_angle_to_matrix, convert_orient, heading_rotation,
                             matrix_to_axis_angle, matrix_to_rot6d, rollout_velocity, rot6d_to_matrix,
                             transl_to_weak_perspective, velocity_from_trajectory, weak_perspective_to_transl)
from unihmr.registry import CODECS

CONTACT_LABEL_EPS = 0.05  # labels 0/1 -> logits -+2.94 (sigmoid gives back 0.05 / 0.95)
ROTATION_FIELDS = ('body_pose', 'body_pose_torso', 'body_pose_non_torso', 'global_orient_c', 'global_orient_gv')
JOINT_FIELDS = ('joints_torso', 'joints_non_torso')
FACTORIZED_FIELDS = ('body_pose_torso', 'body_pose_non_torso', 'joints_torso', 'joints_non_torso', 'betas',
                     'global_orient_c', 'cam', 'global_orient_gv', 'root_vel')
FACTORIZED_KNOWN = ('body_pose_torso', 'joints_torso', 'betas', 'global_orient_c', 'cam')


@CODECS.register_module()
class GVHMRCodec(Codec):
    """GVHMR target representation. See the module docstring for the layout and conventions.

    Args:
        fields: layout subset/order (None = ``DEFAULT_FIELDS``).
        torso_split: ``TorsoSplit``, a dict of its arguments, or None (the default split).
        min_std: floor of the computed std.
        known_fields / unknown_fields: the z_K / z_U partition (see ``codecs.base``).
        normalized: False keeps every field raw (see ``codecs.base``).
    """

    DEFAULT_FIELDS = ('body_pose', 'betas', 'global_orient_c', 'global_orient_gv', 'root_vel', 'cam', 'contact')
    DECODED_FIELDS = ('body_pose', 'betas', 'global_orient_c', 'global_orient_gv', 'root_vel', 'cam')  # what decode reads

    def __init__(self, fields=None, torso_split=None, min_std: float = 1e-3, known_fields=(), unknown_fields=None,
                 normalized: bool = True):
        if isinstance(torso_split, dict):
            torso_split = TorsoSplit(**torso_split)
        self.torso_split = torso_split or DEFAULT_TORSO_SPLIT
        available = dict(
            body_pose=NUM_BODY_POSE * 6, body_pose_torso=len(self.torso_split.torso_pose) * 6,
            body_pose_non_torso=len(self.torso_split.non_torso_pose) * 6, betas=NUM_BETAS,
            global_orient_c=6, global_orient_gv=6, root_vel=3, cam=3, contact=NUM_CONTACTS,
            joints_torso=3 * len(self.torso_split.torso_pose), joints_non_torso=3 * len(self.torso_split.non_torso_pose))
        super().__init__(available, fields, self.DEFAULT_FIELDS, unnormalized=('contact',), min_std=min_std,
                         known_fields=known_fields, unknown_fields=unknown_fields, normalized=normalized)

    @property
    def needs_joints(self) -> bool:
        """Whether encoding needs ``batch['joints_c']`` (a joint-position field is in the layout)."""
        return any(name in self.fields for name in JOINT_FIELDS)

    def build_known_mask(self) -> torch.Tensor:
        """The known fields' coordinates, except the positions in a known joint field of the joints the torso
        rotations do not place (``TorsoSplit.placed_by_torso``: the shoulders, children of the non-torso
        collars). An anchor has no collar rotations, so its shoulder positions would be built with identity
        collars and eq. 8 would pull the generated collars toward the identity; Stage 2 generates them instead
        (docs/factorizedhmr.md, "Known joint positions")."""
        mask = super().build_known_mask()
        placed = set(self.torso_split.placed_by_torso)
        for name, joints in self.joint_groups.items():
            if name in self.known_fields:
                start = self.slices[name].start
                for i, joint in enumerate(joints):
                    if joint not in placed:
                        mask[start + 3 * i:start + 3 * i + 3] = False
        return mask

    @property
    def joint_groups(self) -> dict:
        """Joint-position field -> the body-joint indices (into the 22) it holds, in order."""
        return dict(joints_torso=tuple(j + 1 for j in self.torso_split.torso_pose),
                    joints_non_torso=tuple(j + 1 for j in self.torso_split.non_torso_pose))

    # ---------------------------------------------------------------- encode
    def encode_fields(self, batch: dict, names=None) -> dict:
        """Unnormalised fields (B, T, size) from a batch with ``smpl_params``, ``R_w2c``, ``bbox``, ``K``
        (and ``contact``, ``valid``, ``joints_c`` when present). Only the fields ``names`` (default: the layout)
        are computed; ``names`` may include available fields outside the layout (e.g. to ``fill`` a decode)."""
        params, need = batch['smpl_params'], set(self.fields if names is None else names)
        out = {}
        pose6d = matrix_to_rot6d(axis_angle_to_matrix(params['body_pose']))  # (B, T, 21, 6)
        out['body_pose'] = pose6d.flatten(-2)
        out['body_pose_torso'] = pose6d[..., list(self.torso_split.torso_pose), :].flatten(-2)
        out['body_pose_non_torso'] = pose6d[..., list(self.torso_split.non_torso_pose), :].flatten(-2)
        out['betas'] = params['betas']
        R_c = axis_angle_to_matrix(params['global_orient_c'])
        out['global_orient_c'] = matrix_to_rot6d(R_c)
        if need & {'global_orient_gv'}:
            out['global_orient_gv'] = matrix_to_rot6d(convert_orient(R_c, batch['R_w2c'], 'c', 'gv'))
        if 'root_vel' in need:
            heading = heading_rotation(axis_angle_to_matrix(params['global_orient_w']))
            vel = velocity_from_trajectory(params['transl_w'], heading)
            if 'valid' in batch:  # a velocity pointing into padding is meaningless
                next_valid = torch.cat([batch['valid'][..., 1:], batch['valid'][..., -1:]], dim=-1)
                vel = vel * next_valid.unsqueeze(-1).to(vel)
            out['root_vel'] = vel
        if 'cam' in need:
            cam = transl_to_weak_perspective(params['transl_c'], batch['bbox'], batch['K'])
            out['cam'] = torch.cat([cam[..., :1].clamp(min=1e-6).log(), cam[..., 1:]], dim=-1)
        if need & set(JOINT_FIELDS):
            if 'joints_c' not in batch:
                raise ValueError("GVHMRCodec: the joint-position fields need batch['joints_c'] (B, T, 22, 3); "
                                 "add it with unihmr.body.posing.with_camera_joints(batch, body_model)")
            rel = batch['joints_c'] - batch['joints_c'][..., :1, :]
            for name, joints in self.joint_groups.items():
                out[name] = rel[..., list(joints), :].flatten(-2)
        if 'contact' in need:
            label = batch['contact'].float().clamp(CONTACT_LABEL_EPS, 1 - CONTACT_LABEL_EPS)
            out['contact'] = torch.logit(label)
        return {name: out[name] for name in self.available_fields if name in need}

    # ---------------------------------------------------------------- decode
    def _default(self, name: str, like: torch.Tensor) -> torch.Tensor:
        """Placeholder (..., size) for a field that is not in the layout: identity rotations, cam (log 1, 0, 0),
        zeros otherwise."""
        size = self.available_fields[name]
        value = like.new_zeros(*like.shape[:-1], size)
        if name in ROTATION_FIELDS:
            value = value + like.new_tensor(IDENTITY_ROT6D).repeat(size // 6)
        return value

    def raw_fields(self, x: torch.Tensor, fill: dict = None) -> dict:
        """Denormalised fields of ``x`` (..., dim); fields outside the layout come from ``fill`` (unnormalised
        (..., size)) or are placeholders (:meth:`_default`)."""
        parts = dict(self.split(self.denormalize(x)))
        for name in self.available_fields:
            if name not in parts:
                parts[name] = fill[name] if fill and name in fill else self._default(name, x)
        if 'body_pose' not in self.fields and not (fill and 'body_pose' in fill):
            torso = parts['body_pose_torso'].unflatten(-1, (-1, 6))
            non_torso = parts['body_pose_non_torso'].unflatten(-1, (-1, 6))
            pose = x.new_zeros(*x.shape[:-1], NUM_BODY_POSE, 6)
            pose[..., list(self.torso_split.torso_pose), :] = torso
            pose[..., list(self.torso_split.non_torso_pose), :] = non_torso
            parts['body_pose'] = pose.flatten(-2)
        return parts

    def decode(self, x: torch.Tensor, batch: dict, fill: dict = None, transl_w0: torch.Tensor = None) -> dict:
        """Normalised ``x`` (B, T, dim) -> decoded parameters (differentiable).

        ``batch`` supplies ``bbox`` (B, T, 3), ``K`` (B, T, 3, 3) and ``R_w2c`` (B, T, 3, 3); ``fill`` supplies
        fields missing from a subset layout (else placeholders); ``transl_w0`` (B, 3) is the start of the
        world roll-out (default 0). Returns a dict with

        - ``smpl_params_c`` / ``smpl_params_w``: body-model-ready ``global_orient`` (B, T, 3), ``transl`` (B, T, 3),
          ``body_pose`` (B, T, 21, 3), ``betas`` (B, T, 10) in the camera / world frame;
        - ``smpl_params``: the same in data-contract names (``global_orient_c``, ``transl_c``, ``global_orient_w``,
          ``transl_w``, ``body_pose``, ``betas``);
        - ``contact`` (B, T, 4) probabilities and ``contact_logits`` (B, T, 4) (None without a contact field);
        - ``fields``: the denormalised fields (incl. placeholders); ``missing``: names not in the layout.
        """
        parts = self.raw_fields(x, fill)
        body_pose = matrix_to_axis_angle(rot6d_to_matrix(parts['body_pose'].unflatten(-1, (NUM_BODY_POSE, 6))))
        betas = parts['betas']
        global_orient_c = matrix_to_axis_angle(rot6d_to_matrix(parts['global_orient_c']))
        cam = torch.cat([parts['cam'][..., :1].exp(), parts['cam'][..., 1:]], dim=-1)  # (log s, tx, ty) -> (s, ...)
        transl_c = weak_perspective_to_transl(cam, batch['bbox'].to(x), batch['K'].to(x))
        R_w = convert_orient(rot6d_to_matrix(parts['global_orient_gv']), batch['R_w2c'].to(x), 'gv', 'w')
        transl_w = rollout_velocity(parts['root_vel'], heading_rotation(R_w), transl_w0)
        global_orient_w = matrix_to_axis_angle(R_w)
        has_contact = 'contact' in self.fields or bool(fill and 'contact' in fill)
        logits = parts['contact'] if has_contact else None
        extra = {}
        if all(name in self.fields for name in JOINT_FIELDS):
            joints = x.new_zeros(*x.shape[:-1], NUM_BODY_JOINTS, 3)
            for name, index in self.joint_groups.items():
                joints[..., list(index), :] = parts[name].unflatten(-1, (-1, 3))
            extra['joints_rel_c'] = joints
        return dict(**extra,
            smpl_params_c=dict(global_orient=global_orient_c, transl=transl_c, body_pose=body_pose, betas=betas),
            smpl_params_w=dict(global_orient=global_orient_w, transl=transl_w, body_pose=body_pose, betas=betas),
            smpl_params=dict(global_orient_c=global_orient_c, transl_c=transl_c, global_orient_w=global_orient_w,
                             transl_w=transl_w, body_pose=body_pose, betas=betas),
            contact=None if logits is None else torch.sigmoid(logits), contact_logits=logits, fields=parts,
            missing=tuple(name for name in self.available_fields if name not in self.fields))
