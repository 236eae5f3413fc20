"""Detector-like COCO-17 keypoints and person boxes from clean projected keypoints.

The noise model imitates a top-down 2D pose detector (ViTPose-like) run on a tracked person box:

- pixel noise proportional to the person's size (the side of the tight keypoint box, ``size``) with a
  per-keypoint scale from the COCO OKS sigmas (face points precise, hips vague): per-axis standard
  deviation ``noise_scale * COCO17_OKS_SIGMAS[k] * size``;
- temporally correlated: a fraction ``temporal_fraction`` of the noise variance is an AR(1) process
  with lag-1 correlation ``temporal_rho`` (slowly drifting errors), the rest is white (frame jitter);
- confidence falls with the error: ``conf_max * exp(-0.5 (err / (conf_width sigma_k))^2)`` plus small
  noise, clipped to [``conf_min``, 1];
- outliers: a keypoint is replaced by a wrong location ``outlier_range`` x size away (random direction)
  with confidence drawn in ``outlier_conf``, in events of ``event_frames`` frames covering a fraction
  ``outlier_rate`` of keypoint-frames;
- left-right swaps (``COCO17_FLIP`` pairs): positions and confidences of a pair exchanged, with the
  normal (high) confidence, in events covering a fraction ``swap_rate`` of pair-frames on average over
  the window, up to 5x more often in side views (shoulders and hips overlapping) than in frontal ones;
- keypoints that are not visible (``visible`` False) get confidence 0 and position (0, 0), so a missing
  keypoint leaks nothing.

Boxes (``bbox_from_points``): square, centred on the tight box of the in-view keypoints, side
``bbox_scale`` x its longer side (GVHMR uses 1.2), with smooth centre / scale jitter like a tracker's.
"""
import numpy as np
import torch

from unihmr.body.joint_sets import COCO17_FLIP, COCO17_NAMES

__all__ = ['COCO17_OKS_SIGMAS', 'DETECTOR_DEFAULTS', 'detect_keypoints', 'bbox_from_points', 'correlated_noise']

# COCO keypoint OKS sigmas (pycocotools), COCO17 order.
COCO17_OKS_SIGMAS = np.array([.026, .025, .025, .035, .035, .079, .079, .072, .072, .062, .062,
                              .107, .107, .087, .087, .089, .089])
# Left-right swaps concentrate in side views: horizontal gap of shoulders and hips (fraction of the person
# size) of a frontal view, and the relative swap weight of a frontal view (1 + this for a side view).
TORSO_LEFT = [COCO17_NAMES.index(name) for name in ('left_shoulder', 'left_hip')]
TORSO_RIGHT = [COCO17_FLIP[k] for k in TORSO_LEFT]
FRONTAL_GAP = 0.2
SIDE_VIEW_FLOOR = 0.25
# One keypoint of each left-right pair (COCO17_FLIP maps it to its partner).
LEFT_OF_PAIRS = tuple(k for k, partner in enumerate(COCO17_FLIP) if partner > k)

DETECTOR_DEFAULTS = dict(
    noise_scale=0.35,  # per-axis sigma = noise_scale * OKS sigma * person size: hips ~3.7 %, face ~0.9 %
    temporal_rho=0.85,  # lag-1 correlation of the drifting part of the noise (per frame)
    temporal_fraction=0.6,  # fraction of the noise variance that drifts; the rest is white jitter
    conf_max=0.95, conf_width=3.0, conf_noise=0.03, conf_min=0.05,
    outlier_rate=0.01, outlier_range=(0.1, 0.4), outlier_conf=(0.1, 0.6),
    swap_rate=0.005, event_frames=(1, 5),
    bbox_scale=1.2, bbox_center_jitter=0.02, bbox_scale_jitter=0.04,
)

_AR_CACHE = {}


def _ar1_matrix(num_frames: int, rho: float) -> np.ndarray:
    """(T, T) lower-triangular matrix (float64 tensor) turning white unit noise into a stationary
    unit-variance AR(1)."""
    key = (num_frames, rho)
    if key not in _AR_CACHE:
        lag = np.arange(num_frames)[:, None] - np.arange(num_frames)[None, :]
        L = np.where(lag >= 0, rho ** np.maximum(lag, 0), 0.0) * np.sqrt(1 - rho ** 2)
        L[:, 0] = np.where(lag[:, 0] >= 0, rho ** lag[:, 0], 0.0)  # start in the stationary distribution
        _AR_CACHE[key] = torch.from_numpy(L)
    return _AR_CACHE[key]


