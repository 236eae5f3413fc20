"""EMDB (Kaufmann et al., ICCV 2023) from its published ``P*/<sequence>/*_data.pkl`` files.

Format (EMDB's ``dataset.md``; read as in GVHMR's ``emdb/utils.py`` and WHAM's EMDB script): a pickle of
a dict with, for N frames at 30 fps,

- ``name`` str, ``gender`` str, ``emdb1`` / ``emdb2`` bool (the paper's splits), ``n_frames`` int;
- ``good_frames_mask`` (N,) bool: False where the person is out of view or entirely occluded;
- ``camera``: ``intrinsics`` (3, 3), ``extrinsics`` (N, 4, 4) world-to-camera, ``width``, ``height``;
- ``smpl``: ``poses_root`` (N, 3), ``poses_body`` (N, 69), ``trans`` (N, 3), ``betas`` (10,);
- ``kp2d`` (N, 24, 2): the 24 SMPL joints projected into the image (no confidence);
- ``bboxes``: ``bboxes`` (N, 4) as (x_min, y_min, x_max, y_max), ``invalid_idxs``.

What we do:

- SMPL -> SMPL-X as for 3DPW (first 21 body rotations; SMPL betas used as SMPL-X betas, approximate).
  EMDB has no 3D joints, but ``kp2d`` are exact projections of the SMPL joints, so the SMPL rest pelvis
  J0 (constant, as the betas) is solved by least squares from the pelvis pixels ``kp2d[:, 0]``,
  ``trans`` and the cameras; then ``transl = trans + J0_smpl - J0_smplx(betas)`` keeps the pelvis in
  place. If that system is degenerate the SMPL ``trans`` is kept (with a warning).
- World: EMDB's documentation does not state its up axis; its own viewer script (aitviewer, y up) shows
  the data as is, so the world is taken as gravity-aligned with y up (``world_up='y'``; or ``'camera'``
  / ``'body'``), not verified on the data here. Then grounded (``sequence_ops``; assumes one flat floor).
- ``valid`` = ``good_frames_mask``; ``kp2d``: COCO-17 body points (shoulders .. ankles) from EMDB's
  ``kp2d`` by SMPL joint name, the 5 face points (not SMPL joints) from the body model's COCO-17
  projected with the known camera; confidence 1 for points inside the image on good frames, else 0.
  ``vis``: the body joint projects inside the image (truncation only: EMDB has no occlusion labels).
  ``bbox``: EMDB's box (square, ``bbox_scale`` x its longer side) where valid, else the box around
  the projected body. ``img_feat``: the synthetic stand-in or zeros (``camera_window``).
"""
import warnings

import numpy as np
import torch

from unihmr.body.joint_sets import COCO17_FACE_NAMES, NUM_BETAS
from unihmr.data.datasets.base import bbox_from_corners
from unihmr.data.datasets.camera_window import CameraSequenceDataset, project
from unihmr.data.datasets.format_checks import check_shape, read_pickle, require_keys, require_path
from unihmr.data.datasets.sequence_ops import body_inputs, prepare_sequence, rest_pelvis
from unihmr.data.keypoint_maps import COCO17_FROM_SMPL, SMPL_JOINT_NAMES, smpl_to_smplx_body_pose
from unihmr.registry import DATASETS

EMDB_FPS = 30.0
REQUIRED_KEYS = ('name', 'n_frames', 'good_frames_mask', 'camera', 'smpl', 'kp2d', 'bboxes')
CAMERA_KEYS = ('intrinsics', 'extrinsics', 'width', 'height')
SMPL_KEYS = ('poses_root', 'poses_body', 'trans', 'betas')
SPLITS = ('emdb1', 'emdb2', 'all')
NUM_FACE = len(COCO17_FACE_NAMES)


def find_emdb_files(root) -> list:
    """Every ``*_data.pkl`` under an EMDB folder (``P*/<sequence>/``)."""
    root = require_path(root, 'EMDB root')
    files = sorted(root.glob('**/*_data.pkl'))
    if not files:
        raise FileNotFoundError(f"EMDB: no *_data.pkl files under '{root}' (expected P*/<sequence>/*_data.pkl)")
    return files


