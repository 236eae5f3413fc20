"""Operations on one whole sequence, shared by the real-dataset loaders and the ``prepare_*`` tools.

A *sequence* is a dict of numpy arrays over its N frames (keys of ``FRAME_KEYS``, only ``global_orient_w``,
``body_pose``, ``transl_w`` and ``valid`` required) plus per-sequence values: ``betas`` (10,) and the
scalars ``seq_id``, ``fps``, ``gravity_source``. Units and frames are those of the data contract
(``unihmr.data.contract``): axis-angle, metres, OpenCV cameras ``x_c = R_w2c x_w + t_w2c``, pixels.

:func:`prepare_sequence` is the whole shared pipeline: drop non-finite frames (marked invalid, filled
from the nearest finite frame), rotate the dataset's world to ours (y up), resample to the target fps,
put the ground at y = 0 (the lowest mesh point of the sequence: assumes one flat floor), and add world
joints and contact labels (``grounding.recorded_contact_labels``: the synthetic benchmark's speeds, heights
against the local floor).
"""
import warnings
from typing import Optional

import numpy as np
import roma
import torch

from unihmr.body.joint_sets import BODY_JOINT_NAMES, FEET_JOINTS
from unihmr.data.synthetic.motion.grounding import recorded_contact_labels
from unihmr.data.synthetic.motion.rig import build_rig

# per-frame key -> how it is resampled
FRAME_KEYS = {
    'global_orient_w': 'rotvec', 'body_pose': 'rotvec', 'transl_w': 'linear', 'valid': 'mask',
    'K': 'linear', 'R_w2c': 'rotmat', 't_w2c': 'linear', 'kp2d': 'keypoints', 'bbox': 'linear', 'vis': 'mask',
    'joints_w': 'linear', 'contact': 'nearest',
}
GROUND_FRAMES = 8  # frames whose feet are lowest, skinned to find the lowest mesh point
Y_UP = np.array([0.0, 1.0, 0.0])


def frame_keys(seq: dict) -> list:
    return [key for key in FRAME_KEYS if key in seq]


def nearest_true(mask: np.ndarray) -> np.ndarray:
    """For every frame, the index (N,) of the nearest frame where ``mask`` (N,) is True (earlier on ties)."""
    good = np.flatnonzero(mask)
    frames = np.arange(len(mask))
    right = np.minimum(np.searchsorted(good, frames), len(good) - 1)
    left = np.maximum(right - 1, 0)
    return np.where(np.abs(good[left] - frames) <= np.abs(good[right] - frames), good[left], good[right])


def sanitize(seq: dict, name: str) -> Optional[dict]:
    """Mark frames with any non-finite value invalid and fill them from the nearest finite frame.

    Returns None (with a warning naming ``name``) when no frame, or the betas, are finite.
    """
    if not np.isfinite(seq['betas']).all():
        warnings.warn(f'{name}: non-finite betas; sequence skipped')
        return None
    keys = [key for key in frame_keys(seq) if seq[key].dtype.kind == 'f']
    finite = np.ones(len(seq['valid']), dtype=bool)
    for key in keys:
        finite &= np.isfinite(seq[key]).reshape(len(finite), -1).all(-1)
    if not finite.any():
        warnings.warn(f'{name}: no frame without NaN/inf; sequence skipped')
        return None
    if finite.all():
        return seq
    warnings.warn(f'{name}: {int((~finite).sum())} frames with NaN/inf marked invalid')
    nearest = nearest_true(finite)
    out = dict(seq, valid=seq['valid'] & finite)
    for key in keys:
        out[key] = seq[key][nearest]
    return out