def correlated_noise(rng: np.random.Generator, shape, rho: float, fraction: float) -> np.ndarray:
    """Unit-variance noise of ``shape`` (T, ...): a ``fraction`` of the variance AR(1)(``rho``) over T, rest white."""
    num_frames = shape[0]
    white = rng.standard_normal(shape)
    white_drift = torch.from_numpy(rng.standard_normal((num_frames, int(np.prod(shape[1:])))))
    drift = (_ar1_matrix(num_frames, rho) @ white_drift).numpy()  # torch: no NumPy BLAS threads
    return np.sqrt(1 - fraction) * white + np.sqrt(fraction) * drift.reshape(shape)


def _events(rng: np.random.Generator, shape, rate: float, event_frames, weight: np.ndarray = None) -> np.ndarray:
    """Boolean (T, N): events of ``event_frames`` (min, max) frames covering about ``rate`` of the entries;
    with a per-frame ``weight`` (T,), events start proportionally more often where it is larger."""
    active = np.zeros(shape, bool)
    if rate <= 0:
        return active
    low, high = event_frames
    start_rate = rate / (0.5 * (low + high)) * (1.0 if weight is None else weight[:, None] / weight.mean())
    frames, columns = np.nonzero(rng.random(shape) < start_rate)  # event starts
    length = rng.integers(low, high + 1, size=frames.size)
    for lag in range(high):
        ongoing = (length > lag) & (frames + lag < shape[0])
        active[frames[ongoing] + lag, columns[ongoing]] = True
    return active


def _side_view(points: np.ndarray, size: np.ndarray) -> np.ndarray:
    """Per-frame weight (T,) in [SIDE_VIEW_FLOOR, 1 + SIDE_VIEW_FLOOR], larger when the left and right
    shoulders and hips overlap horizontally (side views), where detectors confuse left and right."""
    gap = np.abs(points[:, TORSO_LEFT, 0] - points[:, TORSO_RIGHT, 0]).mean(-1) / size
    return SIDE_VIEW_FLOOR + np.clip(1.0 - gap / FRONTAL_GAP, 0.0, 1.0)


def _person_size(points: np.ndarray) -> np.ndarray:
    """Longer side (T,) of the tight box of the points (T, N, 2), at least 1 pixel."""
    coords = np.ascontiguousarray(points.transpose(0, 2, 1))  # (T, 2, N): fast reductions over N
    extent = coords.max(-1) - coords.min(-1)
    return np.maximum(np.maximum(extent[:, 0], extent[:, 1]), 1.0)


def bbox_from_points(points: np.ndarray, rng: np.random.Generator, mask: np.ndarray = None, scale: float = 1.2,
                     center_jitter: float = 0.02, scale_jitter: float = 0.04, rho: float = 0.9) -> np.ndarray:
    """Square person boxes (T, 3) (centre x, y, side; pixels) around ``points`` (T, N, 2).

    Only points with ``mask`` (T, N) True count; a frame without any takes the box of the nearest frame
    that has some (all points if no frame has any). Centre jitter (fraction of the side) and log-scale
    jitter are smooth (AR(1), lag-1 correlation ``rho``).
    """
    num_frames = points.shape[0]
    mask = np.ones(points.shape[:2], bool) if mask is None else mask
    has = mask.any(1)
    if not has.any():
        mask, has = np.ones(points.shape[:2], bool), np.ones(num_frames, bool)
    coords = points.transpose(0, 2, 1)  # (T, 2, N)
    low = np.where(mask[:, None], coords, np.inf).min(-1)  # (T, 2), inf in frames without points
    high = np.where(mask[:, None], coords, -np.inf).max(-1)
    if not has.all():
        with_points = np.flatnonzero(has)
        nearest = with_points[np.abs(np.arange(num_frames)[:, None] - with_points[None]).argmin(1)]
        low, high = low[nearest], high[nearest]
    side = np.maximum(np.maximum(high[:, 0] - low[:, 0], high[:, 1] - low[:, 1]), 1.0) * scale
    jitter = correlated_noise(rng, (num_frames, 3), rho, 1.0)
    centre = 0.5 * (low + high) + center_jitter * side[:, None] * jitter[:, :2]
    return np.concatenate([centre, (side * np.exp(scale_jitter * jitter[:, 2]))[:, None]], axis=-1)


