"""Pinhole cameras: intrinsics, projection, unprojection to rays, CLIFF box feature, weak perspective.

Camera frame: OpenCV — x right, y down, z forward (points in front of the camera have z > 0).
Pixels: (u, v) with u along image x (columns) and v along image y (rows).
Intrinsics ``K`` (..., 3, 3): ``[[fx, s, cx], [0, fy, cy], [0, 0, 1]]``. Leading dimensions of ``K``
broadcast against the leading dimensions of the other inputs (e.g. points (B, T, J, 3) with K (B, T, 3, 3)
or K (3, 3)).
Bounding boxes ``bbox`` (..., 3): centre x, centre y and side length of a square box, in pixels.
"""
import torch

from unihmr.utils.validation import check_tensor

__all__ = [
    'default_focal_length', 'intrinsics_from_focal', 'project_points', 'unproject_pixels',
    'world_to_camera', 'camera_to_world', 'cliff_bbox_feature', 'box_normalized_points', 'weak_perspective_to_transl',
    'transl_to_weak_perspective',
]
MIN_BOX_SIDE = 1.0  # pixels: padding frames hold an all-zero box


def default_focal_length(width, height) -> torch.Tensor:
    """Focal length in pixels equal to the image diagonal (about 53 degrees diagonal FOV, as GVHMR)."""
    width = torch.as_tensor(width)
    if not width.is_floating_point():
        width = width.to(torch.get_default_dtype())
    return torch.hypot(width, torch.as_tensor(height, dtype=width.dtype, device=width.device))


def intrinsics_from_focal(focal, width, height) -> torch.Tensor:
    """Build ``K`` (..., 3, 3) with ``fx = fy = focal`` and principal point at the image centre (W/2, H/2).

    ``focal``, ``width`` and ``height`` are numbers or tensors with broadcastable shapes (...);
    the result takes the floating dtype and device of ``focal`` when it is a floating tensor.
    """
    focal = torch.as_tensor(focal)
    if not focal.is_floating_point():
        focal = focal.to(torch.get_default_dtype())
    width = torch.as_tensor(width, dtype=focal.dtype, device=focal.device)
    height = torch.as_tensor(height, dtype=focal.dtype, device=focal.device)
    focal, cx, cy = torch.broadcast_tensors(focal, width / 2, height / 2)
    zero, one = torch.zeros_like(focal), torch.ones_like(focal)
    rows = [focal, zero, cx, zero, focal, cy, zero, zero, one]
    return torch.stack(rows, dim=-1).reshape(*focal.shape, 3, 3)


