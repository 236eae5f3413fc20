"""Occlusion with exact per-joint visibility: moving occluders, truncation, body-part masks, temporal drop-outs.

Everything works on clean projected points in full-image pixels: the 22 SMPL-X body joints
``joints_px`` (T, 22, 2) and the COCO-17 keypoints ``coco17_px`` (T, 17, 2). A point is visible when it
lies inside the image, inside the truncation window, outside every occluder rectangle, is not in the
masked body part and its frame is not dropped. Four kinds, each drawn with its probability per window:

- occluders (3DPW-XOCC-like, NIKI's ``get_synth_size``): rectangles of ``occluder_area`` x the person's
  tight box area, aspect ``occluder_aspect``, placed in box-relative coordinates and moved between
  keyframes every ``occluder_keyframe_frames`` frames by up to ``occluder_step`` of the box (XOCC
  re-draws a position anywhere in the box every 8 frames and interpolates), linearly interpolated;
  present for a random segment of ``occluder_duration`` x the window. They follow the person's box.
- truncation of one side (bottom twice as likely as top, left or right) at a cut line
  ``truncation_fraction`` of the person's extent in from that side of the tight box. Mode ``crop``
  (XOCC's crop truncation): the line follows the person, with keyframed jitter, and is reported as a
  per-frame visible window; the image is unchanged. Mode ``edge``: a fixed line becomes a real image
  border. :func:`sample_truncation` gives ``edge_shift``, the pixel shift of the image content that
  puts the line on the border (``observe_motion`` re-aims its camera by it: realistic K and image
  size), and ``image_crop``, the equivalent crop (x0, y0, x1, y1; at least ``MIN_CROP_FRACTION`` of
  each side) for callers that cannot move the camera (:func:`shift_to_crop` re-expresses K, pixels).
- a body-part mask (``BODY_PARTS``: upper, lower, arms, legs), e.g. a table or another person, for a
  segment of ``part_duration`` x the window; face keypoints go with the head.
- temporal drop-outs: ``num_dropouts`` segments of ``dropout_frames`` frames with nothing visible.

Severities are named presets (``OCCLUSION_PRESETS``: none, mild, heavy) of these options; a config
dict may override any of them. Self-occlusion by the body itself is not modelled.
"""
import math

import numpy as np

from unihmr.body.joint_sets import BODY_JOINT_NAMES, COCO17_NAMES

__all__ = ['BODY_PARTS', 'OCCLUSION_PRESETS', 'MAX_OCCLUDERS', 'occlusion_config', 'sample_occlusion',
           'sample_truncation', 'points_in_rects', 'visibility', 'apply_visibility', 'shift_to_crop']

MAX_OCCLUDERS = 4  # occluder rectangles are reported padded to this many (NaN rows), for batching
TRUNCATION_SIDES = ('bottom', 'top', 'left', 'right')
TRUNCATION_SIDE_WEIGHTS = (0.4, 0.2, 0.2, 0.2)
MIN_CROP_FRACTION = 0.25  # an 'edge' crop keeps at least this fraction of the image width / height
CROP_JITTER = 0.05  # keyframed jitter of a 'crop' cut line, fraction of the person's extent

BODY_PARTS = {
    'upper': ('spine3', 'neck', 'left_collar', 'right_collar', 'head', 'left_shoulder', 'right_shoulder',
              'left_elbow', 'right_elbow', 'left_wrist', 'right_wrist'),
    'lower': ('pelvis', 'left_hip', 'right_hip', 'left_knee', 'right_knee', 'left_ankle', 'right_ankle',
              'left_foot', 'right_foot'),
    'left_arm': ('left_shoulder', 'left_elbow', 'left_wrist'),
    'right_arm': ('right_shoulder', 'right_elbow', 'right_wrist'),
    'left_leg': ('left_knee', 'left_ankle', 'left_foot'),
    'right_leg': ('right_knee', 'right_ankle', 'right_foot'),
}
# The body joint each COCO keypoint belongs to, for part masks: face points belong to the head.
COCO17_BODY_PART_JOINT = tuple('head' if name in ('nose', 'left_eye', 'right_eye', 'left_ear', 'right_ear') else name
                               for name in COCO17_NAMES)