def detect_keypoints(coco17_px, rng: np.random.Generator, image_size, visible=None, in_view=None, **config):
    """Detector-like keypoints from clean projected COCO-17 keypoints ``coco17_px`` (T, 17, 2), pixels.

    Args:
        rng: the random generator (all draws come from it, in a fixed order).
        image_size: (W, H); keypoints outside the image are treated as not visible.
        visible: (T, 17) bool, keypoints a detector can see (occlusion ground truth); default all.
        in_view: (T, 17) bool, keypoints inside the image / truncation window that span the person box;
            default ``visible`` without the occlusion, i.e. inside the image.
        config: overrides of ``DETECTOR_DEFAULTS`` (unknown keys raise ValueError).

    Returns:
        kp2d (T, 17, 3) float32 tensor (x, y, confidence; 0 = missing) and bbox (T, 3) float32 tensor.
    """
    unknown = sorted(set(config) - set(DETECTOR_DEFAULTS))
    if unknown:
        raise ValueError(f'detect_keypoints: unknown options {unknown}; known: {sorted(DETECTOR_DEFAULTS)}')
    c = {**DETECTOR_DEFAULTS, **config}
    clean = np.asarray(coco17_px, dtype=np.float64)
    num_frames, num_kp = clean.shape[:2]
    width, height = image_size
    inside = (clean[..., 0] >= 0) & (clean[..., 0] < width) & (clean[..., 1] >= 0) & (clean[..., 1] < height)
    visible = inside if visible is None else np.asarray(visible, bool) & inside
    in_view = inside if in_view is None else np.asarray(in_view, bool) & inside

    size = _person_size(clean)
    sigma = c['noise_scale'] * COCO17_OKS_SIGMAS[None, :] * size[:, None]  # (T, 17) pixels per axis
    noise = correlated_noise(rng, (num_frames, num_kp, 2), c['temporal_rho'], c['temporal_fraction'])
    xy = clean + sigma[..., None] * noise
    # err / (conf_width sigma) with err = sigma |noise|: written without sigma, which is 0 for exact keypoints
    conf = c['conf_max'] * np.exp(-0.5 * (np.hypot(noise[..., 0], noise[..., 1]) / c['conf_width']) ** 2)
    conf = np.clip(conf + c['conf_noise'] * rng.standard_normal(conf.shape), c['conf_min'], 1.0)

    frames, kps = np.nonzero(_events(rng, (num_frames, num_kp), c['outlier_rate'], c['event_frames']))
    angle = rng.uniform(0, 2 * np.pi, frames.size)
    radius = rng.uniform(*c['outlier_range'], frames.size) * size[frames]
    xy[frames, kps] = clean[frames, kps] + radius[:, None] * np.stack([np.cos(angle), np.sin(angle)], -1)
    conf[frames, kps] = rng.uniform(*c['outlier_conf'], frames.size)

    swap = np.zeros((num_frames, num_kp), bool)
    swap[:, LEFT_OF_PAIRS] = _events(rng, (num_frames, len(LEFT_OF_PAIRS)), c['swap_rate'], c['event_frames'],
                                     _side_view(clean, size))
    if swap.any():
        swap |= swap[:, COCO17_FLIP]
        xy = np.where(swap[..., None], xy[:, COCO17_FLIP], xy)
        conf = np.where(swap, conf[:, COCO17_FLIP], conf)

    conf = np.where(visible, conf, 0.0)
    xy = np.where(visible[..., None], xy, 0.0)
    bbox = bbox_from_points(clean, rng, in_view, c['bbox_scale'], c['bbox_center_jitter'], c['bbox_scale_jitter'])
    kp2d = np.concatenate([xy, conf[..., None]], axis=-1)
    return torch.from_numpy(kp2d).float(), torch.from_numpy(bbox).float()
