"""RICH (Huang et al., CVPR 2022) from its published SMPL-X fits: MoRo's occlusion-free evaluation set.

Format (the RICH toolkit's README and scripts):

- ``bodies/<split>/<SCENE>_<SUBJECT>_<action>/<frame:05d>/<SUBJECT:03d>.pkl``: a pickle of a dict of arrays for one
  person in one frame, in the scene scan's world: ``global_orient`` (1, 3), ``body_pose`` (1, 63) (SMPL-X's 21 body
  joints), ``transl`` (1, 3), ``betas`` (1, 10) and the hands (12 PCA components each), jaw, eyes and expression
  (not read: the data contract has the body only). The fits use the gendered SMPL-X model of the subject
  (``resource/gender.json`` in the toolkit);
- ``scan_calibration/<SCENE>/calibration/<camera:03d>.xml``: OpenCV-style XML with ``CameraMatrix`` (the 3 x 4
  world-to-camera extrinsics, row-major), ``Intrinsics`` (3 x 3) and ``Distortion`` (k1, k2, ...); one static
  camera per view.

What we do:

- SMPL-X parameters as given, on our (neutral) body model: the gendered fits' betas are used as neutral betas and
  ``transl`` as given (the pelvis of another rest shape: about a centimetre; approximate, as 3DPW's SMPL betas);
- frames in the folder's order at ``fps`` (default 30), a missing frame number breaks nothing: the gap is
  ignored (RICH's frames are consecutive within a sequence);
- one camera view per sequence (``camera``, default 0); ``kp2d``: our body's COCO-17 projected with the known camera
  (RICH ships no detections with the fits), confidence 1 inside the image (``image_size``, RICH's 4K frames by
  default) and in front of the camera, else 0; ``vis``: the body joint projects inside the image (truncation only);
  ``bbox``: the box around the projected body; lens distortion is not applied (the keypoints are pinhole
  projections);
- world: the scan's up axis is not documented, so it comes from ``world_up`` (default ``'body'``: the mean
  pelvis-to-neck direction; ``'camera'`` or an axis such as ``'z'`` otherwise); then grounded (``sequence_ops``).
"""
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import torch

from unihmr.body.joint_sets import NUM_BETAS, NUM_BODY_POSE
from unihmr.data.datasets.base import bbox_from_corners
from unihmr.data.datasets.camera_window import CameraSequenceDataset, project
from unihmr.data.datasets.format_checks import (DatasetFormatError, check_shape, read_pickle, require_keys,
                                                require_path)
from unihmr.data.datasets.sequence_ops import body_inputs, prepare_sequence
from unihmr.registry import DATASETS

RICH_FPS = 30.0
RICH_IMAGE_SIZE = (4112, 3008)  # width, height of RICH's frames
PARAM_KEYS = ('global_orient', 'body_pose', 'transl', 'betas')
SPLITS = ('train', 'val', 'test')


def read_calibration(path: Path) -> tuple:
    """(K (3, 3), R_w2c (3, 3), t_w2c (3,)) of one RICH camera XML."""
    path = require_path(path, 'RICH calibration')
    try:
        tree = ET.parse(path)
    except ET.ParseError as error:
        raise DatasetFormatError(f'{path}: not a readable calibration XML ({error})') from None

    def numbers(tag: str, count: int) -> np.ndarray:
        node = tree.find(f'./{tag}/data')
        if node is None or node.text is None:
            raise DatasetFormatError(f'{path}: missing <{tag}><data>')
        values = np.array([float(value) for value in node.text.split()])
        if values.size != count:
            raise DatasetFormatError(f'{path}: <{tag}> has {values.size} numbers, expected {count}')
        return values
    extrinsics = numbers('CameraMatrix', 12).reshape(3, 4)
    return numbers('Intrinsics', 9).reshape(3, 3), extrinsics[:, :3], extrinsics[:, 3]


def sequence_folders(root: Path, split: str) -> list:
    """The sequence folders of ``split`` under ``<root>/bodies/<split>/``."""
    bodies = require_path(Path(root) / 'bodies' / split, f'RICH {split} bodies')
    folders = sorted(path for path in bodies.iterdir() if path.is_dir())
    if not folders:
        raise FileNotFoundError(f"RICH: no sequence folders under '{bodies}'")
    return folders


