"""2D-detector outputs as COCO-17 keypoint tracks: COCO results JSON, OpenPose JSON folders, MMPose predictions.

Formats (the fields read; everything else is ignored):

- **COCO keypoint results** (``.json``: a list of detections, as COCO's ``loadRes`` takes them):
  ``image_id`` (the frame; frames are the sorted distinct ids), ``keypoints`` (51 numbers: x, y, score for
  the 17 COCO keypoints), ``score`` (the person score), optional ``track_id``.
- **OpenPose** (a folder of ``*_keypoints.json``, one per frame, sorted by name): ``people[i].pose_keypoints_2d``
  (BODY_25: 75 numbers, or COCO-18: 54; mapped to COCO-17 by name), optional ``people[i].person_id``
  (OpenPose's tracking id; -1 or ``[-1]`` when untracked).
- **MMPose / RTMPose** (``.json`` from ``MMPoseInferencer(..., pred_out_dir=...)``): a list of frames
  ``{"frame_id": i, "instances": [...]}`` (video) or a list of instances (one image); an instance has
  ``keypoints`` (K, 2) and ``keypoint_scores`` (K,) with K = 17 (COCO), 26 (Halpe, COCO first) or 133
  (COCO-WholeBody, COCO first), optional ``bbox_score`` and ``track_id``.

One person is kept: ``track_id`` when given (frames without it are missing: confidence 0); else, when the
file has track ids, the track seen in the most frames; else, per frame, the best-scoring person (the
detection score, else the mean keypoint score). Problems raise ``KeypointFileError`` naming the file (and
frame / field).
"""
import json
from pathlib import Path

import numpy as np

from unihmr.apis.keypoint_input import KeypointFileError  # the demo's error type (exit 2, one line)
from unihmr.body.joint_sets import COCO17_NAMES

NUM_COCO = len(COCO17_NAMES)
BODY25_NAMES = ('nose', 'neck', 'right_shoulder', 'right_elbow', 'right_wrist', 'left_shoulder', 'left_elbow',
                'left_wrist', 'mid_hip', 'right_hip', 'right_knee', 'right_ankle', 'left_hip', 'left_knee',
                'left_ankle', 'right_eye', 'left_eye', 'right_ear', 'left_ear', 'left_big_toe', 'left_small_toe',
                'left_heel', 'right_big_toe', 'right_small_toe', 'right_heel')
COCO17_FROM_BODY25 = tuple(BODY25_NAMES.index(name) for name in COCO17_NAMES)
MMPOSE_COCO_FIRST = (17, 26, 133)  # keypoint counts whose first 17 are COCO-17 (COCO, Halpe, COCO-WholeBody)


def _load_json(path: Path):
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise KeypointFileError(f'{path}: cannot read it as JSON ({type(error).__name__}: {error})') from None


def detect_format(path) -> str:
    """``'openpose'`` (a folder), ``'coco'``, ``'mmpose'`` (JSON lists) or ``'ours'`` (``.npz`` / a JSON object)."""
    path = Path(path)
    if path.is_dir():
        return 'openpose'
    if path.suffix != '.json':
        return 'ours'
    content = _load_json(path)
    if isinstance(content, dict):
        return 'ours'
    if isinstance(content, list) and content and isinstance(content[0], dict):
        first = content[0]
        if 'image_id' in first and 'keypoints' in first:
            return 'coco'
        if 'instances' in first or 'keypoint_scores' in first:
            return 'mmpose'
    raise KeypointFileError(f'{path}: expected a JSON object of arrays (kp2d, K, ...), COCO results (a list of image_id, '
                 'keypoints) or MMPose predictions (instances / keypoints, keypoint_scores); docs/demo.md')


def _coco_people(path: Path) -> dict:
    frames = {}
    for number, det in enumerate(_load_json(path)):
        keypoints = np.asarray(det.get('keypoints', []), dtype=np.float64)
        if keypoints.shape != (3 * NUM_COCO,) or 'image_id' not in det:
            raise KeypointFileError(f'{path}: detection {number}: expected image_id and 51 keypoint numbers, '
                         f'got {keypoints.shape[0] if keypoints.ndim == 1 else keypoints.shape} numbers')
        kp = keypoints.reshape(NUM_COCO, 3)
        frames.setdefault(det['image_id'], []).append((det.get('track_id'), float(det.get('score', kp[:, 2].mean())), kp))
    return {key: frames[key] for key in sorted(frames)}


