"""EgoBody (Zhang et al., ECCV 2022): the third-person Azure Kinect views of its interacting people.

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

What we do (one sequence per recording, person and view, ``<recording>_<view>_<person>``):

- Frames: every frame id from the first to the last fitted one. ``valid`` is False where a frame has no fit;
  its parameters are filled from the nearest fitted frame. ``betas``: the mean over the fitted frames.
- World: the scene frame (``kinect12_to_world``), taken as y up (``world_up='y'``). RoHM's floor-height table for
  the EgoBody scenes says "y axis up"; this is not verified on the data here, and ``'camera'`` / ``'body'`` are the
  alternatives. The fits are moved from the master camera into it about the rest pelvis of the loader's body model,
  and every view's camera is ``kinect12_to_world @ kinect_NNto12`` (camera to world), inverted. Then the shared
  pipeline (``sequence_ops``) rotates to y up and puts the lowest mesh point at y = 0 (one flat floor).
- Body model: the fits are gendered SMPL-X. Used with the loader's body model (the embedded neutral one by
  default), the shape is approximate and the pelvis may be offset by the difference of the two rest pelvises
  (``transl`` is kept).
- ``K``: from ``f`` and ``c``. ``kp2d``: BODY_25 mapped to COCO-17 by name (:data:`COCO17_FROM_OPENPOSE25`),
  confidences kept. A missing keypoints file, an empty ``people`` list or too few people gives confidence 0.
  ``vis``: ``keypoint_maps.body_joint_visibility`` of those confidences above ``vis_threshold`` (default 0.2, the
  threshold of RoHM's ``mask_keypoint2d_conf``). With ``joint_mask=True`` it is also ANDed with RoHM's
  ``mask_joint``. Row r of that file is taken to be the r-th fitted frame: RoHM aligns it with the frames of its
  initialisation, so this alignment is assumed, not verified. ``bbox``: the square box around the projected
  ground-truth body, enlarged by ``bbox_scale`` (as 3DPW). ``img_feat``: the synthetic stand-in or zeros
  (``camera_window``).

Not established from the sources, so chosen as the simplest reading and kept configurable:

- The frame rate: taken as 30 fps (``source_fps``). The README does not state it.
- The pixel frame of the keypoints. RoHM uses EgoBody's keypoints with the pinhole ``f``, ``c`` and no
  undistortion, while it undistorts PROX's, so they are taken as undistorted pixels. ``undistort_keypoints=True``
  undistorts them with ``camera_mtx`` and ``k`` instead.
- The scene frame's up axis (above).
"""
import csv
import json
import re
from pathlib import Path

import numpy as np
import roma
import torch

from unihmr.body.joint_sets import BODY_JOINT_NAMES, COCO17_NAMES, NUM_BETAS
from unihmr.data.datasets.camera_window import CameraSequenceDataset
from unihmr.data.datasets.format_checks import (DatasetFormatError, check_shape, read_pickle, require_keys,
                                                require_path)
from unihmr.data.datasets.sequence_ops import nearest_true, prepare_sequence, rest_pelvis
from unihmr.data.datasets.threedpw import body_bbox
from unihmr.data.keypoint_maps import body_joint_visibility
from unihmr.registry import DATASETS

EGOBODY_FPS = 30.0
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


# --- lens distortion (OpenCV's model: k1, k2, p1, p2[, k3[, k4, k5, k6]]) ---------------------------------------

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


# --- finding the files ---------------------------------------------------------------------------------------------

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


def find_egobody_sequences(root, split: str = 'test', people=('interactee',), recordings=None, views=None,
                           subset=None, keypoints_dir: str = 'keypoints_cleaned') -> list:
    """The selected (recording, person, body index, fit folder, views) of an EgoBody folder, as dicts.

    ``recordings`` / ``views``: names to keep (None: all). ``subset``: a selection CSV (:func:`read_subset`),
    relative to ``root`` or absolute; it selects recordings, views and (with ``target_idx``) bodies, among ``people``.
    Without ``views``, the views are those with a keypoints folder ``<keypoints_dir>/<recording>/<view>``.
    """
    root = require_path(root, 'EgoBody root')
    rows = None
    if subset is not None:
        path = Path(subset).expanduser()
        rows = read_subset(require_path(path if path.is_absolute() else root / path, 'EgoBody subset CSV'))
    wanted = None
    for names in (recordings, rows):
        if names is not None:
            wanted = set(names) if wanted is None else wanted & set(names)
    units = []
    for person in people:
        for folder in fit_folders(root, person, split):
            for recording_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
                recording = recording_dir.name
                if wanted is not None and recording not in wanted:
                    continue
                for body_dir in sorted(recording_dir.glob('body_idx_*')):
                    if not body_dir.name[len('body_idx_'):].isdigit():
                        continue
                    body_idx = int(body_dir.name[len('body_idx_'):])
                    if rows is not None:
                        chosen = [view for view, target in rows[recording] if target in (None, body_idx)]
                    else:
                        chosen = list(views) if views is not None else available_views(root, keypoints_dir, recording)
                    chosen = [view for view in dict.fromkeys(chosen) if views is None or view in views]
                    if chosen:
                        units.append(dict(recording=recording, person=person, body_idx=body_idx,
                                          fit_dir=str(body_dir), views=chosen))
    expected = 'smplx_<person>_<split>/<recording>/body_idx_<k>/results/frame_<id>/000.pkl'
    if rows is not None:
        found = {(u['recording'], u['body_idx']) for u in units}
        lost = sorted({(rec, target) for rec, pairs in rows.items() for _, target in pairs
                       if target is not None and (rec, target) not in found})
        if lost:
            raise FileNotFoundError(f"EgoBody: subset rows {lost} (recording, target_idx) have no fits among "
                                    f"{list(people)} in split {split!r} under '{root}'")
    if wanted is not None:
        found = {unit['recording'] for unit in units}
        missing = sorted(wanted - found)
        if missing:
            raise FileNotFoundError(f"EgoBody: no fits of {list(people)} with the selected views in split {split!r} "
                                    f"under '{root}' for recordings {missing}")
    if not units:
        raise FileNotFoundError(f"EgoBody: no SMPL-X fits with keypoint views in split {split!r} under '{root}' "
                                f"(expected {expected} and {keypoints_dir}/<recording>/<view>/)")
    return sorted(units, key=lambda unit: (unit['recording'], PEOPLE.index(unit['person']), unit['body_idx']))


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


