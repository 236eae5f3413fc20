"""Plain NumPy rotation conversions for the observation pipeline (float64, any leading dims ``...``).

At the size of one window (a few hundred rotations) the per-call overheads of torch / roma dominate, so
the observation code converts with these. Conventions are those of ``unihmr.geometry.rotations``:
matrices act on column vectors, axis-angle has its angle in [0, pi] on output, 6D is the first column
then the second column of the matrix.
"""
import numpy as np

__all__ = ['rotvec_to_matrix', 'matrix_to_rotvec', 'rotvec_to_rot6d']

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
