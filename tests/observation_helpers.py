"""Stand-in motions for the observation tests (independent of the procedural motion package)."""
import functools
import math

import numpy as np
import torch

from unihmr.body.joint_sets import BODY_JOINT_NAMES


def pose_index(name: str) -> int:
    """Index into body_pose (21 rotations) of a named joint."""
    return BODY_JOINT_NAMES.index(name) - 1


def standin_motion(num_frames: int = 120, fps: float = 30.0, speed: float = 1.0, seed: int = 0) -> dict:
    """A person walking along +z with swinging legs and arms down (world frame, float32 tensors)."""
    rng = np.random.default_rng(seed)
    t = torch.arange(num_frames) / fps
    phase = 2 * math.pi * 0.9 * t
    pose = torch.zeros(num_frames, 21, 3)
    pose[:, pose_index('left_shoulder'), 2] = -1.2
    pose[:, pose_index('right_shoulder'), 2] = 1.2
    pose[:, pose_index('left_hip'), 0] = -0.4 * torch.sin(phase)
    pose[:, pose_index('right_hip'), 0] = 0.4 * torch.sin(phase)
    pose[:, pose_index('left_knee'), 0] = 0.3 * (1 + torch.sin(phase))
    pose[:, pose_index('right_knee'), 0] = 0.3 * (1 - torch.sin(phase))
    transl = torch.stack([torch.zeros(num_frames), torch.full((num_frames,), 0.95), speed * t], -1)
    betas = torch.from_numpy(rng.uniform(-1, 1, 10)).float()
    return dict(global_orient_w=torch.zeros(num_frames, 3), body_pose=pose, betas=betas, transl_w=transl)


@functools.lru_cache(maxsize=1)
def body_model():
    from unihmr.body import EmbeddedSMPLX
    return EmbeddedSMPLX()


def world_points(motion: dict):
    """World body joints (T, 22, 3) and COCO-17 points (T, 17, 3) of a motion."""
    num_frames = motion['global_orient_w'].shape[0]
    with torch.no_grad():
        out = body_model()(global_orient=motion['global_orient_w'], body_pose=motion['body_pose'],
                           betas=motion['betas'].expand(num_frames, -1), transl=motion['transl_w'],
                           return_verts=False)
    return out.joints, out.coco17
