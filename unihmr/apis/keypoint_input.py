"""Read a user's 2D-keypoint file (``.npz`` or ``.json``) into a data-contract window for inference.

Keys (``docs/demo.md``): ``kp2d`` (T, 17, 3) COCO-17 pixels + confidence (required); ``K`` (3, 3) or
(T, 3, 3) intrinsics (required); optional ``bbox`` (T, 3) centre x, y and size (default: the square box
around the confident keypoints, enlarged 1.2x), ``R_w2c`` (3, 3) or (T, 3, 3) (default: a static level
camera, ``diag(1, -1, -1)``: world y up, the camera looking along world -z), ``img_feat`` (T, D)
(default: zeros), ``fps`` (default 30). Every problem (missing key, wrong shape, non-finite value,
zero frames, unreadable file) raises ``KeypointFileError`` (a ``ValueError``) or
``FileNotFoundError`` naming it.

Degenerate observations are refused before any work (:func:`check_observations`), naming the key, the frame
and the value: a non-positive box size or focal length, a ``K`` whose last row is not (0, 0, 1) (a transposed
``K`` has its principal point there), an ``R_w2c`` that is not a rotation, a non-positive or non-scalar ``fps``,
keypoints that look normalised to [0, 1] instead of pixels, most keypoints more than one image size (twice
the principal point) outside the image. A box derived from the keypoints needs at least
``MIN_BOX_KEYPOINTS`` confident keypoints in a frame (a single joint gives a point-sized box and a body hundreds
of metres away); frames with fewer take the nearest frame's box.
"""
import json
import zipfile
from pathlib import Path

import numpy as np
import torch

from unihmr.data.contract import NUM_KEYPOINTS

class KeypointFileError(ValueError):
    """A user keypoint file is unreadable or malformed."""


LEVEL_CAMERA = np.diag([1.0, -1.0, -1.0])
BBOX_SCALE = 1.2
MIN_CONFIDENCE = 0.3
MIN_BOX_KEYPOINTS = 3  # confident keypoints a frame needs for a box of its own
ROTATION_TOL = 1e-3  # |R R^T - I| and |det R - 1| allowed for R_w2c
NORMALISED_EXTENT = 1.5  # every confident keypoint inside [0, 1.5] while the principal point is at > 10 px


def _read(path: Path) -> dict:
    if not path.is_file():
        raise FileNotFoundError(f'keypoint file not found: {path}')
    try:
        if path.suffix == '.npz':
            with np.load(path, allow_pickle=False) as data:
                return {key: data[key] for key in data.files}
        if path.suffix == '.json':
            content = json.loads(path.read_text())
            if not isinstance(content, dict):
                raise KeypointFileError(f'{path}: expected a JSON object of arrays (kp2d, K, ...), '
                                        f'got a {type(content).__name__}')
            return dict(content)
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as error:
        if isinstance(error, KeypointFileError):
            raise
        raise KeypointFileError(f'{path}: cannot read it ({type(error).__name__}: {error})') from None
    raise KeypointFileError(f'{path}: unsupported file type {path.suffix!r}; use .npz or .json')


def _array(data: dict, key: str, path: Path, shapes: list) -> np.ndarray:
    """``data[key]`` as float64, checked against the allowed ``shapes`` (None = any size) and for finiteness."""
    try:
        value = np.asarray(data[key], dtype=np.float64)
    except (ValueError, TypeError):
        raise KeypointFileError(f'{path}: {key} must hold numbers only (no strings, null or ragged lists)') from None
    if not any(len(shape) == value.ndim and all(s is None or s == v for s, v in zip(shape, value.shape))
               for shape in shapes):
        raise KeypointFileError(f'{path}: {key} must have shape {" or ".join(map(str, shapes))}, got {value.shape}')
    if not np.isfinite(value).all():
        raise KeypointFileError(f'{path}: {key} has {int((~np.isfinite(value)).sum())} non-finite values')
    return value


def _per_frame(value: np.ndarray, num_frames: int) -> np.ndarray:
    return np.broadcast_to(value, (num_frames, *value.shape[-2:])).copy() if value.ndim == 2 else value


