"""3DPW (von Marcard et al., ECCV 2018) from its published sequence files, ``sequenceFiles/<split>/*.pkl``.

Format (the dataset's readme; read as in GVHMR's ``threedpw/utils.py`` and WHAM's 3DPW scripts): a Python-2
pickle (``encoding='latin1'``) of a dict with, for P actors and N image frames at 30 fps,

- ``sequence`` str; ``genders`` P x 'm'/'f'; ``betas`` P x (10,) (some files hold more: the first 10 used);
- ``poses`` P x (N, 72) SMPL axis-angle (root + 23 joints), ``trans`` P x (N, 3) SMPL translation, metres;
- ``jointPositions`` P x (N, 72): the 24 SMPL joints in the world, metres (optional here);
- ``poses2d`` P x (N, 3, 18): OpenPose-18 detections (x, y, confidence), zeros where not detected;
- ``cam_poses`` (N, 4, 4) world-to-camera ``[R_w2c | t_w2c]``; ``cam_intrinsics`` (3, 3);
- ``campose_valid`` P x (N,): the frame's camera pose is aligned to the image.

What we do (each actor is one sequence ``<sequence>_<actor>``):

- SMPL -> SMPL-X: the first 21 body rotations are kept (``keypoint_maps``); the SMPL betas are used as
  SMPL-X betas, an approximation (different shape spaces). ``transl`` is set so that the SMPL-X pelvis is
  at the SMPL pelvis of ``jointPositions`` (``transl = pelvis - J0_smplx(betas)``); without
  ``jointPositions`` the SMPL ``trans`` is kept (the two models' rest pelvis differ by a few cm).
- World: taken as gravity-aligned with y up (``world_up='y'``: aitviewer shows 3DPW in its y-up viewer
  as is; not verified on the data here); ``world_up='camera'`` instead assumes the first camera is level,
  ``'body'`` that the actor is upright on average. Then grounded (``sequence_ops``; assumes one flat floor,
  so stairs sequences get their lowest point at y = 0 and contact labels only there).
- ``valid`` = ``campose_valid``; ``kp2d`` = ``poses2d`` mapped to COCO-17, confidences kept; ``vis`` from
  those confidences (``keypoint_maps.body_joint_visibility``, above ``vis_threshold``), an approximation:
  3DPW has no occlusion labels; ``bbox`` = the square box around the projected ground-truth body
  (joints and COCO-17), enlarged by ``bbox_scale``; ``img_feat``: the synthetic stand-in or zeros
  (``camera_window``).
"""
from pathlib import Path

import numpy as np
import torch

from unihmr.body.joint_sets import NUM_BETAS
from unihmr.data.datasets.base import bbox_from_corners
from unihmr.data.datasets.camera_window import CameraSequenceDataset, project
from unihmr.data.datasets.format_checks import check_shape, read_pickle, require_keys, require_path
from unihmr.data.datasets.sequence_ops import body_inputs, prepare_sequence, rest_pelvis
from unihmr.data.keypoint_maps import (OPENPOSE18_NAMES, SMPL_JOINT_NAMES, body_joint_visibility,
                                       coco17_from_openpose18, smpl_to_smplx_body_pose)
from unihmr.registry import DATASETS

THREEDPW_FPS = 30.0
REQUIRED_KEYS = ('sequence', 'betas', 'poses', 'trans', 'poses2d', 'cam_poses', 'cam_intrinsics', 'campose_valid')
SMPL_FLAT = 3 * len(SMPL_JOINT_NAMES)  # 72: root + 23 rotations, or 24 joint positions


def find_3dpw_files(root, split: str) -> list:
    """Sequence files of ``split`` under a 3DPW folder (``sequenceFiles/<split>/*.pkl``) or a folder of .pkl."""
    root = require_path(root, '3DPW root')
    folder = root / 'sequenceFiles' / split
    folder = folder if folder.is_dir() else root
    files = sorted(folder.glob('*.pkl'))
    if not files:
        raise FileNotFoundError(f"3DPW: no sequence .pkl files in '{folder}' (expected sequenceFiles/{split}/*.pkl)")
    return files