def solve_rest_pelvis(pixels, trans, K, R_w2c, t_w2c):
    """Least-squares rest pelvis J0 (3,) of a body whose pelvis ``trans + J0`` projects to ``pixels`` (N, 2).

    Each frame gives two equations linear in J0: with ``p = R (trans + J0) + t`` and the normalised
    pixel ``(a, b, 1) = K^-1 (u, v, 1)``, ``p_x - a p_z = 0`` and ``p_y - b p_z = 0``. Returns None when the
    system is degenerate (rank < 3) or no frame is finite.
    """
    ray = np.einsum('nij,nj->ni', np.linalg.inv(K), np.concatenate([pixels, np.ones_like(pixels[:, :1])], -1))
    offset = np.einsum('nij,nj->ni', R_w2c, trans) + t_w2c
    rows, rhs = [], []
    for axis in range(2):
        rows.append(R_w2c[:, axis] - ray[:, axis, None] * R_w2c[:, 2])
        rhs.append(ray[:, axis] * offset[:, 2] - offset[:, axis])
    A, b = np.concatenate(rows), np.concatenate(rhs)
    finite = np.isfinite(A).all(1) & np.isfinite(b)
    if finite.sum() < 3:
        return None
    solution, _, rank, _ = np.linalg.lstsq(A[finite], b[finite], rcond=None)
    return solution if rank == 3 else None


@torch.no_grad()
def read_emdb_file(path, body_model, bbox_scale: float = 1.2, split: str = 'all'):
    """The raw sequence of one EMDB ``*_data.pkl``, in EMDB's world, SMPL-X parameters and COCO-17;
    None when the file is not in ``split``."""
    data = read_pickle(path)
    require_keys(data, REQUIRED_KEYS + (() if split == 'all' else (split,)), path)
    if split != 'all' and not data[split]:
        return None
    require_keys(data['camera'], CAMERA_KEYS, f'{path} camera')
    require_keys(data['smpl'], SMPL_KEYS, f'{path} smpl')
    require_keys(data['bboxes'], ('bboxes',), f'{path} bboxes')
    num, camera, smpl = int(data['n_frames']), data['camera'], data['smpl']
    extrinsics = check_shape(path, 'camera.extrinsics', camera['extrinsics'], (num, 4, 4)).astype(np.float64)
    K = np.broadcast_to(check_shape(path, 'camera.intrinsics', camera['intrinsics'], (3, 3)), (num, 3, 3))
    R_w2c, t_w2c = extrinsics[:, :3, :3], extrinsics[:, :3, 3]
    poses_root = check_shape(path, 'smpl.poses_root', smpl['poses_root'], (num, 3)).astype(np.float64)
    poses_body = check_shape(path, 'smpl.poses_body', smpl['poses_body'], (num, 3 * (len(SMPL_JOINT_NAMES) - 1)))
    trans = check_shape(path, 'smpl.trans', smpl['trans'], (num, 3)).astype(np.float64)
    betas = np.zeros(NUM_BETAS)
    given = np.asarray(smpl['betas'], dtype=np.float64).reshape(-1)[:NUM_BETAS]
    betas[:len(given)] = given
    smpl_kp = check_shape(path, 'kp2d', data['kp2d'], (num, len(SMPL_JOINT_NAMES), 2)).astype(np.float64)
    good = check_shape(path, 'good_frames_mask', data['good_frames_mask'], (num,)).astype(bool)
    boxes = check_shape(path, 'bboxes.bboxes', data['bboxes']['bboxes'], (num, 4)).astype(np.float64)

    smplx_pelvis = rest_pelvis(body_model, betas)
    smpl_pelvis = solve_rest_pelvis(smpl_kp[good, 0], trans[good], K[good], R_w2c[good], t_w2c[good])
    if smpl_pelvis is None:
        warnings.warn(f'{path}: cannot solve the SMPL rest pelvis from kp2d; SMPL trans kept as SMPL-X transl')
        smpl_pelvis = smplx_pelvis
    seq = dict(seq_id=str(data['name']), fps=EMDB_FPS, betas=betas, valid=good, K=K.astype(np.float64),
               R_w2c=R_w2c, t_w2c=t_w2c, global_orient_w=poses_root,
               body_pose=smpl_to_smplx_body_pose(poses_body.astype(np.float64)),
               transl_w=trans + smpl_pelvis - smplx_pelvis)

    out = body_model(**body_inputs(seq), return_verts=False)
    num_joints = out.joints.shape[1]
    pixels, depth = project(torch.cat([out.joints, out.coco17], dim=1).double().numpy(), seq['K'], R_w2c, t_w2c)
    size = np.array([float(camera['width']), float(camera['height'])])

    def seen(xy, z):
        return (xy >= 0).all(-1) & (xy < size).all(-1) & (z > 0) & good[:, None]

    coco_xy = pixels[:, num_joints:].copy()  # the model's COCO-17; body points replaced by EMDB's
    coco_xy[:, NUM_FACE:] = smpl_kp[:, list(COCO17_FROM_SMPL)]
    coco_seen = seen(coco_xy, depth[:, num_joints:])
    seq['kp2d'] = np.concatenate([coco_xy * coco_seen[..., None], coco_seen[..., None].astype(np.float64)], -1)
    seq['vis'] = seen(pixels[:, :num_joints], depth[:, :num_joints])
    box_ok = good & (boxes[:, 2] > boxes[:, 0]) & (boxes[:, 3] > boxes[:, 1])
    seq['bbox'] = np.where(box_ok[:, None], bbox_from_corners(boxes[:, :2], boxes[:, 2:], bbox_scale),
                           bbox_from_corners(pixels.min(1), pixels.max(1), bbox_scale))
    return seq