def _bbox_from_keypoints(kp2d: np.ndarray) -> np.ndarray:
    """Square boxes (T, 3) around the confident keypoints; frames with none take the nearest frame's box."""
    confident = kp2d[..., 2] >= MIN_CONFIDENCE
    boxes = np.full((kp2d.shape[0], 3), np.nan)
    for t in np.flatnonzero(confident.sum(-1) >= MIN_BOX_KEYPOINTS):
        points = kp2d[t, confident[t], :2]
        low, high = points.min(0), points.max(0)
        boxes[t] = [*(0.5 * (low + high)), BBOX_SCALE * max((high - low).max(), 1.0)]
    known = np.flatnonzero(np.isfinite(boxes[:, 0]))
    if known.size == 0:
        raise KeypointFileError(f'kp2d: no frame has {MIN_BOX_KEYPOINTS} keypoints with confidence >= '
                                f'{MIN_CONFIDENCE}; pass bbox explicitly')
    for column in range(3):
        boxes[:, column] = np.interp(np.arange(len(boxes)), known, boxes[known, column])
    return boxes


def _fps(data: dict, path: Path) -> float:
    try:
        fps = np.asarray(data.get('fps', 30.0), dtype=np.float64)
    except (ValueError, TypeError):
        raise KeypointFileError(f'{path}: fps must be a number, got {data.get("fps")!r}') from None
    if fps.ndim != 0 or not np.isfinite(fps) or fps <= 0:
        raise KeypointFileError(f'{path}: fps must be one positive number, got {fps.tolist()!r}')
    return float(fps)


def _first_bad(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])


def check_observations(path: Path, kp2d: np.ndarray, K: np.ndarray, bbox: np.ndarray, R_w2c: np.ndarray) -> None:
    """Raise ``KeypointFileError`` for degenerate observations (see the module docstring), naming key, frame and value."""
    bottom = K[:, 2, :]
    if not np.allclose(bottom, [0.0, 0.0, 1.0], atol=1e-6):
        t = _first_bad(~np.isclose(bottom, [0.0, 0.0, 1.0], atol=1e-6).all(-1))
        hint = ' (it looks transposed: the principal point is in the last row)' if np.abs(K[t, :2, 2]).max() < 1e-9 \
            else ''
        raise KeypointFileError(f'{path}: K[{t}] last row must be (0, 0, 1), got {bottom[t].tolist()}{hint}')
    focal = np.stack([K[:, 0, 0], K[:, 1, 1]], -1)
    if (focal <= 0).any():
        t = _first_bad((focal <= 0).any(-1))
        raise KeypointFileError(f'{path}: K[{t}] focal lengths must be positive, got fx={focal[t, 0]}, fy={focal[t, 1]}')
    if (bbox[:, 2] <= 0).any():
        t = _first_bad(bbox[:, 2] <= 0)
        raise KeypointFileError(f'{path}: bbox[{t}] size must be positive (pixels), got {bbox[t, 2]}')
    gram = np.einsum('tij,tkj->tik', R_w2c, R_w2c) - np.eye(3)
    bad = (np.abs(gram).max((-1, -2)) > ROTATION_TOL) | (np.abs(np.linalg.det(R_w2c) - 1) > ROTATION_TOL)
    if bad.any():
        t = _first_bad(bad)
        raise KeypointFileError(f'{path}: R_w2c[{t}] is not a rotation (R R^T != I or det != 1): {R_w2c[t].tolist()}')
    points = kp2d[..., :2][kp2d[..., 2] >= MIN_CONFIDENCE]
    image = 2 * K[0, :2, 2]  # the image size the principal point implies
    outside = ((points < -image) | (points > 2 * image)).any(-1) if points.size else np.zeros(0, bool)
    if outside.size and outside.mean() > 0.5:
        raise KeypointFileError(f'{path}: {100 * outside.mean():.0f}% of the confident kp2d lie more than one image '
                                f'size outside the image (about {image.tolist()} px from K); check their units and K')
    if points.size and points.min() >= 0 and points.max() <= NORMALISED_EXTENT and K[:, :2, 2].min() > 10:
        raise KeypointFileError(f'{path}: kp2d looks normalised (every confident keypoint in [0, {NORMALISED_EXTENT}] '
                                f'while K puts the principal point at {K[0, :2, 2].tolist()} px); give pixels')


