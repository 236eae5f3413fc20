"""Gravity-view (GV) frames (GVHMR) and root-orientation changes between camera, GV and world frames.

Frames:

- world ``w``: y up (gravity along -y), ground at y = 0;
- camera ``c``: OpenCV, x right, y down, z forward; ``x_c = R_w2c x_w + t_w2c``;
- gravity-view ``gv`` (one per frame): origin and handedness of the camera, y axis = gravity-up,
  z axis = the camera's viewing direction projected onto the ground plane, x = y cross z. So for a level
  camera (optical axis horizontal) the GV frame is the camera frame turned by 180 degrees about z
  (x and y flipped): ``R_c2gv = diag(-1, -1, 1)``. GVHMR's own GV frame has y along gravity (down); ours is
  that frame rotated by pi about z, so that GV and world share the y-up convention.

A level camera looking along world +z has ``R_w2c = diag(-1, -1, 1)``; one looking along world -z has
``R_w2c = diag(1, -1, -1)``. ``R_gv2w`` is always a pure yaw (rotation about world y).
Root orientations here are rotation matrices (..., 3, 3) mapping body to frame coordinates.
"""
import torch

from unihmr.geometry.rotations import IDENTITY_ROT6D, matrix_to_rot6d
from unihmr.utils.validation import check_tensor

__all__ = [
    'gravity_view_from_up', 'get_R_c2gv', 'get_R_gv2w', 'frame_rotation', 'convert_orient',
    'root_w_to_c', 'root_c_to_w', 'camera_angular_velocity',
]

FRAMES = ('c', 'gv', 'w')


def _unit(v: torch.Tensor, eps: float = 1e-12) -> torch.Tensor:
    return v / v.norm(dim=-1, keepdim=True).clamp(min=eps)


