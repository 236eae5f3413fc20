"""From a ``Plan`` to SMPL-X parameters, joints and contacts (the only place the body model is called).

Steps: pelvis orientation from heading and tilt; feet (ankle targets with heel/toe roll); pelvis height
lowered where the grounded feet would be out of reach; leg IK; feet well off the ground relax to an ankle
angle relative to the shank; every body-pose angle clipped to the joint limits (``limits``); one
joints-only body-model call; contact labels from those joints.
"""
from dataclasses import replace

import numpy as np
import torch

from unihmr.body.joint_sets import NUM_BETAS

from .grounding import contact_labels
from .curves import smoothstep
from .ik import foot_pose, leg_ik, limit_pelvis_height
from .limits import LIMITS, clamp_euler, pose_index, pose_to_rotvecs
from .plan import Plan
from .rig import SIDES, Rig
from unihmr.data.synthetic.np_rotations import axis_rotation, euler_to_rotvec, matrix_to_euler, yaw_matrix

LEG_JOINTS = {part: [pose_index(f'{side}_{part}') for side in SIDES] for part in ('hip', 'knee', 'ankle', 'foot')}
ANKLE_TWIST = (0.4, 0.4)  # share and cap (rad) of the foot's turn from the pelvis taken by the ankle (hip: the rest)
HEEL_RISE_MARGIN = np.radians(2.0)  # dorsiflexion kept this far inside its limit by raising the heel
AIR_LIFT = (0.04, 0.14)  # m: between these lifts a foot goes from ground-planned to relaxed (Plan.ankle_air)


def pelvis_rotation(plan: Plan) -> np.ndarray:
    """(T, 3, 3): yaw (heading + tilt y), then forward pitch (tilt x), then roll (tilt z)."""
    tilt = plan.pelvis_tilt
    return yaw_matrix(plan.heading + tilt[:, 1]) @ axis_rotation(tilt[:, 0], 'x') @ axis_rotation(tilt[:, 2], 'z')


def _legs(plan: Plan, rig: Rig, pelvis_rot: np.ndarray, fps: float) -> tuple:
    """Pelvis position (T, 3) and leg Euler angles: hip, knee, ankle, toes (T, 2, 3) each."""
    ankle, foot_rot, toe_rot = foot_pose(rig, plan.foot, plan.foot_yaw, plan.foot_pitch)
    pelvis = plan.pelvis.copy()
    pelvis[:, 1] = limit_pelvis_height(rig, plan.pelvis, pelvis_rot, ankle, plan.foot[..., 1], fps)
    facing = (plan.heading + plan.pelvis_tilt[:, 1])[:, None]
    knee_yaw = plan.foot_yaw - np.clip(ANKLE_TWIST[0] * (plan.foot_yaw - facing), -ANKLE_TWIST[1], ANKLE_TWIST[1])
    hip, knee, ankle_rot = leg_ik(rig, pelvis, pelvis_rot, ankle, knee_yaw, foot_rot)
    airborne = smoothstep((plan.foot[..., 1] - AIR_LIFT[0]) / (AIR_LIFT[1] - AIR_LIFT[0]))[..., None]
    ankle_angles = matrix_to_euler(ankle_rot, 'xyz')
    relaxed = np.stack([plan.ankle_air, np.zeros_like(plan.ankle_air), np.zeros_like(plan.ankle_air)], -1)
    ankle_angles = ankle_angles + airborne * (relaxed - ankle_angles)
    return pelvis, [matrix_to_euler(r, 'xyz') for r in (hip, knee)] + [ankle_angles, matrix_to_euler(toe_rot, 'xyz')]


def solve_pose(plan: Plan, rig: Rig, fps: float) -> tuple:
    """World pelvis position (T, 3), pelvis rotation (T, 3, 3) and clipped body-pose Euler angles (T, 21, 3).

    Where a grounded foot would need more ankle dorsiflexion than the joint allows (a deep lunge's rear foot,
    a very deep squat), its heel is raised by the excess (rolling over the ball) and the legs are solved again.
    """
    pelvis_rot = pelvis_rotation(plan)
    pelvis, legs = _legs(plan, rig, pelvis_rot, fps)
    dorsiflexion_limit = LIMITS[LEG_JOINTS['ankle'], 0, 0] + HEEL_RISE_MARGIN
    excess = np.maximum(dorsiflexion_limit - legs[2][..., 0], 0.0) * (plan.foot[..., 1] < AIR_LIFT[0])
    if excess.any():
        plan = replace(plan, foot_pitch=plan.foot_pitch + excess)
        pelvis, legs = _legs(plan, rig, pelvis_rot, fps)
    angles = plan.pose.copy()
    for part, value in zip(('hip', 'knee', 'ankle', 'foot'), legs):
        angles[:, LEG_JOINTS[part]] = value
    return pelvis, pelvis_rot, clamp_euler(angles)


def realize(plan: Plan, rig: Rig, body_model, betas: np.ndarray, fps: float) -> dict:
    """Motion dict of the public API (float32 tensors) for ``plan`` on the body ``rig`` / ``betas`` (10,)."""
    pelvis, pelvis_rot, angles = solve_pose(plan, rig, fps)
    frames = len(plan)
    dtype = getattr(body_model, 'dtype', torch.float32)
    tilt = plan.pelvis_tilt
    orient = np.stack([tilt[:, 0], plan.heading + tilt[:, 1], tilt[:, 2]], -1)   # = pelvis_rotation(plan)
    params = {
        'global_orient_w': torch.from_numpy(euler_to_rotvec(orient, 'yxz', np.float32)).to(dtype),
        'body_pose': torch.from_numpy(pose_to_rotvecs(angles, np.float32)).to(dtype),
        'betas': torch.as_tensor(np.asarray(betas), dtype=dtype).reshape(1, NUM_BETAS).expand(frames, NUM_BETAS),
        'transl_w': torch.from_numpy(pelvis - rig.rest[0]).to(dtype),
    }
    with torch.no_grad():
        posed = body_model(global_orient=params['global_orient_w'], body_pose=params['body_pose'],
                           betas=params['betas'], transl=params['transl_w'], return_verts=False)
    joints = posed.joints
    out = {key: value.float().contiguous() for key, value in params.items()}
    out['joints_w'] = joints.float().contiguous()
    out['coco17_w'] = posed.coco17.float().contiguous()  # lets observe_motion skip its own body-model call
    out['contact'] = torch.from_numpy(contact_labels(joints.double().numpy(), rig, fps))
    return out
