"""Rotation conversions (axis-angle, matrix, 6D, quaternion) and relative-rotation helpers.

Every function accepts any number of leading dimensions and keeps the device and dtype of its input.
Conventions (fixed for the whole code base):

- rotation matrices act on column vectors: ``v' = R @ v``;
- axis-angle (rotation vector) ``aa``: direction = axis, norm = angle in radians;
- 6D (Zhou et al., CVPR 2019): the first two COLUMNS of ``R``, concatenated column after column,
  ``d6 = (R[0,0], R[1,0], R[2,0], R[0,1], R[1,1], R[2,1])``. (pytorch3d's ``matrix_to_rotation_6d``
  takes the first two ROWS instead; the two layouts coincide only for symmetric matrices.)
  6D -> matrix is Gram-Schmidt orthonormalisation (``roma.special_gramschmidt``);
- quaternions are unit quaternions in XYZW order (roma / SciPy); use :func:`quaternion_xyzw_to_wxyz`
  to talk to pytorch3d-style WXYZ code.
"""
import roma
import torch

from unihmr.utils.validation import check_tensor

__all__ = [
    'axis_angle_to_matrix', 'matrix_to_axis_angle', 'matrix_to_rot6d', 'rot6d_to_matrix',
    'axis_angle_to_rot6d', 'rot6d_to_axis_angle', 'matrix_to_quaternion', 'quaternion_to_matrix',
    'axis_angle_to_quaternion', 'quaternion_to_axis_angle', 'quaternion_xyzw_to_wxyz',
    'quaternion_wxyz_to_xyzw', 'relative_rotation', 'rotation_angle', 'geodesic_distance',
    'rotation_about_axis', 'rotate_vectors', 'IDENTITY_ROT6D',
]

# 6D of the identity matrix: first column (1, 0, 0), then second column (0, 1, 0).
IDENTITY_ROT6D = (1.0, 0.0, 0.0, 0.0, 1.0, 0.0)

_AXES = {'x': 0, 'y': 1, 'z': 2}


def axis_angle_to_matrix(aa: torch.Tensor) -> torch.Tensor:
    """Axis-angle (..., 3) -> rotation matrix (..., 3, 3) (Rodrigues)."""
    check_tensor('aa', aa, (..., 3))
    return roma.rotvec_to_rotmat(aa)


def matrix_to_axis_angle(R: torch.Tensor) -> torch.Tensor:
    """Rotation matrix (..., 3, 3) -> axis-angle (..., 3) with angle in [0, pi]."""
    check_tensor('R', R, (..., 3, 3))
    return roma.rotmat_to_rotvec(R)


def matrix_to_rot6d(R: torch.Tensor) -> torch.Tensor:
    """Rotation matrix (..., 3, 3) -> 6D (..., 6): first column, then second column."""
    check_tensor('R', R, (..., 3, 3))
    return R[..., :, :2].transpose(-1, -2).reshape(*R.shape[:-2], 6)


def rot6d_to_matrix(d6: torch.Tensor) -> torch.Tensor:
    """6D (..., 6) -> rotation matrix (..., 3, 3) by Gram-Schmidt on the two 3-vectors.

    The first 3-vector gives the first column (normalised); the second, made orthogonal to it and
    normalised, gives the second column; the third column is their cross product.
    """
    check_tensor('d6', d6, (..., 6))
    columns = d6.reshape(*d6.shape[:-1], 2, 3).transpose(-1, -2)  # (..., 3, 2)
    return roma.special_gramschmidt(columns, epsilon=1e-8)


def axis_angle_to_rot6d(aa: torch.Tensor) -> torch.Tensor:
    """Axis-angle (..., 3) -> 6D (..., 6)."""
    return matrix_to_rot6d(axis_angle_to_matrix(aa))


def rot6d_to_axis_angle(d6: torch.Tensor) -> torch.Tensor:
    """6D (..., 6) -> axis-angle (..., 3)."""
    return matrix_to_axis_angle(rot6d_to_matrix(d6))


def matrix_to_quaternion(R: torch.Tensor) -> torch.Tensor:
    """Rotation matrix (..., 3, 3) -> unit quaternion (..., 4), XYZW."""
    check_tensor('R', R, (..., 3, 3))
    return roma.rotmat_to_unitquat(R)