def gravity_view_from_up(up_c: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    """``R_c2gv`` (..., 3, 3) from the gravity-up direction in camera coordinates ``up_c`` (..., 3).

    ``up_c`` need not be unit. When the camera looks straight up or down (forward parallel to gravity,
    |y_gv x z_c| < eps) the GV x axis falls back to the camera's -x axis made orthogonal to up.
    """
    check_tensor('up_c', up_c, (..., 3))
    y_gv = _unit(up_c)
    forward = torch.zeros_like(y_gv)
    forward[..., 2] = 1.0  # camera z (viewing direction)
    x_gv = torch.linalg.cross(y_gv, forward, dim=-1)  # = y x (forward projected on the ground plane)
    minus_x = torch.zeros_like(y_gv)
    minus_x[..., 0] = -1.0
    fallback = minus_x - (minus_x * y_gv).sum(-1, keepdim=True) * y_gv
    degenerate = x_gv.norm(dim=-1, keepdim=True) < eps
    x_gv = _unit(torch.where(degenerate, fallback, x_gv))
    z_gv = torch.linalg.cross(x_gv, y_gv, dim=-1)
    R_gv2c = torch.stack([x_gv, y_gv, z_gv], dim=-1)  # columns: GV axes in camera coordinates
    return R_gv2c.transpose(-1, -2)


def get_R_c2gv(R_w2c: torch.Tensor, up_w=(0.0, 1.0, 0.0)) -> torch.Tensor:
    """``R_c2gv`` (..., 3, 3) from world-to-camera rotations ``R_w2c`` (..., 3, 3) (GVHMR ``get_R_c2gv``).

    ``up_w`` is the gravity-up direction in world coordinates (the world is y-up by default).
    """
    check_tensor('R_w2c', R_w2c, (..., 3, 3))
    up_w = torch.as_tensor(up_w, dtype=R_w2c.dtype, device=R_w2c.device)
    return gravity_view_from_up((R_w2c @ up_w.unsqueeze(-1)).squeeze(-1))


def get_R_gv2w(R_w2c: torch.Tensor) -> torch.Tensor:
    """``R_gv2w = R_w2c^T R_c2gv^T`` (..., 3, 3): a yaw about world y (the camera's heading)."""
    check_tensor('R_w2c', R_w2c, (..., 3, 3))
    return R_w2c.transpose(-1, -2) @ get_R_c2gv(R_w2c).transpose(-1, -2)


def frame_rotation(R_w2c: torch.Tensor, src: str, dst: str) -> torch.Tensor:
    """Rotation (..., 3, 3) taking coordinates in frame ``src`` to frame ``dst``; frames 'c', 'gv', 'w'."""
    check_tensor('R_w2c', R_w2c, (..., 3, 3))
    for name, frame in (('src', src), ('dst', dst)):
        if frame not in FRAMES:
            raise ValueError(f'{name}: expected one of {FRAMES}, got {frame!r}')
    to_camera = {
        'c': torch.eye(3, dtype=R_w2c.dtype, device=R_w2c.device).expand_as(R_w2c),
        'w': R_w2c,
        'gv': get_R_c2gv(R_w2c).transpose(-1, -2) if 'gv' in (src, dst) else None,
    }
    return to_camera[dst].transpose(-1, -2) @ to_camera[src]


def convert_orient(R_root: torch.Tensor, R_w2c: torch.Tensor, src: str, dst: str) -> torch.Tensor:
    """Root orientation (..., 3, 3) expressed in frame ``src`` -> in frame ``dst`` ('c', 'gv', 'w').

    E.g. ``convert_orient(R_root_c, R_w2c, 'c', 'gv') = R_c2gv @ R_root_c``. ``R_w2c`` (..., 3, 3)
    broadcasts against ``R_root``.
    """
    check_tensor('R_root', R_root, (..., 3, 3))
    return frame_rotation(R_w2c, src, dst) @ R_root


def _pelvis_offset(offset, like: torch.Tensor) -> torch.Tensor:
    if offset is None:
        return torch.zeros_like(like)
    return check_tensor('pelvis_offset', offset, (..., 3))


def root_w_to_c(R_root_w: torch.Tensor, transl_w: torch.Tensor, R_w2c: torch.Tensor, t_w2c: torch.Tensor,
                pelvis_offset: torch.Tensor = None):
    """World root (orientation (..., 3, 3), SMPL ``transl`` (..., 3)) -> camera root, same shapes.

    SMPL(-X) rotates about the pelvis rest joint ``J0`` = ``pelvis_offset`` (..., 3) (zero if None),
    so the pelvis is at ``transl + J0`` and ``transl_c = R_w2c (transl_w + J0) + t_w2c - J0``.
    """
    check_tensor('R_root_w', R_root_w, (..., 3, 3))
    check_tensor('transl_w', transl_w, (..., 3))
    check_tensor('R_w2c', R_w2c, (..., 3, 3))
    check_tensor('t_w2c', t_w2c, (..., 3))
    offset = _pelvis_offset(pelvis_offset, transl_w)
    transl_c = (R_w2c @ (transl_w + offset).unsqueeze(-1)).squeeze(-1) + t_w2c - offset
    return R_w2c @ R_root_w, transl_c


def root_c_to_w(R_root_c: torch.Tensor, transl_c: torch.Tensor, R_w2c: torch.Tensor, t_w2c: torch.Tensor,
                pelvis_offset: torch.Tensor = None):
    """Inverse of :func:`root_w_to_c`: camera root (..., 3, 3), (..., 3) -> world root."""
    check_tensor('R_root_c', R_root_c, (..., 3, 3))
    check_tensor('transl_c', transl_c, (..., 3))
    check_tensor('R_w2c', R_w2c, (..., 3, 3))
    check_tensor('t_w2c', t_w2c, (..., 3))
    offset = _pelvis_offset(pelvis_offset, transl_c)
    R_c2w = R_w2c.transpose(-1, -2)
    transl_w = (R_c2w @ (transl_c + offset - t_w2c).unsqueeze(-1)).squeeze(-1) - offset
    return R_c2w @ R_root_c, transl_w


def camera_angular_velocity(R_w2c: torch.Tensor, subtract_identity: bool = True) -> torch.Tensor:
    """Per-frame camera rotation features (..., T, 6) from ``R_w2c`` (..., T, 3, 3).

    Frame t holds the 6D (first two columns, see ``rotations``) of ``R_w2c[t] R_w2c[t-1]^T``, the camera
    rotation from frame t-1 to t in camera coordinates; frame 0 uses the identity (no motion). With
    ``subtract_identity`` the identity's 6D is subtracted, so a static camera gives exactly zero
    features everywhere (WHAM's variant; GVHMR keeps the raw 6D and repeats the last frame instead).
    """
    check_tensor('R_w2c', R_w2c, (..., None, 3, 3))
    relative = R_w2c[..., 1:, :, :] @ R_w2c[..., :-1, :, :].transpose(-1, -2)  # (..., T-1, 3, 3)
    identity = torch.eye(3, dtype=R_w2c.dtype, device=R_w2c.device).expand_as(R_w2c[..., :1, :, :])
    features = matrix_to_rot6d(torch.cat([identity, relative], dim=-3))
    if subtract_identity:
        features = features - features.new_tensor(IDENTITY_ROT6D)
    return features
