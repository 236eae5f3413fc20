"""EgoBody's files (Zhang et al., ECCV 2022) read into NumPy arrays, each checked as it is read;
``data/datasets/egobody.py`` turns them into the data contract.

Files read, below ROOT (the release README and ``release_renderer_kinect.py`` of ``sanweiliti/EgoBody``; for the
keypoints, RoHM's README and ``data_loaders/dataloader_video.py`` in ``sanweiliti/RoHM``):

- ``smplx_interactee_<split>/<recording>/body_idx_<k>/results/frame_<id>/000.pkl`` (split ``train``, ``val``,
  ``test``; the README also shows ``smplx_interactee/`` with no split, read with ``split='all'``): one pickle per
  frame with the SMPL-X fit of the interactee, whose body index in the recording is k. A dict of (1, n) arrays:
  ``global_orient`` (1, 3), ``transl`` (1, 3), ``body_pose`` (1, 63), ``betas`` (1, 10). It also holds the hands
  (12 PCA components), jaw, eyes, expression and ``gender``, which are not used here. The README says the fits are
  "always in the coordinate system of the master kinect RGB camera". The axes are OpenCV's: the authors' renderer
  projects them with the pinhole below and flips y and z only for pyrender. ``smplx_camera_wearer_<split>/`` holds
  the camera wearer, stored the same way.
- ``calibrations/<recording>/cal_trans/kinect_<NN>to12_color.json``: ``trans`` (4, 4), from the RGB camera of
  Kinect NN to the master's RGB camera (Kinect 12). View ``sub_1`` is Kinect 11, ``sub_2`` 13, ``sub_3`` 14 and
  ``sub_4`` 15; 14 and 15 exist only in the 2022 recordings. ``cal_trans/kinect12_to_world/<scene>.json``: ``trans``
  (4, 4), from the master RGB camera to the frame of the scan of the scene. The README lists both without
  ``cal_trans/``, while the authors' code reads them under it, so both places are accepted. When
  ``kinect12_to_world/`` holds several files, ``data_info_release.csv`` (``recording_name``, ``scene_name``)
  names the scene.
- ``kinect_cam_params/kinect_<view>/Color.json``: ``f`` (2,) and ``c`` (2,), the pinhole the fits are projected
  with (on undistorted images); ``camera_mtx`` (3, 3) and ``k`` (OpenCV distortion coefficients).
- The 2D keypoints of the Kinect views are not in the official release. RoHM distributes them (with ``mask_joint``
  and ``egobody_rohm_info.csv``) as ``keypoints_cleaned/<recording>/<view>/frame_<id>_keypoints.json``. Each file is
  OpenPose's JSON: ``people[i].pose_keypoints_2d``, BODY_25, 75 numbers (x, y, confidence), zeros where a point was
  not detected. RoHM reads ``people[<body index>]``, so list position i is body index i. Optional
  ``mask_joint/<recording>/<view>/mask_joint.npy`` (frames, >= 22): RoHM's per-joint visibility from the scene
  depth (1 = visible).
"""
import csv
import json
import re
from pathlib import Path

import numpy as np

from unihmr.body.joint_sets import BODY_JOINT_NAMES, COCO17_NAMES, NUM_BETAS
from unihmr.data.datasets.format_checks import (DatasetFormatError, check_shape, read_pickle, require_keys,
                                                require_path)

SPLITS = ('train', 'val', 'test', 'all')
PEOPLE = ('interactee', 'camera_wearer')
VIEW_KINECT = {'master': 12, 'sub_1': 11, 'sub_2': 13, 'sub_3': 14, 'sub_4': 15}  # README: kinect labels
VIEWS = tuple(VIEW_KINECT)
FIT_KEYS = ('global_orient', 'transl', 'body_pose', 'betas')
NUM_BODY_POSE_FLAT = 3 * (len(BODY_JOINT_NAMES) - 1)  # 63
FRAME_DIR = re.compile(r'^frame_(\d+)$')

# OpenPose BODY_25 order (OpenPose's output documentation).
OPENPOSE25_NAMES = (
    'nose', 'neck', 'right_shoulder', 'right_elbow', 'right_wrist', 'left_shoulder', 'left_elbow', 'left_wrist',
    'mid_hip', 'right_hip', 'right_knee', 'right_ankle', 'left_hip', 'left_knee', 'left_ankle', 'right_eye',
    'left_eye', 'right_ear', 'left_ear', 'left_big_toe', 'left_small_toe', 'left_heel', 'right_big_toe',
    'right_small_toe', 'right_heel',
)
COCO17_FROM_OPENPOSE25 = tuple(OPENPOSE25_NAMES.index(name) for name in COCO17_NAMES)