def _slerp_rotvec(r0: np.ndarray, r1: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Geodesic interpolation of axis-angle rotations (M, ..., 3) with weights (M,)."""
    R0, R1 = roma.rotvec_to_rotmat(torch.from_numpy(r0)), roma.rotvec_to_rotmat(torch.from_numpy(r1))
    step = roma.rotmat_to_rotvec(R0.transpose(-1, -2) @ R1)
    weight = torch.from_numpy(w).reshape(-1, *[1] * (step.dim() - 1))
    return roma.rotmat_to_rotvec(R0 @ roma.rotvec_to_rotmat(weight * step)).numpy()


def resample(seq: dict, fps: float) -> dict:
    """Resample every per-frame key from ``seq['fps']`` to ``fps`` (frame k at time k / fps).

    Rotations are interpolated on the geodesic, vectors linearly; a mask is True only where both
    neighbours are; keypoint confidences take the smaller of the two neighbours. Integer ratios
    (e.g. 120 -> 30 fps) select frames exactly.
    """
    src = float(seq['fps'])
    if abs(src - fps) < 1e-9:
        return seq
    num = len(seq['valid'])
    count = int(np.floor((num - 1) * fps / src + 1e-6)) + 1
    position = np.arange(count) * (src / fps)
    snapped = np.round(position)
    position = np.where(np.abs(position - snapped) < 1e-6, snapped, position)
    i0 = np.minimum(np.floor(position).astype(int), num - 1)
    i1 = np.minimum(i0 + 1, num - 1)
    w = position - i0
    out = dict(seq, fps=float(fps))
    for key in frame_keys(seq):
        value, kind = seq[key], FRAME_KEYS[key]
        a, b = value[i0], value[i1]
        wide = w.reshape(-1, *[1] * (value.ndim - 1))
        if kind == 'rotvec':
            out[key] = _slerp_rotvec(a, b, w)
        elif kind == 'rotmat':
            out[key] = roma.rotvec_to_rotmat(torch.from_numpy(_slerp_rotvec(
                roma.rotmat_to_rotvec(torch.from_numpy(a)).numpy(),
                roma.rotmat_to_rotvec(torch.from_numpy(b)).numpy(), w))).numpy()
        elif kind == 'mask':
            out[key] = a & (b | (w == 0).reshape(wide.shape))
        elif kind == 'nearest':
            out[key] = np.where(wide < 0.5, a, b)
        else:
            out[key] = (1 - wide) * a + wide * b
            if kind == 'keypoints':
                out[key][..., 2] = np.minimum(a[..., 2], np.where(w[:, None] == 0, a[..., 2], b[..., 2]))
    return out


def rotation_to_y_up(up: np.ndarray) -> np.ndarray:
    """The smallest rotation (3, 3) taking the unit direction ``up`` (3,) to +y."""
    up = np.asarray(up, dtype=np.float64)
    up = up / np.linalg.norm(up)
    axis = np.cross(up, Y_UP)
    sin, cos = np.linalg.norm(axis), float(up @ Y_UP)
    if sin < 1e-12:  # already y up, or exactly upside down: half turn about x
        return np.eye(3) if cos > 0 else np.diag([1.0, -1.0, -1.0])
    rotvec = axis / sin * np.arctan2(sin, cos)
    return roma.rotvec_to_rotmat(torch.from_numpy(rotvec)).numpy()


AXES = {'x': 0, 'y': 1, 'z': 2}
NECK = BODY_JOINT_NAMES.index('neck')


@torch.no_grad()
def world_up(seq: dict, mode: str, body_model) -> tuple:
    """The gravity-up direction (3,) of a sequence's world, and a sentence saying where it came from.

    ``mode``: an axis of the dataset's world (``'y'``, ``'-z'``, ...) taken as up; ``'camera'``: the up
    direction of the first valid camera, assumed level (no pitch or roll); ``'body'``: the mean
    pelvis-to-neck direction over valid frames, assumed upright on average.
    """
    if mode.lstrip('-') in AXES:
        up = np.zeros(3)
        up[AXES[mode.lstrip('-')]] = -1.0 if mode.startswith('-') else 1.0
        return up, f'dataset world axis {mode} taken as up'
    first = int(np.flatnonzero(seq['valid'])[0]) if seq['valid'].any() else 0
    if mode == 'camera':
        if 'R_w2c' not in seq:
            raise ValueError(f"{seq['seq_id']}: world_up='camera' needs cameras")
        return -seq['R_w2c'][first][1], 'first camera assumed level (its -y axis taken as up)'
    if mode == 'body':
        joints = body_model(**body_inputs(seq), return_verts=False).joints.double().numpy()
        spine = joints[:, NECK] - joints[:, 0]
        spine = spine / np.linalg.norm(spine, axis=-1, keepdims=True)
        frames = seq['valid'] if seq['valid'].any() else slice(None)
        return spine[frames].mean(0), 'mean pelvis-to-neck direction taken as up'
    raise ValueError(f"world_up: expected an axis ('y', '-z', ...), 'camera' or 'body', got {mode!r}")


def rotate_world(seq: dict, R: np.ndarray, pelvis_rest: np.ndarray) -> dict:
    """Express the sequence in a world rotated by ``R`` (3, 3): ``x_new = R x_old``.

    SMPL-X rotates about the rest pelvis ``J0`` (``pelvis_rest`` (3,) for the sequence's betas), so the
    pelvis ``J0 + transl`` moves to ``R (J0 + transl)`` and ``transl_new = R (J0 + transl) - J0``; the
    root orientation becomes ``R R_root``. Cameras keep their image: ``R_w2c_new = R_w2c R^T``.
    """
    out = dict(seq)
    root = roma.rotvec_to_rotmat(torch.from_numpy(seq['global_orient_w']))
    out['global_orient_w'] = roma.rotmat_to_rotvec(torch.from_numpy(R) @ root).numpy()
    out['transl_w'] = (seq['transl_w'] + pelvis_rest) @ R.T - pelvis_rest
    if 'R_w2c' in seq:
        out['R_w2c'] = seq['R_w2c'] @ R.T
    return out


def shift_up(seq: dict, height: float) -> dict:
    """Move the world origin so that every point's y grows by ``height`` (cameras follow)."""
    offset = np.array([0.0, height, 0.0])
    out = dict(seq, transl_w=seq['transl_w'] + offset)
    if 'joints_w' in seq:
        out['joints_w'] = seq['joints_w'] + offset
    if 'R_w2c' in seq:
        out['t_w2c'] = seq['t_w2c'] - seq['R_w2c'] @ offset
    return out


def body_inputs(seq: dict, frames=slice(None)) -> dict:
    """Body-model keyword arguments (float32 tensors) for the chosen frames of a sequence."""
    count = len(seq['transl_w'][frames])
    return dict(global_orient=torch.as_tensor(seq['global_orient_w'][frames], dtype=torch.float32),
                body_pose=torch.as_tensor(seq['body_pose'][frames], dtype=torch.float32),
                transl=torch.as_tensor(seq['transl_w'][frames], dtype=torch.float32),
                betas=torch.as_tensor(seq['betas'], dtype=torch.float32).expand(count, -1))


@torch.no_grad()
def rest_pelvis(body_model, betas: np.ndarray) -> np.ndarray:
    """Rest position (3,) of the pelvis for ``betas`` (10,): the pelvis joint at zero pose and transl."""
    out = body_model(betas=torch.as_tensor(betas, dtype=torch.float32)[None], return_verts=False)
    return out.joints[0, 0].double().numpy()


@torch.no_grad()
def prepare_sequence(seq: dict, body_model, fps: float, up: str = 'y', ground: bool = True) -> Optional[dict]:
    """The shared pipeline (module docstring). Returns the sequence in our world at ``fps`` with
    ``joints_w`` (N, 22, 3), ``contact`` (N, 4) and ``gravity_source``, or None when it has no usable frame.

    ``up`` says where gravity-up is in the dataset's world (:func:`world_up`); the world is rotated by the
    smallest rotation taking it to +y. With ``ground`` the lowest mesh point, over the frames whose feet
    joints are lowest, is put at y = 0. Contacts: ``grounding.recorded_contact_labels`` (a feet joint slower
    than 0.3 m/s, as the synthetic rule, and within 3 cm of the local floor: recorded feet never sit exactly at
    the body's flat-foot height, nor on one level floor).
    """
    seq = {key: (np.asarray(value, dtype=np.float64) if isinstance(value, np.ndarray)
                 and value.dtype.kind == 'f' else value) for key, value in seq.items()}
    seq = sanitize(seq, seq['seq_id'])
    if seq is None:
        return None
    up_direction, seq['gravity_source'] = world_up(seq, up, body_model)
    seq = rotate_world(seq, rotation_to_y_up(up_direction), rest_pelvis(body_model, seq['betas']))
    seq = resample(seq, fps)
    seq['joints_w'] = body_model(**body_inputs(seq), return_verts=False).joints.double().numpy()
    if ground:
        feet_height = seq['joints_w'][:, list(FEET_JOINTS), 1].min(1)
        lowest = np.argsort(feet_height)[:GROUND_FRAMES]
        vertices = body_model(**body_inputs(seq, lowest), return_verts=True).vertices
        seq = shift_up(seq, -float(vertices[..., 1].min()))
    seq['contact'] = recorded_contact_labels(seq['joints_w'], build_rig(body_model, seq['betas']), fps)
    return seq
