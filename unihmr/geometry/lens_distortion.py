"""Lens distortion in OpenCV's model (coefficients k1, k2, p1, p2[, k3[, k4, k5, k6]]) on pixel arrays.

Written here in NumPy rather than taken from OpenCV: the project does not depend on ``opencv-python`` for two
formulas, and the inverse is OpenCV's own method (``undistortPoints``'s fixed-point iteration).
"""
import numpy as np

def _coefficients(k) -> np.ndarray:
    k = np.asarray(k, dtype=np.float64).reshape(-1)[:8]
    return np.concatenate([k, np.zeros(8 - len(k))])


def _distort_normalized(xy: np.ndarray, k: np.ndarray) -> np.ndarray:
    x, y = xy[..., 0], xy[..., 1]
    r2 = x * x + y * y
    radial = (1 + r2 * (k[0] + r2 * (k[1] + r2 * k[4]))) / (1 + r2 * (k[5] + r2 * (k[6] + r2 * k[7])))
    dx = 2 * k[2] * x * y + k[3] * (r2 + 2 * x * x)
    dy = k[2] * (r2 + 2 * y * y) + 2 * k[3] * x * y
    return np.stack([x * radial + dx, y * radial + dy], axis=-1)


def distort_pixels(pixels: np.ndarray, K: np.ndarray, camera_mtx: np.ndarray, k) -> np.ndarray:
    """Pinhole pixels (..., 2) of intrinsics ``K`` -> the distorted image's pixels (``camera_mtx``, ``k``)."""
    normalized = (pixels - K[:2, 2]) / np.diag(K)[:2]
    distorted = _distort_normalized(normalized, _coefficients(k))
    return distorted * np.diag(camera_mtx)[:2] + camera_mtx[:2, 2]


def undistort_pixels(pixels: np.ndarray, K: np.ndarray, camera_mtx: np.ndarray, k, iterations: int = 20) -> np.ndarray:
    """Inverse of :func:`distort_pixels` by fixed-point iteration (as OpenCV's ``undistortPoints``)."""
    k = _coefficients(k)
    distorted = (pixels - camera_mtx[:2, 2]) / np.diag(camera_mtx)[:2]
    xy = distorted.copy()
    for _ in range(iterations):
        xy = xy + (distorted - _distort_normalized(xy, k))
    return xy * np.diag(K)[:2] + K[:2, 2]