def project_points(points: torch.Tensor, K: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    """Perspective projection of camera-frame points (..., N, 3) to pixels (..., N, 2).

    Depths are clamped to ``z >= eps`` before the division, so points on or behind the camera plane give
    large but finite pixels (on the side given by the sign of x and y) and no NaN/inf; they receive no
    gradient through z. Mask such points with ``points[..., 2] > eps`` where it matters.
    """
    check_tensor('points', points, (..., None, 3))
    check_tensor('K', K, (..., 3, 3))
    z = points[..., 2:].clamp(min=eps)
    normalized = torch.cat([points[..., :2] / z, torch.ones_like(z)], dim=-1)  # (..., N, 3)
    pixels = normalized @ K.transpose(-1, -2)
    return pixels[..., :2]


def unproject_pixels(pixels: torch.Tensor, K: torch.Tensor, normalize: bool = True) -> torch.Tensor:
    """Camera rays (..., N, 3) through pixels (..., N, 2).

    With ``normalize`` the rays are unit vectors; otherwise they are ``(x/z, y/z, 1)`` (the point at depth 1).
    Either way ``project_points(depth * ray, K) == pixels`` for any depth > 0.
    """
    check_tensor('pixels', pixels, (..., None, 2))
    check_tensor('K', K, (..., 3, 3))
    homogeneous = torch.cat([pixels, torch.ones_like(pixels[..., :1])], dim=-1)  # (..., N, 3)
    rays = homogeneous @ torch.linalg.inv(K).transpose(-1, -2)
    rays = rays / rays[..., 2:]  # exact 1 in z despite rounding in inv(K)
    return rays / rays.norm(dim=-1, keepdim=True) if normalize else rays


def world_to_camera(points_w: torch.Tensor, R_w2c: torch.Tensor, t_w2c: torch.Tensor) -> torch.Tensor:
    """Points (..., N, 3) in the world frame -> camera frame: ``x_c = R_w2c x_w + t_w2c``.

    ``R_w2c`` (..., 3, 3) and ``t_w2c`` (..., 3) have the leading dims of ``points_w`` without N.
    """
    check_tensor('points_w', points_w, (..., None, 3))
    check_tensor('R_w2c', R_w2c, (..., 3, 3))
    check_tensor('t_w2c', t_w2c, (..., 3))
    return points_w @ R_w2c.transpose(-1, -2) + t_w2c.unsqueeze(-2)


def camera_to_world(points_c: torch.Tensor, R_w2c: torch.Tensor, t_w2c: torch.Tensor) -> torch.Tensor:
    """Inverse of :func:`world_to_camera`: ``x_w = R_w2c^T (x_c - t_w2c)``, points (..., N, 3)."""
    check_tensor('points_c', points_c, (..., None, 3))
    check_tensor('R_w2c', R_w2c, (..., 3, 3))
    check_tensor('t_w2c', t_w2c, (..., 3))
    return (points_c - t_w2c.unsqueeze(-2)) @ R_w2c


def _focal_and_centre(K: torch.Tensor):
    """(f, cx, cy), each (...): ``f = K[..., 0, 0]`` (square pixels assumed), principal point from K."""
    return K[..., 0, 0], K[..., 0, 2], K[..., 1, 2]


def cliff_bbox_feature(bbox: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    """CLIFF bounding-box feature (..., 3): ``((bx - cx) / f, (by - cy) / f, size / f)``.

    ``bbox`` (..., 3) is (bx, by, size) in full-image pixels; ``f = K[0, 0]`` and ``(cx, cy)`` is the
    principal point of ``K`` (..., 3, 3) — the image centre (W/2, H/2) when K comes from
    :func:`intrinsics_from_focal`. Same as GVHMR's ``compute_bbox_info_bedlam``.
    """
    check_tensor('bbox', bbox, (..., 3))
    check_tensor('K', K, (..., 3, 3))
    f, cx, cy = _focal_and_centre(K)
    centre = torch.stack([cx, cy, torch.zeros_like(cx)], dim=-1)
    return (bbox - centre) / f.unsqueeze(-1)


def box_normalized_points(uv: torch.Tensor, bbox: torch.Tensor) -> torch.Tensor:
    """Pixels (..., N, 2) in box coordinates (..., N, 2): ``(uv - box centre) / (side / 2)``, in [-1, 1] inside
    the box (GVHMR's bbox-normalised keypoints). ``bbox`` (..., 3); a side below ``MIN_BOX_SIDE`` is raised to it."""
    check_tensor('bbox', bbox, (..., 3))
    return (uv - bbox[..., None, :2]) / (bbox[..., None, 2:].clamp_min(MIN_BOX_SIDE) / 2)


def weak_perspective_to_transl(cam: torch.Tensor, bbox: torch.Tensor, K: torch.Tensor,
                               eps: float = 1e-9) -> torch.Tensor:
    """Weak-perspective crop camera (s, tx, ty) (..., 3) -> full-image camera translation ``transl_c`` (..., 3).

    The crop model maps a point (X, Y) near the root to crop coordinates ``s (X + tx, Y + ty)`` in
    [-1, 1] across the box, i.e. to pixels ``b + size / 2 * s (X + tx, Y + ty)`` with b the box centre.
    Matching the full perspective camera ``u = f (X + Tx) / Tz + c`` in scale and at the root gives
    (CLIFF / GVHMR ``compute_transl_full_cam``, with f = K[0, 0] and c the principal point of K)::

        Tz = 2 f / (s size),   Tx = tx + 2 (bx - cx) / (s size),   Ty = ty + 2 (by - cy) / (s size)

    ``s * size`` is clamped to >= eps. Exact inverse: :func:`transl_to_weak_perspective`.
    """
    check_tensor('cam', cam, (..., 3))
    check_tensor('bbox', bbox, (..., 3))
    check_tensor('K', K, (..., 3, 3))
    f, cx, cy = _focal_and_centre(K)
    s, tx, ty = cam.unbind(-1)
    bx, by, size = bbox.unbind(-1)
    scaled_size = (s * size).clamp(min=eps)
    return torch.stack([tx + 2 * (bx - cx) / scaled_size, ty + 2 * (by - cy) / scaled_size,
                        2 * f / scaled_size], dim=-1)


def transl_to_weak_perspective(transl: torch.Tensor, bbox: torch.Tensor, K: torch.Tensor,
                               eps: float = 1e-9) -> torch.Tensor:
    """Full-image camera translation (..., 3) -> weak-perspective crop camera (s, tx, ty) (..., 3).

    Inverse of :func:`weak_perspective_to_transl` (GVHMR ``get_a_pred_cam``)::

        s = 2 f / (Tz size),   tx = Tx - Tz (bx - cx) / f,   ty = Ty - Tz (by - cy) / f

    ``Tz * size`` is clamped to >= eps.
    """
    check_tensor('transl', transl, (..., 3))
    check_tensor('bbox', bbox, (..., 3))
    check_tensor('K', K, (..., 3, 3))
    f, cx, cy = _focal_and_centre(K)
    Tx, Ty, Tz = transl.unbind(-1)
    bx, by, size = bbox.unbind(-1)
    s = 2 * f / (Tz * size).clamp(min=eps)
    return torch.stack([s, Tx - Tz * (bx - cx) / f, Ty - Tz * (by - cy) / f], dim=-1)
