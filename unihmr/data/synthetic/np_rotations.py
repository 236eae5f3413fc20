"""Plain NumPy rotation helpers for the synthetic-data pipeline (float64 unless asked, any leading dims).

At the size of one window (a few hundred rotations) the per-call overheads of torch / roma dominate the
20 ms budget of a window, so the motion and observation code convert with these; the tests check them
against roma. Conventions are those of ``unihmr.geometry.rotations``: matrices act on column vectors,
axis-angle has its angle in [0, pi] on output, 6D is the first column then the second column. World y is
up and the body faces +z at rest, so a yaw ``heading`` turns +z towards +x. Euler angles are stored as
(angle about x, about y, about z) and composed intrinsically in a per-joint order: ``'xyz'`` is
``Rx @ Ry @ Rz``, ``'yzx'`` is ``Ry @ Rz @ Rx``.
"""
import numpy as np

SMALL_ANGLE = 1e-8


def rotvec_to_matrix(rotvec) -> np.ndarray:
    """Axis-angle (..., 3) -> rotation matrices (..., 3, 3) (Rodrigues, no cancellation near zero)."""
    rotvec = np.asarray(rotvec, dtype=np.float64)
    x, y, z = np.ascontiguousarray(rotvec.reshape(-1, 3).T)
    angle = np.sqrt(x * x + y * y + z * z)
    safe = np.where(angle < SMALL_ANGLE, 1.0, angle)
    sinc = np.where(angle < SMALL_ANGLE, 1.0, np.sin(angle) / safe)  # sin(a) / a
    half = np.where(angle < SMALL_ANGLE, 0.5, 2.0 * (np.sin(0.5 * angle) / safe) ** 2)  # (1 - cos a) / a^2
    xx, yy, zz, xy, xz, yz = half * x * x, half * y * y, half * z * z, half * x * y, half * x * z, half * y * z
    sx, sy, sz = sinc * x, sinc * y, sinc * z
    rows = (1.0 - yy - zz, xy - sz, xz + sy, xy + sz, 1.0 - xx - zz, yz - sx, xz - sy, yz + sx, 1.0 - xx - yy)
    return np.stack(rows, axis=-1).reshape(*rotvec.shape[:-1], 3, 3)


def matrix_to_rotvec(R) -> np.ndarray:
    """Rotation matrices (..., 3, 3) -> axis-angle (..., 3), angle in [0, pi].

    Through the unit quaternion, taken from the largest of the four diagonal combinations (Shepperd),
    so it stays accurate at every angle including pi.
    """
    R = np.asarray(R, dtype=np.float64)
    m = np.ascontiguousarray(R.reshape(-1, 9).T)  # (9, N): m[3 * i + j] = R[..., i, j]
    m00, m01, m02, m10, m11, m12, m20, m21, m22 = m
    trace = m00 + m11 + m22
    # Four candidate quaternions (w, x, y, z) scaled by 4 * (their largest component); pick the best row.
    candidates = np.stack([
        np.stack([1 + trace, m21 - m12, m02 - m20, m10 - m01]),
        np.stack([m21 - m12, 1 + m00 - m11 - m22, m01 + m10, m02 + m20]),
        np.stack([m02 - m20, m01 + m10, 1 - m00 + m11 - m22, m12 + m21]),
        np.stack([m10 - m01, m02 + m20, m12 + m21, 1 - m00 - m11 + m22]),
    ])  # (4 candidates, 4 components, N)
    best = np.argmax(np.stack([trace, m00, m11, m22]), axis=0)
    q = np.take_along_axis(candidates, best[None, None], axis=0)[0]  # (4, N): the quaternion, scaled by > 0
    q = q * np.where(q[0] < 0, -1.0, 1.0)  # w >= 0: angle in [0, pi]
    w, v = q[0], q[1:]
    norm_v = np.sqrt((v * v).sum(0))
    angle = 2.0 * np.arctan2(norm_v, w)
    tiny = norm_v < SMALL_ANGLE * np.abs(w)  # angle ~ 2 |v| / w
    scale = np.where(tiny, 2.0 / np.where(w == 0, 1.0, w), angle / np.maximum(norm_v, 1e-300))
    return (v * scale).T.reshape(*R.shape[:-2], 3)


def rotvec_to_rot6d(rotvec) -> np.ndarray:
    """Axis-angle (..., 3) -> 6D (..., 6): first column, then second column of the matrix."""
    R = rotvec_to_matrix(rotvec)
    return np.concatenate([R[..., :, 0], R[..., :, 1]], axis=-1)


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




def normalize(v: np.ndarray) -> np.ndarray:
    """Unit vectors along the last axis (zero vectors stay zero)."""
    return v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-12)


def heading_vectors(heading) -> tuple:
    """Forward and left unit vectors (..., 2) in the ground plane (x, z) for a yaw ``heading``."""
    heading = np.asarray(heading, dtype=np.float64)
    s, c = np.sin(heading), np.cos(heading)
    return np.stack([s, c], axis=-1), np.stack([c, -s], axis=-1)