_NO_OCCLUSION = dict(
    occluder_prob=0.0, num_occluders=(1, 1), occluder_area=(0.03, 0.12), occluder_aspect=(0.5, 2.0),
    occluder_duration=(0.3, 1.0), occluder_keyframe_frames=8, occluder_step=0.15,
    truncation_prob=0.0, truncation_modes=('crop', 'edge'), truncation_fraction=(0.1, 0.3),
    part_prob=0.0, parts=tuple(BODY_PARTS), part_duration=(0.1, 0.4),
    dropout_prob=0.0, num_dropouts=(1, 1), dropout_frames=(1, 3),
)
OCCLUSION_PRESETS = {
    'none': dict(_NO_OCCLUSION),
    'mild': {**_NO_OCCLUSION, 'occluder_prob': 0.5, 'truncation_prob': 0.1, 'part_prob': 0.1, 'dropout_prob': 0.1},
    'heavy': {**_NO_OCCLUSION, 'occluder_prob': 0.9, 'num_occluders': (1, 3), 'occluder_area': (0.05, 0.3),
              'occluder_duration': (0.6, 1.0), 'occluder_step': 0.5, 'truncation_prob': 0.4,
              'truncation_fraction': (0.2, 0.5), 'part_prob': 0.3, 'part_duration': (0.3, 1.0),
              'dropout_prob': 0.3, 'num_dropouts': (1, 3), 'dropout_frames': (2, 8)},
}


def occlusion_config(severity: str = 'none', overrides: dict = None) -> dict:
    """The preset of ``severity`` updated with ``overrides``; unknown names raise ValueError."""
    if severity not in OCCLUSION_PRESETS:
        raise ValueError(f"occlusion severity: unknown '{severity}'; known: {tuple(OCCLUSION_PRESETS)}")
    overrides = dict(overrides or {})
    unknown = sorted(set(overrides) - set(_NO_OCCLUSION))
    if unknown:
        raise ValueError(f'occlusion config: unknown options {unknown}; known: {sorted(_NO_OCCLUSION)}')
    config = {**OCCLUSION_PRESETS[severity], **overrides}
    if config['num_occluders'][1] > MAX_OCCLUDERS:
        raise ValueError(f"occlusion config: num_occluders {config['num_occluders']} exceeds {MAX_OCCLUDERS}")
    return config


def points_in_rects(points: np.ndarray, rects: np.ndarray) -> np.ndarray:
    """(T, N) bool: point (T, N, 2) inside any rectangle (T, M, 4) x0, y0, x1, y1 (NaN rows: absent)."""
    x, y = points[..., 0], points[..., 1]
    inside = np.zeros(points.shape[:2], bool)
    for m in np.flatnonzero(np.isfinite(rects[..., 0]).any(0)):  # rectangles present in some frame
        x0, y0, x1, y1 = (rects[:, m, i, None] for i in range(4))
        with np.errstate(invalid='ignore'):
            inside |= (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)
    return inside


def visibility(points: np.ndarray, image_size, occluders: np.ndarray = None, window: np.ndarray = None) -> np.ndarray:
    """(T, N) bool: points (T, N, 2) inside the image (W, H), inside ``window`` (T, 4) if given (NaN rows:
    no window) and outside every ``occluders`` rectangle (T, M, 4) if given."""
    x, y = points[..., 0], points[..., 1]
    width, height = image_size
    vis = (x >= 0) & (x < width) & (y >= 0) & (y < height)
    if window is not None:
        vis &= ~np.isfinite(window[:, :1]) | points_in_rects(points, window[:, None])
    if occluders is not None:
        vis &= ~points_in_rects(points, occluders)
    return vis


def _segment(rng, num_frames: int, duration) -> np.ndarray:
    """(T,) bool: one random segment lasting ``duration`` (min, max fraction of T) frames."""
    length = max(1, round(rng.uniform(*duration) * num_frames))
    start = rng.integers(0, num_frames - length + 1)
    active = np.zeros(num_frames, bool)
    active[start:start + length] = True
    return active


def _keyframed(rng, num_frames: int, interval: int, start, step: float, low=0.0, high=1.0) -> np.ndarray:
    """(T, D) random walk from ``start`` (D,) with uniform steps of +-``step`` every ``interval`` frames,
    clipped to [low, high] and linearly interpolated between keyframes."""
    keys = np.arange(0, num_frames + interval, interval)
    steps = rng.uniform(-step, step, (len(keys) - 1, len(start)))
    walk = np.cumsum(np.concatenate([np.asarray(start, dtype=np.float64)[None], steps]), 0)
    walk = np.clip(walk, low, high)
    frames = np.arange(num_frames)
    return np.stack([np.interp(frames, keys, walk[:, d]) for d in range(walk.shape[1])], -1)