def quaternion_to_matrix(q: torch.Tensor) -> torch.Tensor:
    """Quaternion (..., 4), XYZW, normalised here -> rotation matrix (..., 3, 3)."""
    check_tensor('q', q, (..., 4))
    return roma.unitquat_to_rotmat(roma.quat_normalize(q))


def axis_angle_to_quaternion(aa: torch.Tensor) -> torch.Tensor:
    """Axis-angle (..., 3) -> unit quaternion (..., 4), XYZW."""
    check_tensor('aa', aa, (..., 3))
    return roma.rotvec_to_unitquat(aa)


def quaternion_to_axis_angle(q: torch.Tensor) -> torch.Tensor:
    """Quaternion (..., 4), XYZW, normalised here -> axis-angle (..., 3), angle in [0, pi]."""
    check_tensor('q', q, (..., 4))
    return roma.unitquat_to_rotvec(roma.quat_normalize(q))


def quaternion_xyzw_to_wxyz(q: torch.Tensor) -> torch.Tensor:
    """Reorder (..., 4) quaternions from XYZW to WXYZ."""
    check_tensor('q', q, (..., 4))
    return roma.quat_xyzw_to_wxyz(q)


def quaternion_wxyz_to_xyzw(q: torch.Tensor) -> torch.Tensor:
    """Reorder (..., 4) quaternions from WXYZ to XYZW."""
    check_tensor('q', q, (..., 4))
    return roma.quat_wxyz_to_xyzw(q)


def relative_rotation(R_from: torch.Tensor, R_to: torch.Tensor) -> torch.Tensor:
    """``R_from^T @ R_to`` (..., 3, 3): the rotation taking ``R_from`` to ``R_to``, in ``R_from``'s frame.

    It satisfies ``R_from @ relative_rotation(R_from, R_to) == R_to``. Inputs broadcast.
    """
    check_tensor('R_from', R_from, (..., 3, 3))
    check_tensor('R_to', R_to, (..., 3, 3))
    return R_from.transpose(-1, -2) @ R_to


def rotation_angle(R: torch.Tensor) -> torch.Tensor:
    """Angle in radians, in [0, pi], of rotation matrices (..., 3, 3) -> (...)."""
    check_tensor('R', R, (..., 3, 3))
    cos = 0.5 * (R.diagonal(dim1=-2, dim2=-1).sum(-1) - 1.0)
    return torch.acos(cos.clamp(-1.0, 1.0))


def geodesic_distance(R1: torch.Tensor, R2: torch.Tensor) -> torch.Tensor:
    """Angle in radians of ``R1^T R2`` for (..., 3, 3) inputs -> (...). Accurate near 0 (roma)."""
    check_tensor('R1', R1, (..., 3, 3))
    check_tensor('R2', R2, (..., 3, 3))
    R1, R2 = torch.broadcast_tensors(R1, R2)
    return roma.rotmat_geodesic_distance(R1, R2)


def rotation_about_axis(angle: torch.Tensor, axis: str = 'y') -> torch.Tensor:
    """Rotation matrices (..., 3, 3) of ``angle`` (...) radians about the ``'x'``, ``'y'`` or ``'z'`` axis.

    Right-handed: about y, ``R @ (0, 0, 1) = (sin a, 0, cos a)``.
    """
    if axis not in _AXES:
        raise ValueError(f"axis: expected one of 'x', 'y', 'z', got {axis!r}")
    angle = torch.as_tensor(angle)
    if not angle.is_floating_point():
        angle = angle.to(torch.get_default_dtype())
    aa = torch.zeros(*angle.shape, 3, dtype=angle.dtype, device=angle.device)
    aa[..., _AXES[axis]] = angle
    return roma.rotvec_to_rotmat(aa)


def rotate_vectors(R: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """Apply rotations (..., 3, 3) to vectors (..., 3): ``R @ v``, broadcasting leading dims."""
    check_tensor('R', R, (..., 3, 3))
    check_tensor('v', v, (..., 3))
    return (R @ v.unsqueeze(-1)).squeeze(-1)