def read_3dpw_file(path: Path, body_model, vis_threshold: float = 0.3, bbox_scale: float = 1.2) -> list:
    """Raw sequences (one per actor) of one 3DPW .pkl, in 3DPW's world, SMPL-X parameters and COCO-17."""
    data = read_pickle(path)
    require_keys(data, REQUIRED_KEYS, path)
    cams = check_shape(path, 'cam_poses', data['cam_poses'], (None, 4, 4)).astype(np.float64)
    num = cams.shape[0]
    K = np.broadcast_to(check_shape(path, 'cam_intrinsics', data['cam_intrinsics'], (3, 3)), (num, 3, 3))
    sequences = []
    for actor in range(len(data['poses'])):
        poses = check_shape(path, f'poses[{actor}]', data['poses'][actor], (num, SMPL_FLAT)).astype(np.float64)
        trans = check_shape(path, f'trans[{actor}]', data['trans'][actor], (num, 3)).astype(np.float64)
        detected = check_shape(path, f'poses2d[{actor}]', data['poses2d'][actor], (num, 3, len(OPENPOSE18_NAMES)))
        valid = check_shape(path, f'campose_valid[{actor}]', data['campose_valid'][actor], (num,)).astype(bool)
        betas = np.zeros(NUM_BETAS)
        given = np.asarray(data['betas'][actor], dtype=np.float64).reshape(-1)[:NUM_BETAS]
        betas[:len(given)] = given
        if 'jointPositions' in data:
            joints = check_shape(path, f'jointPositions[{actor}]', data['jointPositions'][actor], (num, SMPL_FLAT))
            trans = joints[:, :3].astype(np.float64) - rest_pelvis(body_model, betas)
        kp2d = coco17_from_openpose18(np.transpose(detected, (0, 2, 1)).astype(np.float64))
        seq = dict(seq_id=f"{data['sequence']}_{actor}", fps=THREEDPW_FPS, betas=betas, valid=valid,
                   global_orient_w=poses[:, :3], body_pose=smpl_to_smplx_body_pose(poses[:, 3:]), transl_w=trans,
                   K=K.astype(np.float64), R_w2c=cams[:, :3, :3], t_w2c=cams[:, :3, 3], kp2d=kp2d,
                   vis=body_joint_visibility(kp2d[..., 2], vis_threshold))
        seq['bbox'] = body_bbox(seq, body_model, bbox_scale)
        sequences.append(seq)
    return sequences


@torch.no_grad()
def body_bbox(seq: dict, body_model, scale: float) -> np.ndarray:
    """Square boxes (N, 3) around the projected body (22 joints and COCO-17) of a raw sequence."""
    out = body_model(**body_inputs(seq), return_verts=False)
    points = torch.cat([out.joints, out.coco17], dim=1).double().numpy()
    pixels, _ = project(points, seq['K'], seq['R_w2c'], seq['t_w2c'])
    return bbox_from_corners(pixels.min(1), pixels.max(1), scale)


def iter_3dpw_sequences(files, body_model, fps: float = 30.0, world_up: str = 'y', ground: bool = True,
                        bbox_scale: float = 1.2, vis_threshold: float = 0.3, progress: bool = False):
    """Prepared sequences (``sequence_ops.prepare_sequence``) of 3DPW .pkl ``files``, one file at a time."""
    if progress:
        from tqdm import tqdm
        files = tqdm(files, desc='3DPW', unit='file')
    for path in files:
        for raw in read_3dpw_file(path, body_model, vis_threshold, bbox_scale):
            seq = prepare_sequence(raw, body_model, fps, up=world_up, ground=ground)
            if seq is not None:
                yield seq


@DATASETS.register_module()
class ThreeDPWDataset(CameraSequenceDataset):
    """3DPW windows in the data contract (module docstring for the conversions).

    Args:
        root: the 3DPW folder (with ``sequenceFiles/``), a folder of its .pkl files, or a prepared cache.
        split: ``'train'``, ``'validation'`` or ``'test'``.
        vis_threshold: keypoint confidence above which a joint counts as seen.
        world_up, ground, bbox_scale: see ``CameraSequenceDataset``; window, stride, fps, min_frames,
            feat_dim, body_model, cache_size: see ``MotionWindowDataset``.
    """

    dataset_name = '3dpw'

    def __init__(self, root, split: str = 'test', vis_threshold: float = 0.3, **kwargs):
        super().__init__(root, **kwargs)
        self.split, self.vis_threshold = split, float(vis_threshold)
        self._open()

    def settings(self) -> dict:
        return dict(super().settings(), split=self.split, vis_threshold=self.vis_threshold)

    def find_files(self) -> list:
        return find_3dpw_files(self.root, self.split)

    def iter_raw_sequences(self, files, progress: bool = False):
        return iter_3dpw_sequences(files, self.body_model, self.fps, self.world_up, self.ground, self.bbox_scale,
                                   self.vis_threshold, progress)
