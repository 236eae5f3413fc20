"""AMASS's SMPL-X ``.npz`` layout, written in AMASS's z-up world: what ``AMASSDataset`` reads back and the
SMPL-X Blender add-on animates ("Add Animation" on an AMASS file).

Keys: ``poses`` (N, 165) axis-angle (root 3, 21 body joints 63, jaw 3, eyes 6, hands 90; only the root and
body are filled), ``trans`` (N, 3) metres, ``betas`` (16,), ``mocap_frame_rate``, ``gender`` 'neutral',
``surface_model_type`` 'smplx'. Our world is y up; AMASS's is z up, so the motion is turned about the rest
pelvis (``sequence_ops.rotate_world``), the inverse of what ``AMASSDataset`` does on reading.
"""
import numpy as np

from unihmr.body.joint_sets import NUM_BODY_POSE
from unihmr.data.datasets.amass import AMASS_UP, BODY_DIMS, ROOT_DIMS
from unihmr.data.datasets.sequence_ops import rotate_world, rotation_to_y_up

POSE_DIMS = 165
BETAS_DIMS = 16


def amass_file_arrays(global_orient: np.ndarray, body_pose: np.ndarray, transl: np.ndarray, betas: np.ndarray,
                      fps: float, pelvis_rest: np.ndarray) -> dict:
    """The arrays of one AMASS file. global_orient (N, 3), body_pose (N, 21, 3) axis-angle and transl (N, 3)
    in our y-up world; betas (<= 16,); pelvis_rest (3,) the rest pelvis for these betas."""
    up = np.zeros(3)
    up['xyz'.index(AMASS_UP)] = 1.0
    seq = rotate_world(dict(global_orient_w=np.asarray(global_orient, dtype=np.float64),
                            transl_w=np.asarray(transl, dtype=np.float64)),
                       rotation_to_y_up(up).T, np.asarray(pelvis_rest, dtype=np.float64))
    frames = len(seq['transl_w'])
    poses = np.zeros((frames, POSE_DIMS))
    poses[:, ROOT_DIMS] = seq['global_orient_w']
    poses[:, BODY_DIMS] = np.asarray(body_pose, dtype=np.float64).reshape(frames, 3 * NUM_BODY_POSE)
    padded = np.zeros(BETAS_DIMS)
    padded[:len(betas)] = betas
    return dict(poses=poses, trans=seq['transl_w'], betas=padded, mocap_frame_rate=np.float64(fps),
                gender=np.array('neutral'), surface_model_type=np.array('smplx'))
