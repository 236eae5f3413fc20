"""Joint and keypoint layouts of the real datasets, and the maps from them to ours (by name, never by number).

- SMPL (3DPW, EMDB) has 24 joints: the 22 SMPL-X body joints in the same order and with the same parents,
  then the two hands. Its 23 body-pose rotations therefore map to SMPL-X's 21 by dropping the two hand
  rotations (:func:`smpl_to_smplx_body_pose`). This is the standard approximation: SMPL and SMPL-X have
  different rest skeletons and shape spaces, so the same rotations give slightly different joints.
- OpenPose-18 (3DPW ``poses2d``) is the COCO-18 layout of OpenPose: COCO-17 plus a neck, in another order.
- ``BODY_JOINT_VIS_FROM_COCO`` says which COCO-17 keypoints decide whether each of the 22 body joints is
  seen, for datasets whose only visibility cue is the detector's keypoint confidence.
"""
import numpy as np

from unihmr.body.joint_sets import BODY_JOINT_NAMES, COCO17_NAMES, NUM_BODY_POSE

SMPL_JOINT_NAMES = BODY_JOINT_NAMES + ('left_hand', 'right_hand')
NUM_SMPL_BODY_POSE = len(SMPL_JOINT_NAMES) - 1  # 23 rotations after the root

OPENPOSE18_NAMES = (
    'nose', 'neck', 'right_shoulder', 'right_elbow', 'right_wrist', 'left_shoulder', 'left_elbow',
    'left_wrist', 'right_hip', 'right_knee', 'right_ankle', 'left_hip', 'left_knee', 'left_ankle',
    'right_eye', 'left_eye', 'right_ear', 'left_ear',
)
COCO17_FROM_OPENPOSE18 = tuple(OPENPOSE18_NAMES.index(name) for name in COCO17_NAMES)

# COCO-17 points 5..16 are SMPL joints too (same names as the body joints).
COCO17_BODY_NAMES = COCO17_NAMES[5:]
COCO17_FROM_SMPL = tuple(SMPL_JOINT_NAMES.index(name) for name in COCO17_BODY_NAMES)

# body joint -> ('all' | 'any', COCO names): the joint counts as seen when all / any of them are confident.
BODY_JOINT_VIS_FROM_COCO = {
    'pelvis': ('all', ('left_hip', 'right_hip')),
    'left_hip': ('all', ('left_hip',)),
    'right_hip': ('all', ('right_hip',)),
    'spine1': ('all', ('left_hip', 'right_hip')),
    'left_knee': ('all', ('left_knee',)),
    'right_knee': ('all', ('right_knee',)),
    'spine2': ('all', ('left_hip', 'right_hip', 'left_shoulder', 'right_shoulder')),
    'left_ankle': ('all', ('left_ankle',)),
    'right_ankle': ('all', ('right_ankle',)),
    'spine3': ('all', ('left_shoulder', 'right_shoulder')),
    'left_foot': ('all', ('left_ankle',)),
    'right_foot': ('all', ('right_ankle',)),
    'neck': ('all', ('left_shoulder', 'right_shoulder')),
    'left_collar': ('all', ('left_shoulder',)),
    'right_collar': ('all', ('right_shoulder',)),
    'head': ('any', ('nose', 'left_eye', 'right_eye', 'left_ear', 'right_ear')),
    'left_shoulder': ('all', ('left_shoulder',)),
    'right_shoulder': ('all', ('right_shoulder',)),
    'left_elbow': ('all', ('left_elbow',)),
    'right_elbow': ('all', ('right_elbow',)),
    'left_wrist': ('all', ('left_wrist',)),
    'right_wrist': ('all', ('right_wrist',)),
}
assert tuple(BODY_JOINT_VIS_FROM_COCO) == BODY_JOINT_NAMES


def smpl_to_smplx_body_pose(pose: np.ndarray) -> np.ndarray:
    """SMPL body pose (N, 69) or (N, 23, 3) -> SMPL-X body pose (N, 21, 3): the hand rotations are dropped."""
    pose = np.asarray(pose).reshape(pose.shape[0], NUM_SMPL_BODY_POSE, 3)
    return pose[:, :NUM_BODY_POSE].copy()


def coco17_from_openpose18(keypoints: np.ndarray) -> np.ndarray:
    """OpenPose-18 keypoints (..., 18, 3) -> COCO-17 (..., 17, 3); confidences are kept."""
    return np.asarray(keypoints)[..., COCO17_FROM_OPENPOSE18, :]


def body_joint_visibility(coco_conf: np.ndarray, threshold: float) -> np.ndarray:
    """Per-body-joint visibility (..., 22) bool from COCO-17 keypoint confidences (..., 17).

    A joint is seen when all (or, for the head, any) of its COCO keypoints in ``BODY_JOINT_VIS_FROM_COCO``
    have confidence above ``threshold``. An approximation: detectors report confidence, not occlusion.
    """
    confident = np.asarray(coco_conf) > threshold
    columns = []
    for mode, names in BODY_JOINT_VIS_FROM_COCO.values():
        seen = confident[..., [COCO17_NAMES.index(name) for name in names]]
        columns.append(seen.all(-1) if mode == 'all' else seen.any(-1))
    return np.stack(columns, axis=-1)
