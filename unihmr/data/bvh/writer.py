"""Write a motion of the 22-joint SMPL-X body as a BVH file (bvhio's writer), and read it back.

The skeleton is the body's: joints named as ``BODY_JOINT_NAMES``, offsets the rest bones of the given
betas in centimetres (the usual BVH unit), the rest pose (all channels zero) the SMPL-X rest pose, so
each channel triple is exactly the joint's local rotation. The root has ``Xposition Yposition Zposition``
(the pelvis in the world, centimetres) and every joint ``Zrotation Yrotation Xrotation`` (intrinsic,
degrees). The world is ours: y up, the body facing +z at rest. Leaves end in an ``End Site`` continuing
their bone (wrists, feet) or pointing up (head). ``retarget`` with ``rig='smplx'`` reads it back.
"""
from pathlib import Path

import numpy as np
import roma
import torch

from unihmr.body.joint_sets import BODY_JOINT_NAMES, BODY_PARENTS
from unihmr.utils.io import atomic_path

CENTIMETRES = 100.0
ROTATION_ORDER = ('Zrotation', 'Yrotation', 'Xrotation')
END_SITE_CM = {'head': (0.0, 15.0, 0.0)}  # other leaves: 5 cm further along their bone


def _end_site(j: int, rest_cm: np.ndarray) -> tuple:
    name = BODY_JOINT_NAMES[j]
    if name in END_SITE_CM:
        return END_SITE_CM[name]
    bone = rest_cm[j] - rest_cm[BODY_PARENTS[j]]
    return tuple(5.0 * bone / np.linalg.norm(bone))


def write_bvh(path, global_orient: np.ndarray, body_pose: np.ndarray, transl: np.ndarray, rest_joints: np.ndarray,
              fps: float) -> Path:
    """Write the motion to ``path`` (temporary name, then rename). global_orient (F, 3), body_pose (F, 21, 3)
    axis-angle; transl (F, 3) metres (SMPL-X: pelvis = rest pelvis + transl); rest_joints (22, 3) metres."""
    import bvhio
    import glm
    path = Path(path)
    frames = len(global_orient)
    rotvecs = np.concatenate([np.asarray(global_orient)[:, None], np.asarray(body_pose)], axis=1)
    quats = roma.rotvec_to_unitquat(torch.as_tensor(rotvecs, dtype=torch.float64)).numpy()  # (F, 22, 4) xyzw
    rest_cm = np.asarray(rest_joints, dtype=np.float64) * CENTIMETRES
    pelvis_cm = (np.asarray(transl, dtype=np.float64) + rest_joints[0]) * CENTIMETRES
    joints = []
    for j, name in enumerate(BODY_JOINT_NAMES):
        offset = rest_cm[j] - (rest_cm[BODY_PARENTS[j]] if j else 0.0)
        joint = bvhio.BvhJoint(name, glm.vec3(*offset))
        joint.Channels = (['Xposition', 'Yposition', 'Zposition'] if j == 0 else []) + list(ROTATION_ORDER)
        position = pelvis_cm if j == 0 else np.broadcast_to(offset, (frames, 3))
        joint.Keyframes = [bvhio.Pose(glm.vec3(*position[f]), glm.quat(quats[f, j, 3], *quats[f, j, :3]))
                           for f in range(frames)]
        if j not in BODY_PARENTS:
            joint.EndSite = glm.vec3(*_end_site(j, rest_cm))
        if j:
            joints[BODY_PARENTS[j]].Children.append(joint)
        joints.append(joint)
    with atomic_path(path) as temporary:
        bvhio.writeBvh(str(temporary), bvhio.BvhContainer(joints[0], frames, 1.0 / fps), percision=6)
    return path