def _camera_option(K, image_size, fov_deg, path: Path):
    """K (3, 3) from the ``K`` option (3 x 3, or fx, fy, cx, cy) or guessed from ``image_size`` (W, H) and ``fov_deg``."""
    from unihmr.apis.detector_formats import guess_intrinsics
    if K is not None:
        K = np.asarray(K, dtype=np.float64)
        if K.shape == (4,):
            K = np.array([[K[0], 0.0, K[2]], [0.0, K[1], K[3]], [0.0, 0.0, 1.0]])
        if K.shape != (3, 3) or not np.isfinite(K).all():
            raise KeypointFileError(f'demo.K: expected a 3 x 3 matrix or fx, fy, cx, cy, got {K.tolist()}')
        return K
    if image_size is None:
        raise KeypointFileError(f'{path}: the file has no intrinsics; pass demo.K=[fx,fy,cx,cy] or '
                                'demo.image_size=[W,H] (the focal length is then guessed, docs/demo.md)')
    size = np.asarray(image_size, dtype=np.float64)
    if size.shape != (2,) or not (size > 0).all():
        raise KeypointFileError(f'demo.image_size: expected two positive numbers W, H, got {size.tolist()}')
    if fov_deg is not None and not 1.0 < float(fov_deg) < 179.0:
        raise KeypointFileError(f'demo.fov_deg: expected degrees in (1, 179), got {fov_deg}')
    return guess_intrinsics(size, fov_deg)


def load_keypoint_window(path, feat_dim: int, track_id=None, K=None, image_size=None, fov_deg=None,
                         fps=None) -> dict:
    """A contract window (float32 tensors, no targets) from a keypoint file, for ``Recoverer.recover``.

    ``path`` is our format (module docstring) or a detector's output (``detector_formats``: COCO results
    JSON, an OpenPose JSON folder, MMPose predictions), of which the person ``track_id`` is kept. ``K`` (3 x 3
    or fx, fy, cx, cy), else ``image_size`` (W, H) with ``fov_deg``, give the intrinsics a file lacks; ``fps``
    overrides the file's."""
    from unihmr.apis.detector_formats import detect_format, read_detections
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f'keypoint file not found: {path}')
    detector = detect_format(path) != 'ours'
    if detector:
        kp2d, note = read_detections(path, track_id)
        data = dict(kp2d=kp2d)
    else:
        data, note = _read(path), 'our keypoint format'
    if K is not None or ('K' not in data and (detector or image_size is not None)):
        data['K'] = _camera_option(K, image_size, fov_deg, path)  # detector outputs never hold intrinsics
    if fps is not None:
        data['fps'] = fps
    missing = [key for key in ('kp2d', 'K') if key not in data]
    if missing:
        raise KeypointFileError(f'{path}: missing keys {missing}; present: {sorted(data)}')
    kp2d = _array(data, 'kp2d', path, [(None, NUM_KEYPOINTS, 3)])
    num_frames = kp2d.shape[0]
    if num_frames == 0:
        raise KeypointFileError(f'{path}: kp2d has zero frames')
    K = _per_frame(_array(data, 'K', path, [(3, 3), (num_frames, 3, 3)]), num_frames)
    bbox = (_array(data, 'bbox', path, [(num_frames, 3)]) if 'bbox' in data else _bbox_from_keypoints(kp2d))
    R_w2c = _per_frame(_array(data, 'R_w2c', path, [(3, 3), (num_frames, 3, 3)]) if 'R_w2c' in data
                       else LEVEL_CAMERA, num_frames)
    img_feat = (_array(data, 'img_feat', path, [(num_frames, feat_dim)]) if 'img_feat' in data
                else np.zeros((num_frames, feat_dim)))
    fps = _fps(data, path)
    check_observations(path, kp2d, K, bbox, R_w2c)
    as_tensor = lambda a: torch.as_tensor(a, dtype=torch.float32)  # noqa: E731
    return dict(kp2d=as_tensor(kp2d), bbox=as_tensor(bbox), K=as_tensor(K), R_w2c=as_tensor(R_w2c),
                img_feat=as_tensor(img_feat), valid=torch.ones(num_frames, dtype=torch.bool),
                meta=dict(dataset='user', seq_id=path.stem, start=0, fps=fps, gravity=torch.tensor([0.0, -1.0, 0.0]),
                          has_img_feat='img_feat' in data, source_note=note))
