"""AMASS (Mahmood et al., ICCV 2019) from its published SMPL-X files, ``<subset>/<subject>/*_stageii.npz``.

Format (MoSh++ "stage ii" SMPL-X fits; read as in GVHMR's / WHAM's AMASS scripts): an ``.npz`` with, for
N mocap frames,

- ``poses`` (N, 165): SMPL-X axis-angle, in order root (3), 21 body joints (63), jaw (3), eyes (6),
  hands (90); only the root and body are used (``ROOT_DIMS``, ``BODY_DIMS``);
- ``trans`` (N, 3) SMPL-X translation, metres; ``betas`` (16,) (the first 10 used);
- ``mocap_frame_rate`` (the SMPL+H release names it ``mocap_framerate``; either is read);
- also ``gender``, ``surface_model_type``, ``root_orient``, ``pose_body``, ... (not needed).

AMASS's world is z up. We rotate it to y up about the pelvis (``sequence_ops.rotate_world``:
``transl' = R (J0 + transl) - J0``), resample to ``fps`` (120 -> 30 fps selects every 4th frame), put the
lowest mesh point of the sequence at y = 0 and label contacts from the joints. The betas of the neutral
SMPL-X fits are used as they are; files fitted with a gendered model are read the same way (approximate).

AMASS is motion only: every window is observed by the synthetic pipeline
(``unihmr.data.synthetic.observe.observe_motion``: random camera, detector-like keypoints, occlusion,
image-feature stand-in), deterministically by ``(seed, index)``, as GVHMR trains on AMASS.
"""
import zipfile
from pathlib import Path

import numpy as np
import torch

from unihmr.body.joint_sets import NUM_BETAS, NUM_BODY_POSE
from unihmr.data.datasets.base import MotionWindowDataset
from unihmr.data.datasets.format_checks import DatasetFormatError, check_shape, require_keys, require_path
from unihmr.data.datasets.severity import draw_severity, severity_weights
from unihmr.data.datasets.sequence_ops import prepare_sequence
from unihmr.registry import DATASETS

REQUIRED_KEYS = ('poses', 'trans', 'betas')
FPS_KEYS = ('mocap_frame_rate', 'mocap_framerate')  # SMPL-X stage ii, SMPL+H release
ROOT_DIMS = slice(0, 3)
BODY_DIMS = slice(3, 3 + 3 * NUM_BODY_POSE)
AMASS_UP = 'z'


def find_amass_files(root, pattern: str = '**/*_stageii.npz', subsets=None) -> list:
    """Motion files under an AMASS folder matching ``pattern``, optionally only in the ``subsets`` folders."""
    root = require_path(root, 'AMASS root')
    folders = [require_path(root / name, 'AMASS subset') for name in subsets] if subsets else [root]
    files = sorted(path for folder in folders for path in folder.glob(pattern))
    if not files:
        raise FileNotFoundError(f"AMASS: no files matching '{pattern}' under '{root}'")
    return files


def read_amass_file(path: Path, root: Path) -> dict:
    """The raw sequence of one AMASS ``.npz`` in AMASS's z-up world; ``seq_id`` is its path below ``root``."""
    try:
        with np.load(path, allow_pickle=False) as data:
            require_keys(data, REQUIRED_KEYS, path)
            fps_key = next((key for key in FPS_KEYS if key in data), None)
            if fps_key is None:
                raise DatasetFormatError(f'{path}: missing keys {list(FPS_KEYS)} (one of them); '
                                         f'keys present: {sorted(data.files)}')
            poses = check_shape(path, 'poses', data['poses'], (None, None)).astype(np.float64)
            trans = check_shape(path, 'trans', data['trans'], (poses.shape[0], 3)).astype(np.float64)
            given = check_shape(path, 'betas', data['betas'], (None,)).astype(np.float64)[:NUM_BETAS]
            fps = float(data[fps_key])
    except (OSError, ValueError, zipfile.BadZipFile) as error:
        if isinstance(error, DatasetFormatError):
            raise
        raise DatasetFormatError(f'{path}: not a readable .npz ({error})') from None
    if poses.shape[1] < BODY_DIMS.stop:
        raise DatasetFormatError(f'{path}: poses has {poses.shape[1]} columns, expected at least {BODY_DIMS.stop} '
                                 '(root and 21 body joints)')
    betas = np.zeros(NUM_BETAS)
    betas[:len(given)] = given
    seq_id = str(path.relative_to(root).with_suffix(''))
    return dict(seq_id=seq_id, fps=fps, betas=betas, valid=np.ones(len(poses), dtype=bool),
                global_orient_w=poses[:, ROOT_DIMS], body_pose=poses[:, BODY_DIMS].reshape(-1, NUM_BODY_POSE, 3),
                transl_w=trans)


