"""What RoHM's head reads and how its windows are joined (RoHM sections 4.3, 5.3-5.4; ``shared/specs/rohm.md``).

- :func:`visibility_from_keypoints`: per-joint visibility (B, T, 22) of the 22 body joints from COCO-17 detection
  confidences (supp. B.3 counts a joint occluded when its detection confidence is below 0.2; we have no scene mesh,
  so the confidence alone decides), by the rule every loader uses (``data.keypoint_maps.BODY_JOINT_VIS_FROM_COCO``:
  joints without a COCO keypoint follow their neighbours').
- :func:`camera_offset`: the per-frame world-to-camera translation that an estimate's camera and world roots imply
  (RoHM works in the world frame; the refined camera-frame body keeps the earlier estimate's camera).
- :func:`align_to_previous`: the yaw and ground translation that best fit one window's pelvis track to the previous
  windows' over their shared frames (optional: the head's ``align_windows``).
- The window plumbing (used by ``rohm_windows``): :func:`hold_last_valid` / :func:`pad_time` (padding never reaches valid frames),
  :func:`blend_fields` / :func:`unblend_fields` (an estimate as cross-fadable fields), :func:`move_world`.
"""
import torch

from unihmr.body.joint_sets import COCO17_NAMES
from unihmr.codecs.rohm import rigid_root
from unihmr.data.keypoint_maps import body_joint_visibility
from unihmr.geometry import axis_angle_to_rot6d, matrix_to_axis_angle, rot6d_to_matrix, rotation_about_axis
from unihmr.geometry.gravity_view import root_w_to_c
from unihmr.geometry.rotations import axis_angle_to_matrix
from unihmr.models.estimate import Estimate
from unihmr.data.transforms.motion_corruption import WORLD_PARAMS
from unihmr.utils.validation import UserInputError, check_tensor

def visibility_from_keypoints(kp2d: torch.Tensor, threshold: float = 0.2) -> torch.Tensor:
    """(B, T, 17, 3) detections -> (B, T, 22) bool, by the project's one rule
    (``data.keypoint_maps.body_joint_visibility``: a joint is seen when its COCO keypoints are confident, above
    ``threshold``)."""
    check_tensor('kp2d', kp2d, (None, None, len(COCO17_NAMES), 3))
    seen = body_joint_visibility(kp2d[..., 2].detach().cpu().numpy(), threshold)
    return torch.from_numpy(seen).to(kp2d.device)


def check_rohm_batch(batch: dict, source: str, conf_threshold: float, min_frames: int, guidance=None) -> None:
    """What RoHM's ``predict`` needs, ``UserInputError`` naming it: the 3D observation and its joint mask
    (``source='observation'``) or the keypoints of the joint mask (``'estimate'``); a clip of at least
    ``min_frames`` (the TrajNet U-Net's downsampling); the batch keys of the guidance energies (``GuidanceSet``)."""
    valid = batch.get('valid')
    if valid is None:
        raise UserInputError(f"RoHMHead needs batch['valid'] (B, T); the batch has {sorted(batch)}")
    if source == 'observation':
        if batch.get('motion_obs') is None:
            raise UserInputError("RoHMHead source='observation' needs batch['motion_obs'] (noisy world parameters; "
                                 f'data.datasets.CorruptedMotionDataset); the batch has {sorted(batch)}')
        missing = [name for name in WORLD_PARAMS if name not in batch['motion_obs']]
        if missing:
            raise UserInputError(f"RoHMHead: batch['motion_obs'] lacks {missing}")
        vis = batch.get('vis')
    else:
        if batch.get('kp2d') is None:
            raise UserInputError("RoHMHead source='estimate' needs batch['kp2d'] for the joint mask")
        vis = visibility_from_keypoints(batch['kp2d'], conf_threshold)
    expected = (*valid.shape, 22)
    if vis is None or tuple(vis.shape) != expected:
        raise UserInputError(f'RoHMHead: the joint mask vis has shape {None if vis is None else tuple(vis.shape)}, '
                             f'expected {expected}')
    if valid.shape[1] < min_frames:
        raise UserInputError(f'RoHMHead: a clip of {valid.shape[1]} frames is shorter than the TrajNet U-Net '
                             f'allows ({min_frames} frames)')
    if guidance is not None:
        try:
            guidance.check(batch)
        except ValueError as error:
            raise UserInputError(str(error)) from None