def read_rich_sequence(folder: Path, root: Path, body_model, camera: int = 0, image_size=RICH_IMAGE_SIZE,
                       bbox_scale: float = 1.2, fps: float = RICH_FPS):
    """The raw sequence of one RICH sequence folder: world SMPL-X parameters, the camera, COCO-17 keypoints."""
    parts = folder.name.split('_')
    if len(parts) < 3 or not parts[1].isdigit():
        raise DatasetFormatError(f"{folder}: expected a folder named <SCENE>_<SUBJECT>_<action>, got '{folder.name}'")
    scene, subject = parts[0], parts[1]
    frames = sorted(path for path in folder.iterdir() if path.is_dir() and path.name.isdigit())
    files = [frame / f'{int(subject):03d}.pkl' for frame in frames]
    files = [path for path in files if path.is_file()]
    if not files:
        raise DatasetFormatError(f'{folder}: no <frame>/{int(subject):03d}.pkl files')
    values = {key: [] for key in PARAM_KEYS}
    for path in files:
        data = read_pickle(path)
        require_keys(data, PARAM_KEYS, path)
        for key, size in zip(PARAM_KEYS, (3, 3 * NUM_BODY_POSE, 3, None)):
            value = np.asarray(data[key], dtype=np.float64).reshape(1, -1)
            values[key].append(check_shape(path, key, value, (1, size))[0])
    num = len(files)
    betas = np.zeros(NUM_BETAS)
    given = values['betas'][0][:NUM_BETAS]
    betas[:len(given)] = given
    K, R_w2c, t_w2c = read_calibration(Path(root) / 'scan_calibration' / scene / 'calibration' / f'{camera:03d}.xml')
    seq = dict(seq_id=f'{folder.name}/cam{camera:02d}', fps=fps, betas=betas, valid=np.ones(num, dtype=bool),
               K=np.broadcast_to(K, (num, 3, 3)).copy(), R_w2c=np.broadcast_to(R_w2c, (num, 3, 3)).copy(),
               t_w2c=np.broadcast_to(t_w2c, (num, 3)).copy(), global_orient_w=np.stack(values['global_orient']),
               body_pose=np.stack(values['body_pose']).reshape(num, NUM_BODY_POSE, 3),
               transl_w=np.stack(values['transl']))
    with torch.no_grad():
        out = body_model(**body_inputs(seq), return_verts=False)
    num_joints = out.joints.shape[1]
    pixels, depth = project(torch.cat([out.joints, out.coco17], dim=1).double().numpy(), seq['K'], seq['R_w2c'],
                            seq['t_w2c'])
    size = np.asarray(image_size, dtype=np.float64)
    seen = (pixels >= 0).all(-1) & (pixels < size).all(-1) & (depth > 0)
    coco_seen = seen[:, num_joints:]
    seq['kp2d'] = np.concatenate([pixels[:, num_joints:] * coco_seen[..., None], coco_seen[..., None]], -1)
    seq['vis'] = seen[:, :num_joints]
    seq['bbox'] = bbox_from_corners(pixels.min(1), pixels.max(1), bbox_scale)
    return seq


@DATASETS.register_module()
class RICHDataset(CameraSequenceDataset):
    """RICH windows in the data contract (module docstring for the conversions).

    Args:
        root: the RICH folder (``bodies/``, ``scan_calibration/``), or a prepared cache.
        split: ``'train'``, ``'val'`` or ``'test'`` (MoRo evaluates on ``'test'``).
        camera: the camera view of every sequence (its calibration file ``<camera:03d>.xml``).
        image_size: (width, height) in pixels, for the keypoints' confidence and ``vis``.
        world_up (default ``'body'``), ground, bbox_scale: see ``CameraSequenceDataset``; window, stride, fps,
            min_frames, feat_dim, body_model, cache_size: see ``MotionWindowDataset``.
    """

    dataset_name = 'rich'

    def __init__(self, root, split: str = 'test', camera: int = 0, image_size=RICH_IMAGE_SIZE,
                 world_up: str = 'body', **kwargs):
        if split not in SPLITS:
            raise ValueError(f'split: expected one of {SPLITS}, got {split!r}')
        super().__init__(root, world_up=world_up, **kwargs)
        self.split, self.camera, self.image_size = split, int(camera), tuple(image_size)
        self._open()

    def settings(self) -> dict:
        return dict(super().settings(), split=self.split, camera=self.camera, image_size=list(self.image_size))

    def find_files(self) -> list:
        return sequence_folders(self.root, self.split)

    def iter_raw_sequences(self, files, progress: bool = False):
        if progress:
            from tqdm import tqdm
            files = tqdm(files, desc='RICH', unit='sequence')
        for folder in files:
            raw = read_rich_sequence(folder, self.root, self.body_model, self.camera, self.image_size,
                                     self.bbox_scale, RICH_FPS)
            seq = prepare_sequence(raw, self.body_model, self.fps, up=self.world_up, ground=self.ground)
            if seq is not None:
                yield seq
