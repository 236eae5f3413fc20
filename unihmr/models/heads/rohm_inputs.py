"""What RoHM's head reads and how its windows are joined (RoHM sections 4.3, 5.3-5.4; ``shared/specs/rohm.md``).

- :func:`visibility_from_keypoints`: per-joint visibility (B, T, 22) of the 22 body joints from COCO-17 detection
  confidences (supp. B.3 counts a joint occluded when its detection confidence is below 0.2; we have no scene mesh,
  so the confidence alone decides), by the rule every loader uses (``data.keypoint_maps.BODY_JOINT_VIS_FROM_COCO``:
  joints without a COCO keypoint follow their neighbours').
- :func:`camera_offset`: the per-frame world-to-camera translation that an estimate's camera and world roots imply
  (RoHM works in the world frame; the refined camera-frame body keeps the earlier estimate's camera).
- :func:`align_to_previous`: the yaw and ground translation that best fit one window's pelvis track to the previous
  windows' over their shared frames (the release joins clips without blending and users see jumps, spec
  "Iterative inference"; we align each window, then cross-fade).
"""
import torch

from unihmr.body.joint_sets import COCO17_NAMES
from unihmr.data.keypoint_maps import body_joint_visibility
from unihmr.geometry import rotation_about_axis
from unihmr.geometry.gravity_view import root_w_to_c
from unihmr.geometry.rotations import axis_angle_to_matrix
from unihmr.utils.validation import check_tensor

def visibility_from_keypoints(kp2d: torch.Tensor, threshold: float = 0.2) -> torch.Tensor:
    """(B, T, 17, 3) detections -> (B, T, 22) bool, by the project's one rule
    (``data.keypoint_maps.body_joint_visibility``: a joint is seen when its COCO keypoints are confident, above
    ``threshold``)."""
    check_tensor('kp2d', kp2d, (None, None, len(COCO17_NAMES), 3))
    seen = body_joint_visibility(kp2d[..., 2].detach().cpu().numpy(), threshold)
    return torch.from_numpy(seen).to(kp2d.device)


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
