"""EgoBody (Zhang et al., ECCV 2022): the third-person Azure Kinect views of its interacting people, in the
data contract. The files and their layout: ``unihmr/data/egobody_files.py``.

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
from pathlib import Path

import numpy as np
import roma
import torch

from unihmr.data.datasets.camera_window import CameraSequenceDataset
from unihmr.data.datasets.format_checks import require_path
from unihmr.data.datasets.sequence_ops import nearest_true, prepare_sequence, rest_pelvis
from unihmr.data.datasets.threedpw import body_bbox
from unihmr.data.egobody_files import (PEOPLE, SPLITS, VIEWS, available_views, coco17_from_openpose25, fit_folders,
                                       read_color_camera, read_fits, read_joint_mask, read_keypoints, read_subset,
                                       scene_transform, view_to_master)
from unihmr.data.keypoint_maps import body_joint_visibility
from unihmr.geometry.lens_distortion import undistort_pixels
from unihmr.registry import DATASETS

EGOBODY_FPS = 30.0


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