def coco17_from_openpose25(keypoints: np.ndarray) -> np.ndarray:
    """OpenPose BODY_25 keypoints (..., 25, 3) -> COCO-17 (..., 17, 3), by name; confidences are kept."""
    return np.asarray(keypoints)[..., COCO17_FROM_OPENPOSE25, :]


def read_json(path: Path):
    """Parse a JSON file; ``DatasetFormatError`` naming it when it is not JSON."""
    try:
        return json.loads(Path(path).read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise DatasetFormatError(f'{path}: not readable JSON ({error})') from None


def read_transform(path: Path) -> np.ndarray:
    """The 4 x 4 ``trans`` of an EgoBody calibration file, its rotation made orthonormal (nearest rotation)."""
    data = read_json(path)
    require_keys(data, ('trans',), path)
    matrix = check_shape(path, 'trans', data['trans'], (4, 4)).astype(np.float64)
    U, _, Vt = np.linalg.svd(matrix[:3, :3])
    if np.linalg.det(U @ Vt) < 0:
        raise DatasetFormatError(f'{path}: trans is not a rigid transform (its rotation part is a reflection)')
    matrix[:3, :3] = U @ Vt
    return matrix


# --- the selection ---------------------------------------------------------------------------------------------

def fit_folders(root: Path, person: str, split: str) -> list:
    """The existing ``smplx_<person>_<split>`` folders of ``split`` (``'all'``: every split and ``smplx_<person>``)."""
    names = [f'smplx_{person}_{name}' for name in SPLITS[:3] if split in (name, 'all')]
    names += [f'smplx_{person}'] if split == 'all' else []
    return [root / name for name in names if (root / name).is_dir()]


def read_subset(path: Path) -> dict:
    """A selection CSV (RoHM's ``egobody_rohm_info.csv`` layout): recording -> [(view, body index or None)].

    Columns ``recording_name`` and ``view``; ``target_idx`` (the body index) is optional.
    """
    with open(path, newline='') as file:
        reader = csv.DictReader(file)
        require_keys(dict.fromkeys(reader.fieldnames or ()), ('recording_name', 'view'), path)
        rows = list(reader)
    subset = {}
    for line, row in enumerate(rows, start=2):
        view, target = row['view'].strip(), (row.get('target_idx') or '').strip()
        if view not in VIEW_KINECT:
            raise DatasetFormatError(f'{path}: line {line}: view {view!r}, expected one of {VIEWS}')
        if target and not target.isdigit():
            raise DatasetFormatError(f'{path}: line {line}: target_idx {target!r}, expected a body index')
        subset.setdefault(row['recording_name'].strip(), []).append((view, int(target) if target else None))
    return subset


def available_views(root: Path, keypoints_dir: str, recording: str) -> list:
    folder = root / keypoints_dir / recording
    return [view for view in VIEWS if (folder / view).is_dir()]


# --- reading one recording -----------------------------------------------------------------------------------------

def read_fits(fit_dir: Path) -> dict:
    """Every per-frame fit of one body: ``frames`` (M,) ids and the (M, n) parameters, float64."""
    folders = [p for p in (fit_dir / 'results').glob('frame_*') if FRAME_DIR.match(p.name)]
    paths = sorted((int(FRAME_DIR.match(p.name).group(1)), p / '000.pkl') for p in folders if (p / '000.pkl').is_file())
    if not paths:
        raise FileNotFoundError(f"EgoBody: no fits in '{fit_dir / 'results'}' (expected frame_<id>/000.pkl)")
    columns = {key: [] for key in FIT_KEYS}
    sizes = dict(global_orient=3, transl=3, body_pose=NUM_BODY_POSE_FLAT, betas=None)
    for _, path in paths:
        param = read_pickle(path)
        require_keys(param, FIT_KEYS, path)
        for key in FIT_KEYS:
            columns[key].append(check_shape(path, key, param[key], (1, sizes[key]))[0].astype(np.float64))
    betas = np.zeros((len(paths), NUM_BETAS))
    for row, given in enumerate(columns['betas']):
        betas[row, :min(len(given), NUM_BETAS)] = given[:NUM_BETAS]
    fits = {key: np.stack(columns[key]) for key in ('global_orient', 'transl', 'body_pose')}
    return dict(fits, betas=betas, frames=np.array([frame for frame, _ in paths]))


def scene_transform(root: Path, recording: str) -> np.ndarray:
    """Master RGB camera -> scene frame (4, 4) of a recording (``kinect12_to_world/<scene>.json``)."""
    calib = root / 'calibrations' / recording
    folders = [calib / 'cal_trans' / 'kinect12_to_world', calib / 'kinect12_to_world']
    files = next((sorted(f.glob('*.json')) for f in folders if f.is_dir() and any(f.glob('*.json'))), [])
    if len(files) > 1:
        scene = scene_names(root).get(recording)
        files = [f for f in files if f.stem == scene]
    if len(files) != 1:
        raise FileNotFoundError(f"EgoBody: cannot find the scene calibration kinect12_to_world/<scene>.json of "
                                f"'{recording}' under '{calib}' (one file, or the scene of data_info_release.csv)")
    return read_transform(files[0])


def scene_names(root: Path) -> dict:
    path = root / 'data_info_release.csv'
    if not path.is_file():
        return {}
    with open(path, newline='') as file:
        reader = csv.DictReader(file)
        require_keys(dict.fromkeys(reader.fieldnames or ()), ('recording_name', 'scene_name'), path)
        return {row['recording_name'].strip(): row['scene_name'].strip() for row in reader}


def view_to_master(root: Path, recording: str, view: str) -> np.ndarray:
    """RGB camera of ``view`` -> master RGB camera (4, 4)."""
    if view == 'master':
        return np.eye(4)
    calib = root / 'calibrations' / recording
    name = f'kinect_{VIEW_KINECT[view]}to12_color.json'
    for path in (calib / 'cal_trans' / name, calib / name):
        if path.is_file():
            return read_transform(path)
    raise FileNotFoundError(f"EgoBody: recording '{recording}' has no calibration of view {view} "
                            f"('{calib / 'cal_trans' / name}' does not exist)")


def read_color_camera(root: Path, view: str, undistort: bool) -> tuple:
    """``K`` (3, 3) from ``f``, ``c`` of ``kinect_cam_params/kinect_<view>/Color.json``, and (camera_mtx, k) or None."""
    path = require_path(root / 'kinect_cam_params' / f'kinect_{view}' / 'Color.json', f'EgoBody {view} intrinsics')
    data = read_json(path)
    require_keys(data, ('f', 'c') + (('camera_mtx', 'k') if undistort else ()), path)
    f = check_shape(path, 'f', data['f'], (2,)).astype(np.float64)
    c = check_shape(path, 'c', data['c'], (2,)).astype(np.float64)
    K = np.array([[f[0], 0.0, c[0]], [0.0, f[1], c[1]], [0.0, 0.0, 1.0]])
    if not undistort:
        return K, None
    camera_mtx = check_shape(path, 'camera_mtx', data['camera_mtx'], (3, 3)).astype(np.float64)
    return K, (camera_mtx, check_shape(path, 'k', data['k'], (None,)).astype(np.float64))


def read_keypoints(folder: Path, frames: np.ndarray, body_idx: int) -> np.ndarray:
    """BODY_25 keypoints (N, 25, 3) of body ``body_idx`` in the per-frame OpenPose files; zeros where absent."""
    out = np.zeros((len(frames), len(OPENPOSE25_NAMES), 3))
    for row, frame in enumerate(frames):
        path = folder / f'frame_{frame:05d}_keypoints.json'
        if not path.is_file():
            continue
        data = read_json(path)
        require_keys(data, ('people',), path)
        people = data['people']
        if body_idx < len(people):
            require_keys(people[body_idx], ('pose_keypoints_2d',), f'{path} people[{body_idx}]')
            flat = check_shape(path, f'people[{body_idx}].pose_keypoints_2d', people[body_idx]['pose_keypoints_2d'],
                               (3 * len(OPENPOSE25_NAMES),))
            out[row] = flat.astype(np.float64).reshape(-1, 3)
    return out


def read_joint_mask(path: Path, fitted: np.ndarray) -> np.ndarray:
    """RoHM's ``mask_joint.npy`` rows (one per fitted frame) -> (N, 22) bool over all frames (False where unfitted)."""
    mask = check_shape(path, 'mask_joint', np.load(require_path(path, 'EgoBody joint mask')),
                       (int(fitted.sum()), None))
    if mask.shape[1] < len(BODY_JOINT_NAMES):
        raise DatasetFormatError(f'{path}: mask_joint has shape {mask.shape}, expected ({int(fitted.sum())}, >= 22)')
    out = np.zeros((len(fitted), len(BODY_JOINT_NAMES)), dtype=bool)
    out[fitted] = mask[:, :len(BODY_JOINT_NAMES)] > 0.5
    return out