def master_to_world(fits: dict, betas: np.ndarray, transform: np.ndarray, body_model) -> tuple:
    """World root orientation and transl (N, 3) of master-camera fits, moved rigidly by ``transform`` (4, 4)
    about the rest pelvis of ``body_model`` for ``betas``."""
    A, b = transform[:3, :3], transform[:3, 3]
    pelvis = rest_pelvis(body_model, betas)
    root = roma.rotvec_to_rotmat(torch.from_numpy(fits['global_orient']))
    orient = roma.rotmat_to_rotvec(torch.from_numpy(A) @ root).numpy()
    return orient, (fits['transl'] + pelvis) @ A.T + b - pelvis


@torch.no_grad()
def read_egobody_unit(root: Path, unit: dict, body_model, keypoints_dir: str = 'keypoints_cleaned',
                      vis_threshold: float = 0.2, undistort: bool = False, joint_mask: bool = False,
                      bbox_scale: float = 1.2, source_fps: float = EGOBODY_FPS) -> list:
    """Raw sequences (one per view) of one body of one recording, in the scene frame, with COCO-17 keypoints."""
    recording, body_idx = unit['recording'], unit['body_idx']
    fits = read_fits(Path(unit['fit_dir']))
    first = int(fits['frames'][0])
    frames = np.arange(first, int(fits['frames'][-1]) + 1)
    fitted = np.zeros(len(frames), dtype=bool)
    fitted[fits['frames'] - first] = True
    nearest = np.searchsorted(fits['frames'], frames[nearest_true(fitted)])
    fits = {key: value[nearest] for key, value in fits.items() if key != 'frames'}
    betas = fits['betas'][fitted].mean(0)
    master = scene_transform(root, recording)
    orient_w, transl_w = master_to_world(fits, betas, master, body_model)
    num = len(frames)
    sequences = []
    for view in unit['views']:
        K, distortion = read_color_camera(root, view, undistort)
        cam_to_world = master @ view_to_master(root, recording, view)
        R_w2c = cam_to_world[:3, :3].T
        t_w2c = -R_w2c @ cam_to_world[:3, 3]
        folder = require_path(root / keypoints_dir / recording / view, f'EgoBody {view} keypoints of {recording}')
        kp2d = coco17_from_openpose25(read_keypoints(folder, frames, body_idx))
        if distortion is not None:
            seen = kp2d[..., 2] > 0
            kp2d[..., :2] = np.where(seen[..., None], undistort_pixels(kp2d[..., :2], K, *distortion), 0.0)
        vis = body_joint_visibility(kp2d[..., 2], vis_threshold)
        if joint_mask:
            vis &= read_joint_mask(root / 'mask_joint' / recording / view / 'mask_joint.npy', fitted)
        seq = dict(seq_id=f"{recording}_{view}_{unit['person']}", fps=float(source_fps), betas=betas,
                   valid=fitted.copy(), global_orient_w=orient_w, body_pose=fits['body_pose'].reshape(num, -1, 3),
                   transl_w=transl_w, K=np.broadcast_to(K, (num, 3, 3)).copy(),
                   R_w2c=np.broadcast_to(R_w2c, (num, 3, 3)).copy(), t_w2c=np.broadcast_to(t_w2c, (num, 3)).copy(),
                   kp2d=kp2d, vis=vis)
        seq['bbox'] = body_bbox(seq, body_model, bbox_scale)
        sequences.append(seq)
    return sequences


