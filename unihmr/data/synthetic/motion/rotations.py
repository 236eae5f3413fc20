"""NumPy rotation helpers for the motion generator (float64, any leading dims, no Python loops over frames).

Conventions: matrices act on column vectors; world y is up and the body faces +z at rest, so a yaw
``heading`` turns +z towards +x. Euler angles are stored as (angle about x, about y, about z) and composed
intrinsically in a per-joint order: ``'xyz'`` is ``Rx @ Ry @ Rz``, ``'yzx'`` is ``Ry @ Rz @ Rx``.
"""
import numpy as np
import roma
import torch

_AXIS = {'x': 0, 'y': 1, 'z': 2}


def axis_rotation(angle, axis: str) -> np.ndarray:
    """Rotation matrices (..., 3, 3) about a coordinate axis ``'x'``, ``'y'`` or ``'z'``; angle (...) radians."""
    angle = np.asarray(angle, dtype=np.float64)
    c, s = np.cos(angle), np.sin(angle)
    out = np.zeros(angle.shape + (3, 3))
    i = _AXIS[axis]
    j, k = (i + 1) % 3, (i + 2) % 3
    out[..., i, i] = 1.0
    out[..., j, j], out[..., k, k] = c, c
    out[..., k, j], out[..., j, k] = s, -s
    return out


def yaw_matrix(heading) -> np.ndarray:
    """Rotation (..., 3, 3) about world y by ``heading`` radians."""
    return axis_rotation(heading, 'y')


def euler_to_matrix(angles: np.ndarray, order: str = 'xyz') -> np.ndarray:
    """(..., 3) angles about (x, y, z) -> (..., 3, 3), composed intrinsically in ``order`` (an even permutation)."""
    first, second, third = (axis_rotation(angles[..., _AXIS[a]], a) for a in order)
    return first @ second @ third


def matrix_to_euler(R: np.ndarray, order: str = 'xyz') -> np.ndarray:
    """Inverse of :func:`euler_to_matrix` with the middle angle in [-pi/2, pi/2]; returns (..., 3) about (x, y, z)."""
    i, j, k = (_AXIS[a] for a in order)
    assert (j - i) % 3 == 1, f'order {order!r} must be a cyclic (even) permutation of xyz'
    out = np.empty(R.shape[:-2] + (3,))
    out[..., j] = np.arcsin(np.clip(R[..., i, k], -1.0, 1.0))
    out[..., i] = np.arctan2(-R[..., j, k], R[..., k, k])
    out[..., k] = np.arctan2(-R[..., i, j], R[..., i, i])
    return out


def _quat_mul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Hamilton product of quaternions (..., 4) in (x, y, z, w) order."""
    ax, ay, az, aw = np.moveaxis(a, -1, 0)
    bx, by, bz, bw = np.moveaxis(b, -1, 0)
    return np.stack([aw * bx + ax * bw + ay * bz - az * by, aw * by - ax * bz + ay * bw + az * bx,
                     aw * bz + ax * by - ay * bx + az * bw, aw * bw - ax * bx - ay * by - az * bz], axis=-1)


def euler_to_rotvec(angles: np.ndarray, order: str = 'xyz', dtype=np.float64) -> np.ndarray:
    """(..., 3) angles about (x, y, z) composed intrinsically in ``order`` (any of the six) -> axis-angle (..., 3).

    Same rotation as :func:`euler_to_matrix`, through quaternions (no matrices); ``dtype`` float32 is ~3x
    faster (vectorised transcendentals) and exact to float32 precision."""
    half = 0.5 * np.asarray(angles, dtype=dtype)
    c, s = np.cos(half), np.sin(half)
    if order == 'xyz':
        (ca, cb, cc), (sa, sb, sc) = np.moveaxis(c, -1, 0), np.moveaxis(s, -1, 0)
        quat = np.stack([sa * cb * cc + ca * sb * sc, ca * sb * cc - sa * cb * sc,
                         ca * cb * sc + sa * sb * cc, ca * cb * cc - sa * sb * sc], axis=-1)
    else:
        quat = None
        for axis in order:
            q = np.zeros(half.shape[:-1] + (4,), dtype=dtype)
            q[..., _AXIS[axis]], q[..., 3] = s[..., _AXIS[axis]], c[..., _AXIS[axis]]
            quat = q if quat is None else _quat_mul(quat, q)
    quat = quat * np.where(quat[..., 3:] < 0, -1.0, 1.0).astype(dtype)    # w >= 0: angle in [0, pi]
    vec = quat[..., :3]
    norm = np.sqrt((vec * vec).sum(-1, keepdims=True))
    angle = 2.0 * np.arctan2(norm, quat[..., 3:])
    return vec * np.where(norm > 1e-12, angle / np.maximum(norm, 1e-12), 2.0)


def matrix_to_rotvec(R: np.ndarray) -> np.ndarray:
    """Rotation matrices (..., 3, 3) -> axis-angle (..., 3) (roma, float64)."""
    return roma.rotmat_to_rotvec(torch.from_numpy(np.ascontiguousarray(R))).numpy()


def rotvec_to_matrix(rotvec) -> np.ndarray:
    """Axis-angle (..., 3) -> rotation matrices (..., 3, 3) (roma, float64)."""
    return roma.rotvec_to_rotmat(torch.as_tensor(np.asarray(rotvec, dtype=np.float64))).numpy()


def normalize(v: np.ndarray) -> np.ndarray:
    """Unit vectors along the last axis (zero vectors stay zero)."""
    return v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-12)


def heading_vectors(heading) -> tuple:
    """Forward and left unit vectors (..., 2) in the ground plane (x, z) for a yaw ``heading``."""
    heading = np.asarray(heading, dtype=np.float64)
    s, c = np.sin(heading), np.cos(heading)
    return np.stack([s, c], axis=-1), np.stack([c, -s], axis=-1)