def iter_amass_sequences(files, root, body_model, fps: float = 30.0, ground: bool = True, progress: bool = False):
    """Prepared AMASS sequences (``sequence_ops.prepare_sequence``), one file at a time."""
    if progress:
        from tqdm import tqdm
        files = tqdm(files, desc='AMASS', unit='file')
    for path in files:
        seq = prepare_sequence(read_amass_file(path, root), body_model, fps, up=AMASS_UP, ground=ground)
        if seq is not None:
            yield seq


@DATASETS.register_module()
class AMASSDataset(MotionWindowDataset):
    """AMASS motion windows observed by the synthetic camera / keypoint / occlusion pipeline.

    Args:
        root: the AMASS folder (SMPL-X release), or a prepared cache.
        pattern: glob of the motion files below ``root`` (``'**/*_poses.npz'`` for the SMPL+H release,
            whose 21 body rotations are read the same way: an approximation).
        subsets: only these top-level folders (e.g. ``['ACCAD', 'CMU']``); None for all.
        ground: put the lowest mesh point of each sequence at y = 0.
        severity: occlusion severity of the observations (``'none'``, ``'mild'``, ``'heavy'``), or a dict of
            weights drawing one per window (as ``SyntheticMotionDataset``'s).
        camera: None to draw a synthetic camera per window, or one fixed camera for every window
            (``observe_motion``'s ``camera``: ``K``, ``R_w2c``, ``t_w2c`` over T frames, ``image_size``).
        occlusion: overrides of the occlusion preset of ``severity``.
        seed: window ``i`` is observed with ``numpy.random.default_rng([seed, i])``.
        num_windows: None for one item per motion window; N for N items, item ``i`` being motion window
            ``i mod W`` seen with its own camera, keypoint noise and occlusion (``rng([seed, i])``): for
            training, where every pass over a small mocap set should meet new views.
        detector: overrides of the keypoint detector model (``keypoints.DETECTOR_DEFAULTS``), e.g.
            ``dict(noise_scale=0, outlier_rate=0, swap_rate=0)`` for exact keypoints.
        window, stride, fps, min_frames, feat_dim, body_model, cache_size: see ``MotionWindowDataset``.
    """

    dataset_name = 'amass'

    def __init__(self, root, pattern: str = '**/*_stageii.npz', subsets=None, ground: bool = True,
                 severity='none', camera=None, occlusion=None, seed: int = 0, num_windows=None, detector=None,
                 **kwargs):
        super().__init__(root, **kwargs)
        self.pattern, self.subsets, self.ground = pattern, None if subsets is None else list(subsets), bool(ground)
        self.severity_weights = severity_weights(severity)
        self.camera, self.occlusion, self.seed = camera, occlusion, int(seed)
        self.detector = None if detector is None else dict(detector)
        if num_windows is not None and int(num_windows) < 1:
            raise ValueError(f'num_windows must be >= 1 or None, got {num_windows}')
        self.num_windows = None if num_windows is None else int(num_windows)
        self._open()

    def __len__(self) -> int:
        return len(self.windows) if self.num_windows is None else self.num_windows

    def __getitem__(self, index: int) -> dict:
        if self.num_windows is None:
            return super().__getitem__(index)
        if not 0 <= index < self.num_windows:
            raise IndexError(f'index {index} out of range for {self.num_windows} windows')
        return self.window_item(index % len(self.windows), index)

    def settings(self) -> dict:
        return dict(super().settings(), pattern=self.pattern, subsets=self.subsets, ground=self.ground)

    def find_files(self) -> list:
        return find_amass_files(self.root, self.pattern, self.subsets)

    def iter_raw_sequences(self, files, progress: bool = False):
        return iter_amass_sequences(files, self.root, self.body_model, self.fps, self.ground, progress)

    def motion(self, chunk: dict) -> dict:
        """The motion of a window as ``observe_motion`` takes it (float32 tensors, betas per frame)."""
        def tensor(key):
            return torch.as_tensor(np.ascontiguousarray(chunk[key]), dtype=torch.float32)

        num_frames = len(chunk['valid'])
        return dict(global_orient_w=tensor('global_orient_w'), body_pose=tensor('body_pose'),
                    betas=tensor('betas').expand(num_frames, -1).clone(), transl_w=tensor('transl_w'),
                    contact=tensor('contact'))

    def make_window(self, chunk: dict, meta: dict, index: int) -> dict:
        from unihmr.data.synthetic.observe import observe_motion  # on first use: keeps the package import light
        rng = np.random.default_rng([self.seed, index])
        window = observe_motion(self.motion(chunk), self.body_model, rng, camera=self.camera,
                                severity=draw_severity(self.severity_weights, [self.seed, index, 1]),
                                feat_dim=self.feat_dim, occlusion=self.occlusion, detector=self.detector, fps=self.fps)
        window['valid'] = window['valid'] & torch.as_tensor(chunk['valid'])
        window['meta'].update(meta)
        return window