def iter_egobody_sequences(root, units, body_model, fps: float = 30.0, world_up: str = 'y', ground: bool = True,
                           progress: bool = False, **options):
    """Prepared sequences (``sequence_ops.prepare_sequence``) of the selected ``units`` (one body at a time);
    ``options``: those of :func:`read_egobody_unit`."""
    root = Path(root)
    if progress:
        from tqdm import tqdm
        units = tqdm(units, desc='EgoBody', unit='body')
    for unit in units:
        for raw in read_egobody_unit(root, unit, body_model, **options):
            seq = prepare_sequence(raw, body_model, fps, up=world_up, ground=ground)
            if seq is not None:
                yield seq


@DATASETS.register_module()
class EgoBodyDataset(CameraSequenceDataset):
    """EgoBody third-person (Kinect) windows in the data contract (module docstring for files and conversions).

    Args:
        root: the EgoBody folder (with ``smplx_interactee_<split>``, ``calibrations``, ``kinect_cam_params`` and
            RoHM's ``keypoints_cleaned``), or a prepared cache.
        split: ``'train'``, ``'val'``, ``'test'`` or ``'all'``.
        people: which bodies: ``'interactee'`` (the third person of the egocentric view) and/or ``'camera_wearer'``.
        recordings: recording names to keep (None: all of the split).
        views: Kinect views to keep (``'master'``, ``'sub_1'`` .. ``'sub_4'``; None: every view with keypoints).
        subset: a CSV selecting (recording, view[, body]) rows: columns ``recording_name``, ``view`` and optional
            ``target_idx``, the layout of RoHM's ``egobody_rohm_info.csv`` (its occluded evaluation set);
            a path relative to ``root`` or absolute.
        keypoints_dir: folder of the per-view OpenPose files (RoHM: ``keypoints_cleaned``).
        vis_threshold: keypoint confidence above which a COCO point counts as seen (RoHM: 0.2).
        undistort_keypoints: undistort the keypoints with ``Color.json``'s ``camera_mtx`` and ``k``.
        joint_mask: AND ``vis`` with RoHM's ``mask_joint/<recording>/<view>/mask_joint.npy``.
        source_fps: frame rate of the Kinect frames (taken as 30).
        world_up, ground, bbox_scale, features, seed: see ``CameraSequenceDataset``; window, stride, fps,
            min_frames, feat_dim, body_model, cache_size: see ``MotionWindowDataset``.
    """

    dataset_name = 'egobody'

    def __init__(self, root, split: str = 'test', people=('interactee',), recordings=None, views=None, subset=None,
                 keypoints_dir: str = 'keypoints_cleaned', vis_threshold: float = 0.2,
                 undistort_keypoints: bool = False, joint_mask: bool = False, source_fps: float = EGOBODY_FPS,
                 **kwargs):
        if split not in SPLITS:
            raise ValueError(f'split: expected one of {SPLITS}, got {split!r}')
        people, views = [people] if isinstance(people, str) else list(people), _names(views)
        recordings = _names(recordings)
        if not people or any(person not in PEOPLE for person in people):
            raise ValueError(f'people: expected a non-empty selection of {PEOPLE}, got {people!r}')
        if views is not None and any(view not in VIEWS for view in views):
            raise ValueError(f'views: expected names among {VIEWS}, got {views!r}')
        if source_fps <= 0:
            raise ValueError(f'source_fps must be positive, got {source_fps}')
        super().__init__(root, **kwargs)
        self.split, self.people, self.recordings, self.views = split, people, recordings, views
        self.subset = None if subset is None else str(subset)
        self.keypoints_dir, self.vis_threshold = str(keypoints_dir), float(vis_threshold)
        self.undistort_keypoints, self.joint_mask = bool(undistort_keypoints), bool(joint_mask)
        self.source_fps = float(source_fps)
        self._open()

    def settings(self) -> dict:
        return dict(super().settings(), split=self.split, people=self.people, recordings=self.recordings,
                    views=self.views, subset=self.subset, keypoints_dir=self.keypoints_dir,
                    vis_threshold=self.vis_threshold, undistort_keypoints=self.undistort_keypoints,
                    joint_mask=self.joint_mask, source_fps=self.source_fps)

    def find_files(self) -> list:
        return find_egobody_sequences(self.root, self.split, self.people, self.recordings, self.views, self.subset,
                                      self.keypoints_dir)

    def iter_raw_sequences(self, files, progress: bool = False):
        return iter_egobody_sequences(self.root, files, self.body_model, self.fps, self.world_up, self.ground,
                                      progress, keypoints_dir=self.keypoints_dir, vis_threshold=self.vis_threshold,
                                      undistort=self.undistort_keypoints, joint_mask=self.joint_mask,
                                      bbox_scale=self.bbox_scale, source_fps=self.source_fps)


def _names(values):
    """None, or a list of names (a single string becomes a one-element list; JSON-comparable in cache settings)."""
    if values is None:
        return None
    return [values] if isinstance(values, str) else [str(value) for value in values]