def _occluders(rng, c, low, high) -> np.ndarray:
    """(T, MAX_OCCLUDERS, 4) rectangles following the person's tight box ``low``, ``high`` (T, 2)."""
    num_frames = low.shape[0]
    rects = np.full((num_frames, MAX_OCCLUDERS, 4), np.nan)
    extent = np.maximum(high - low, 1.0)
    box_area = np.median(extent.prod(-1))
    for m in range(rng.integers(c['num_occluders'][0], c['num_occluders'][1] + 1)):
        area, aspect = rng.uniform(*c['occluder_area']) * box_area, rng.uniform(*c['occluder_aspect'])
        half = 0.5 * np.array([math.sqrt(area * aspect), math.sqrt(area / aspect)])
        rel = _keyframed(rng, num_frames, c['occluder_keyframe_frames'], rng.uniform(0, 1, 2), c['occluder_step'])
        centre = low + rel * extent
        active = _segment(rng, num_frames, c['occluder_duration'])
        rects[active, m] = np.concatenate([centre - half, centre + half], -1)[active]
    return rects


def _tight_box(points: np.ndarray):
    """Per-frame tight box of points (T, N, 2): low (T, 2), high (T, 2)."""
    coords = np.ascontiguousarray(points.transpose(0, 2, 1))  # (T, 2, N): fast reductions over N
    return coords.min(-1), coords.max(-1)


def sample_truncation(points_px, image_size, rng: np.random.Generator, config: dict) -> dict:
    """Draw the truncation of one window from the person's clean points (T, N, 2) in image (W, H).

    Returns dict: ``mode`` ('' none, 'crop' or 'edge'), ``window`` (T, 4) visible window x0, y0, x1, y1
    (NaN rows: none; for 'edge' the crop), ``edge_shift`` (2,) pixels by which the image content must
    move to put the cut on the image border (zero unless 'edge'), ``image_crop`` (4,) (NaN unless 'edge').
    """
    points_px = np.asarray(points_px, np.float64)
    num_frames = points_px.shape[0]
    result = dict(mode='', window=np.full((num_frames, 4), np.nan), edge_shift=np.zeros(2),
                  image_crop=np.full(4, np.nan))
    if rng.random() >= config['truncation_prob']:
        return result
    low, high = _tight_box(points_px)
    side = TRUNCATION_SIDES[rng.choice(len(TRUNCATION_SIDES), p=TRUNCATION_SIDE_WEIGHTS)]
    mode = config['truncation_modes'][rng.integers(len(config['truncation_modes']))]
    fraction = rng.uniform(*config['truncation_fraction'])
    axis = 1 if side in ('bottom', 'top') else 0
    far_side = side in ('bottom', 'right')  # the cut removes the high-coordinate part
    bound = axis + (2 if far_side else 0)  # which window coordinate the cut line sets
    extent = high[:, axis] - low[:, axis]
    cut = high[:, axis] - fraction * extent if far_side else low[:, axis] + fraction * extent
    window = np.tile(np.array([0.0, 0.0, *image_size], dtype=np.float64), (num_frames, 1))
    if mode == 'crop':
        jitter = _keyframed(rng, num_frames, config['occluder_keyframe_frames'], [0.0], CROP_JITTER, -1.0, 1.0)
        window[:, bound] = cut + jitter[:, 0] * extent
    else:
        size = image_size[axis]
        line = float(np.median(cut))
        result['edge_shift'][axis] = size - line if far_side else -line
        keep = MIN_CROP_FRACTION * size
        line = float(np.clip(round(line), keep, size) if far_side else np.clip(round(line), 0, size - keep))
        window[:, bound] = line
        result['image_crop'] = window[0].copy()
    result.update(mode=mode, window=window)
    return result