def camera_offset(params: dict, R_w2c: torch.Tensor, pelvis_offset: torch.Tensor) -> torch.Tensor:
    """t_w2c (B, T, 3) such that ``root_w_to_c`` of the world root gives the camera root of ``params`` (data-contract
    names), SMPL-X rotating about the rest pelvis ``pelvis_offset`` (B, T, 3)."""
    zero = torch.zeros_like(params['transl_w'])
    _, moved = root_w_to_c(axis_angle_to_matrix(params['global_orient_w']), params['transl_w'], R_w2c, zero,
                           pelvis_offset)
    return params['transl_c'] - moved


def align_to_previous(pelvis: torch.Tensor, previous: torch.Tensor) -> tuple:
    """Yaw rotation (B, 3, 3) and translation (B, 3) (ground plane only) that map ``pelvis`` (B, N, 3) onto
    ``previous`` (B, N, 3) in the least-squares sense (2D Procrustes in x-z)."""
    p, q = pelvis[..., [0, 2]], previous[..., [0, 2]]
    p_mean, q_mean = p.mean(1, keepdim=True), q.mean(1, keepdim=True)
    a, b = p - p_mean, q - q_mean
    # rotation about +y by phi maps (x, z) to (x cos + z sin, -x sin + z cos)
    sin = (a[..., 1] * b[..., 0] - a[..., 0] * b[..., 1]).sum(1)
    cos = (a * b).sum((1, 2))
    yaw = torch.atan2(sin, cos)
    rotation = rotation_about_axis(yaw, 'y')
    centre = torch.stack([p_mean[:, 0, 0], torch.zeros_like(yaw), p_mean[:, 0, 1]], -1)
    target = torch.stack([q_mean[:, 0, 0], torch.zeros_like(yaw), q_mean[:, 0, 1]], -1)
    translation = target - (rotation @ centre.unsqueeze(-1)).squeeze(-1)
    return rotation, translation


def hold_last_valid(params: dict, valid: torch.Tensor) -> dict:
    """Every (B, T, ...) parameter with each invalid frame replaced by the latest valid frame before it, so padding
    never reaches the valid frames through velocities or convolutions."""
    frames = torch.arange(valid.shape[1], device=valid.device).expand_as(valid)
    latest = torch.cummax(torch.where(valid.bool(), frames, torch.zeros_like(frames)), dim=1).values  # (B, T)
    def held(value):
        index = latest.reshape(*latest.shape, *([1] * (value.dim() - 2))).expand_as(value)
        return torch.gather(value, 1, index)
    return {name: held(value) for name, value in params.items()}


def pad_time(value, extra: int):
    """Repeat the last frame ``extra`` times on dim 1 of every (B, T, ...) tensor (dicts and estimates too)."""
    if isinstance(value, Estimate):
        return Estimate(**{k: pad_time(v, extra) if isinstance(v, torch.Tensor) else v
                           for k, v in vars(value).items() if not k.startswith('_')})
    if isinstance(value, dict):
        return {key: pad_time(item, extra) for key, item in value.items()}
    if isinstance(value, torch.Tensor) and value.dim() >= 2:
        return torch.cat([value, value[:, -1:].expand(-1, extra, *value.shape[2:])], dim=1)
    return value


def blend_fields(estimate: Estimate) -> dict:
    """An estimate as continuous fields that may be cross-faded (rotations as 6D)."""
    fields = dict(transl_w=estimate.transl_w, transl_c=estimate.transl_c, betas=estimate.betas,
                  global_orient_w=axis_angle_to_rot6d(estimate.global_orient_w),
                  global_orient_c=axis_angle_to_rot6d(estimate.global_orient_c),
                  body_pose=axis_angle_to_rot6d(estimate.body_pose))
    if estimate.contact is not None:
        fields['contact'] = estimate.contact
    return fields


def unblend_fields(fields: dict) -> Estimate:
    params = {name: matrix_to_axis_angle(rot6d_to_matrix(fields[name])) if name.startswith('global_orient')
              or name == 'body_pose' else fields[name] for name in fields if name != 'contact'}
    return Estimate.from_params(params, contact=fields.get('contact'))


def move_world(estimate: Estimate, rotation, translation, rest) -> Estimate:
    """The estimate's world root moved by ``x -> rotation x + translation`` (camera roots kept)."""
    orient, transl = rigid_root(estimate.global_orient_w, estimate.transl_w, rest, rotation, translation)
    return estimate.with_params(global_orient_w=matrix_to_axis_angle(orient), transl_w=transl)