def _openpose_people(folder: Path) -> dict:
    files = sorted(folder.glob('*_keypoints.json'))
    if not files:
        raise KeypointFileError(f"{folder}: no OpenPose files ('*_keypoints.json') in this folder")
    frames = {}
    for file in files:
        people = []
        for number, person in enumerate(_load_json(file).get('people', [])):
            flat = np.asarray(person.get('pose_keypoints_2d', []), dtype=np.float64)
            if flat.size == 75:
                kp = flat.reshape(25, 3)[list(COCO17_FROM_BODY25)]
            elif flat.size == 54:
                from unihmr.data.keypoint_maps import coco17_from_openpose18
                kp = coco17_from_openpose18(flat.reshape(18, 3))
            else:
                raise KeypointFileError(f'{file}: people[{number}].pose_keypoints_2d has {flat.size} numbers; expected 75 '
                             '(BODY_25) or 54 (COCO-18)')
            track = person.get('person_id', -1)
            track = track[0] if isinstance(track, list) and track else track
            people.append((None if track in (-1, None) else track, float(kp[:, 2].mean()), kp))
        frames[file.name] = people
    return frames


def _mmpose_instance(path: Path, frame, number: int, instance: dict):
    points = np.asarray(instance.get('keypoints', []), dtype=np.float64)
    scores = np.asarray(instance.get('keypoint_scores', []), dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 2 or points.shape[0] not in MMPOSE_COCO_FIRST or scores.shape != points.shape[:1]:
        raise KeypointFileError(f'{path}: frame {frame}, instance {number}: expected keypoints (K, 2) and keypoint_scores (K,) '
                     f'with K in {MMPOSE_COCO_FIRST}, got {points.shape} and {scores.shape}')
    kp = np.concatenate([points[:NUM_COCO], scores[:NUM_COCO, None]], axis=1)
    score = instance.get('bbox_score', kp[:, 2].mean())
    score = float(np.asarray(score, dtype=np.float64).reshape(-1)[0])
    return instance.get('track_id'), score, kp


def _mmpose_people(path: Path) -> dict:
    content = _load_json(path)
    if 'instances' not in content[0]:
        content = [dict(frame_id=0, instances=content)]
    return {entry.get('frame_id', i): [_mmpose_instance(path, entry.get('frame_id', i), n, instance)
                                       for n, instance in enumerate(entry['instances'])]
            for i, entry in enumerate(content)}


READERS = {'coco': _coco_people, 'openpose': _openpose_people, 'mmpose': _mmpose_people}


def select_person(frames: dict, track_id=None) -> tuple:
    """COCO-17 keypoints (T, 17, 3) of one person over ``frames`` (frame -> [(track, score, kp)]), and a note."""
    tracks = {}
    for people in frames.values():
        for track, _, _ in people:
            if track is not None:
                tracks[track] = tracks.get(track, 0) + 1
    if track_id is not None:
        if track_id not in tracks:
            raise KeyError(track_id)
        chosen, note = track_id, f'track {track_id}'
    elif tracks:
        chosen = max(tracks, key=tracks.get)
        note = f'track {chosen} (seen in the most frames, {tracks[chosen]} of {len(frames)})'
    else:
        chosen, note = None, 'the best-scoring person of each frame (the file has no track ids)'
    kp2d = np.zeros((len(frames), NUM_COCO, 3))
    for t, people in enumerate(frames.values()):
        candidates = [p for p in people if chosen is None or p[0] == chosen]
        if candidates:
            kp2d[t] = max(candidates, key=lambda p: p[1])[2]
    return kp2d, note


def read_detections(path, track_id=None) -> tuple:
    """(COCO-17 keypoints (T, 17, 3) in pixels with scores, a note on the format and the person chosen)."""
    path = Path(path)
    kind = detect_format(path)
    frames = READERS[kind](path)
    if not frames:
        raise KeypointFileError(f'{path}: no frames ({kind} format)')
    try:
        kp2d, note = select_person(frames, track_id)
    except KeyError:
        raise KeypointFileError(f'{path}: no person with track_id {track_id!r}') from None
    return kp2d, f'{kind} format, {len(frames)} frames, {note}'


def guess_intrinsics(image_size, fov_deg=None) -> np.ndarray:
    """K (3, 3) for an image (W, H): principal point at the centre; focal length from the horizontal-or-vertical
    field of view ``fov_deg`` across the longer side, or, without it, sqrt(W^2 + H^2) (a 53-degree diagonal
    view; GVHMR's demo default)."""
    width, height = (float(v) for v in image_size)
    if fov_deg is None:
        focal = float(np.hypot(width, height))
    else:
        focal = max(width, height) / (2.0 * np.tan(np.radians(fov_deg) / 2.0))
    return np.array([[focal, 0.0, width / 2], [0.0, focal, height / 2], [0.0, 0.0, 1.0]])