def iter_emdb_sequences(files, body_model, split: str = 'all', fps: float = 30.0, world_up: str = 'y',
                        ground: bool = True, bbox_scale: float = 1.2, progress: bool = False):
    """Prepared sequences of EMDB ``files`` in ``split`` (``'emdb1'``, ``'emdb2'`` or ``'all'``)."""
    if split not in SPLITS:
        raise ValueError(f'split: expected one of {SPLITS}, got {split!r}')
    if progress:
        from tqdm import tqdm
        files = tqdm(files, desc='EMDB', unit='file')
    for path in files:
        raw = read_emdb_file(path, body_model, bbox_scale, split)
        seq = None if raw is None else prepare_sequence(raw, body_model, fps, up=world_up, ground=ground)
        if seq is not None:
            yield seq


@DATASETS.register_module()
class EMDBDataset(CameraSequenceDataset):
    """EMDB windows in the data contract (module docstring for the conversions).

    Args:
        root: the EMDB folder (``P0`` .. ``P9``), or a prepared cache.
        split: ``'emdb1'`` (the paper's camera-space test set), ``'emdb2'`` (global trajectories) or ``'all'``.
        world_up, ground, bbox_scale: see ``CameraSequenceDataset``; window, stride, fps, min_frames,
            feat_dim, body_model, cache_size: see ``MotionWindowDataset``.
    """

    dataset_name = 'emdb'

    def __init__(self, root, split: str = 'emdb1', **kwargs):
        if split not in SPLITS:
            raise ValueError(f'split: expected one of {SPLITS}, got {split!r}')
        super().__init__(root, **kwargs)
        self.split = split
        self._open()

    def settings(self) -> dict:
        return dict(super().settings(), split=self.split)

    def find_files(self) -> list:
        return find_emdb_files(self.root)

    def iter_raw_sequences(self, files, progress: bool = False):
        return iter_emdb_sequences(files, self.body_model, self.split, self.fps, self.world_up, self.ground,
                                   self.bbox_scale, progress)