def sample_occlusion(joints_px, coco17_px, image_size, rng: np.random.Generator, config: dict,
                     truncation: dict = None) -> dict:
    """Draw one window's occlusion and the resulting visibility.

    Args:
        joints_px: (T, 22, 2) clean projected body joints; coco17_px: (T, 17, 2) clean COCO keypoints.
        image_size: (W, H) pixels. config: from :func:`occlusion_config`.
        truncation: a :func:`sample_truncation` result already applied by the caller (e.g. an 'edge'
            truncation realised by re-aiming the camera); None draws one here.

    Returns dict of numpy arrays: ``joint_vis`` (T, 22), ``coco_vis`` (T, 17), ``coco_in_view`` (T, 17)
    (inside image and truncation window: what a person box spans), ``occluders`` (T, MAX_OCCLUDERS, 4),
    ``truncation`` (T, 4) visible window (NaN rows if none), ``truncation_mode`` ('' if none),
    ``image_crop`` (4,) and ``edge_shift`` (2,) (see :func:`sample_truncation`), ``part`` ('' if none),
    ``part_frames`` (T,), ``dropout`` (T,).
    """
    joints_px, coco17_px = np.asarray(joints_px, np.float64), np.asarray(coco17_px, np.float64)
    num_frames = joints_px.shape[0]
    everything = np.concatenate([joints_px, coco17_px], axis=1)
    if truncation is None:
        truncation = sample_truncation(everything, image_size, rng, config)
    occluders = np.full((num_frames, MAX_OCCLUDERS, 4), np.nan)
    if rng.random() < config['occluder_prob']:
        occluders = _occluders(rng, config, *_tight_box(everything))
    window = truncation['window']
    part, part_frames = '', np.zeros(num_frames, bool)
    if rng.random() < config['part_prob']:
        part = config['parts'][rng.integers(len(config['parts']))]
        part_frames = _segment(rng, num_frames, config['part_duration'])
    dropout = np.zeros(num_frames, bool)
    if rng.random() < config['dropout_prob']:
        for _ in range(rng.integers(config['num_dropouts'][0], config['num_dropouts'][1] + 1)):
            length = min(num_frames, int(rng.integers(config['dropout_frames'][0], config['dropout_frames'][1] + 1)))
            start = rng.integers(0, num_frames - length + 1)
            dropout[start:start + length] = True

    hidden = set(BODY_PARTS[part]) if part else set()
    joint_part = np.array([name in hidden for name in BODY_JOINT_NAMES])
    coco_part = np.array([name in hidden for name in COCO17_BODY_PART_JOINT])
    masked = dropout[:, None]
    coco_in_view = visibility(coco17_px, image_size, window=window)
    joint_vis = visibility(joints_px, image_size, occluders, window) & ~(part_frames[:, None] & joint_part) & ~masked
    coco_vis = coco_in_view & ~points_in_rects(coco17_px, occluders) & ~(part_frames[:, None] & coco_part) & ~masked
    return dict(joint_vis=joint_vis, coco_vis=coco_vis, coco_in_view=coco_in_view, occluders=occluders,
                truncation=window, truncation_mode=truncation['mode'], image_crop=truncation['image_crop'],
                edge_shift=truncation['edge_shift'], part=part, part_frames=part_frames, dropout=dropout)


def apply_visibility(kp2d, vis, joint_vis, coco_vis):
    """Occlude a window's observations: returns (kp2d, vis) with ``vis`` (T, 22) AND ``joint_vis`` and
    keypoints (T, 17, 3) not in ``coco_vis`` (T, 17) set to (0, 0, 0). Tensors or arrays; inputs unchanged."""
    keep = coco_vis[..., None]
    return kp2d * keep, vis & joint_vis


def shift_to_crop(image_crop, K, *pixel_arrays):
    """Re-express intrinsics ``K`` (..., 3, 3) and pixel arrays in an image crop (x0, y0, x1, y1).

    Each array's last axis holds points (x, y) or rectangles (x0, y0, x1, y1): even entries shift by
    the crop's x0, odd ones by its y0. Returns (K, arrays..., (W, H) of the crop); inputs are unchanged.
    """
    x0, y0, x1, y1 = (float(v) for v in image_crop)
    K = np.array(K, dtype=np.float64)
    K[..., 0, 2] -= x0
    K[..., 1, 2] -= y0
    shifted = [np.asarray(array, np.float64) - np.resize([x0, y0], np.shape(array)[-1]) for array in pixel_arrays]
    return (K, *shifted, (int(round(x1 - x0)), int(round(y1 - y0))))
