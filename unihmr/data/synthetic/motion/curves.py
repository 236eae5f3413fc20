"""Smooth 1D building blocks for procedural motion: easing, keyframe splines, inertialised transitions.

All functions take a time (or phase) array and are vectorised over frames and channels.
"""
import numpy as np


def smoothstep(x) -> np.ndarray:
    """C1 ease 3x^2 - 2x^3 of ``x`` clipped to [0, 1]."""
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3.0 - 2.0 * x)


def minjerk(x) -> np.ndarray:
    """Minimum-jerk ease 10x^3 - 15x^4 + 6x^5 of ``x`` clipped to [0, 1] (zero velocity, acceleration at the ends)."""
    x = np.clip(x, 0.0, 1.0)
    return x * x * x * (10.0 + x * (6.0 * x - 15.0))


def window(t, start, rise, end, fall) -> np.ndarray:
    """Envelope (T,) rising over [start, start + rise] and falling over [end - fall, end] (min-jerk edges)."""
    up = minjerk((t - start) / max(rise, 1e-6))
    down = 1.0 - minjerk((t - (end - fall)) / max(fall, 1e-6))
    return up * down


def keyframes(t, times, values) -> np.ndarray:
    """Monotone cubic (PCHIP, Fritsch-Carlson) interpolation of keyframes, held constant outside them.

    t (T,) query times; times (K,) increasing; values (K, ...) channels. Returns (T, ...). Keys that
    are local extrema get zero slope, so holds and turning points come out naturally.
    """
    times = np.asarray(times, dtype=np.float64)
    values = np.asarray(values, dtype=np.float64)
    flat = values.reshape(len(times), -1)
    h = np.diff(times)[:, None]
    delta = np.diff(flat, axis=0) / h
    slope = np.zeros_like(flat)
    if len(times) > 2:
        w1, w2 = 2 * h[1:] + h[:-1], h[1:] + 2 * h[:-1]
        same = delta[:-1] * delta[1:] > 0
        harmonic = (w1 + w2) / (w1 / np.where(same, delta[:-1], 1.0) + w2 / np.where(same, delta[1:], 1.0))
        slope[1:-1] = np.where(same, harmonic, 0.0)
    index = np.clip(np.searchsorted(times, t, side='right') - 1, 0, len(times) - 2)
    span = h[index]
    s = np.clip((t - times[index])[:, None] / span, 0.0, 1.0)
    s2, s3 = s * s, s * s * s
    out = ((2 * s3 - 3 * s2 + 1) * flat[index] + (s3 - 2 * s2 + s) * span * slope[index]
           + (-2 * s3 + 3 * s2) * flat[index + 1] + (s3 - s2) * span * slope[index + 1])
    return out.reshape((len(t),) + values.shape[1:])


def inertialize(x0, v0, t, duration) -> np.ndarray:
    """Offset (T, ...) decaying from ``x0`` with velocity ``v0`` to 0 at ``duration`` (quintic, Bollo 2016).

    Added to the frames of a new segment, it makes a transition continuous in value and velocity.
    ``x0``/``v0`` (...) per channel; t (T,) seconds since the junction.
    """
    x0, v0 = np.asarray(x0, dtype=np.float64), np.asarray(v0, dtype=np.float64)
    d = float(duration)
    v0 = np.where(x0 * v0 > 0, 0.0, v0)  # never overshoot away from zero
    v0 = np.where(np.abs(v0) * d > 5 * np.abs(x0), np.sign(v0) * 5 * np.abs(x0) / d, v0)
    a0 = (-8 * v0 * d - 20 * x0) / d ** 2
    A = -(a0 * d ** 2 + 6 * v0 * d + 12 * x0) / (2 * d ** 5)
    B = (3 * a0 * d ** 2 + 16 * v0 * d + 30 * x0) / (2 * d ** 4)
    C = -(3 * a0 * d ** 2 + 12 * v0 * d + 20 * x0) / (2 * d ** 3)
    tt = np.clip(t, 0.0, d).reshape((-1,) + (1,) * x0.ndim)
    return A * tt ** 5 + B * tt ** 4 + C * tt ** 3 + 0.5 * a0 * tt ** 2 + v0 * tt + x0


def softmin(values: np.ndarray, temperature: float, axis: int = 0) -> np.ndarray:
    """Smooth minimum ``-tau * log(sum(exp(-v / tau)))`` along ``axis``; never above the true minimum."""
    low = values.min(axis=axis, keepdims=True)
    total = np.exp(-(values - low) / temperature).sum(axis=axis, keepdims=True)
    return np.squeeze(low - temperature * np.log(total), axis=axis)


def smooth_upper(x: np.ndarray, radius: int) -> np.ndarray:
    """A smooth curve (T,) never below ``x``: running maximum over +-``radius`` frames, then a binomial
    filter of the same support (each output is an average of maxima that all cover the frame itself)."""
    if radius < 1 or len(x) < 2:
        return x
    padded = np.pad(x, radius, mode='edge')
    peak = np.lib.stride_tricks.sliding_window_view(padded, 2 * radius + 1).max(-1)
    kernel = np.array([1.0])
    for _ in range(2 * radius):
        kernel = np.convolve(kernel, [0.5, 0.5])
    return np.convolve(np.pad(peak, radius, mode='edge'), kernel, mode='valid')


def smooth_noise(rng: np.random.Generator, t: np.ndarray, channels: int, low_hz: float, high_hz: float,
                 terms: int = 3) -> np.ndarray:
    """Band-limited random signal (T, channels) with unit-ish amplitude: a sum of random sinusoids."""
    freqs = rng.uniform(low_hz, high_hz, (terms, channels))
    phases = rng.uniform(0, 2 * np.pi, (terms, channels))
    amps = rng.uniform(0.5, 1.0, (terms, channels)) / terms
    return (amps * np.sin(2 * np.pi * freqs * t[:, None, None] + phases)).sum(axis=1)
