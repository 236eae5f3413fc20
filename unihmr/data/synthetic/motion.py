"""Procedural motion: body-model parameters for short, deterministic motion clips.

A motion family is a function ``(num_frames, fps, rng, **params) -> dict`` of world-frame SMPL-X
parameters (``global_orient_w`` (T, 3), ``body_pose`` (T, 21, 3), ``transl_w`` (T, 3) with the
pelvis height of a standing body), registered in ``MOTION_FAMILIES`` by name. World frame: y up,
the body faces +z at rest. Grounding (feet on y = 0) needs the body model and is done by
:func:`ground_motion`.
"""
import math

import numpy as np
import torch

from unihmr.body.joint_sets import BODY_JOINT_NAMES

MOTION_FAMILIES = {}


def register_motion(name):
    """Decorator that adds a motion family to ``MOTION_FAMILIES``."""
    def wrap(fn):
        MOTION_FAMILIES[name] = fn
        return fn
    return wrap


def _pose_index(name: str) -> int:
    """Index into ``body_pose`` (21 rotations) of the named joint."""
    return BODY_JOINT_NAMES.index(name) - 1


@register_motion('walk')
def walk(num_frames: int, fps: float, rng: np.random.Generator, speed: float = 1.2,
         stride_hz: float = 0.9, arm_swing: float = 0.35) -> dict:
    """A straight walk along +z: hip/knee flexion out of phase, counter-swinging arms, slight sway."""
    t = np.arange(num_frames) / fps
    phase = 2 * math.pi * stride_hz * t + rng.uniform(0, 2 * math.pi)
    body_pose = np.zeros((num_frames, 21, 3))
    for side, shift in (('left', 0.0), ('right', math.pi)):
        swing = np.sin(phase + shift)
        body_pose[:, _pose_index(f'{side}_hip'), 0] = -0.45 * swing
        body_pose[:, _pose_index(f'{side}_knee'), 0] = 0.55 * np.clip(np.sin(phase + shift - 1.2), 0, None) + 0.05
        body_pose[:, _pose_index(f'{side}_ankle'), 0] = 0.15 * np.sin(phase + shift - 0.6)
        # Arms down from the T-pose (rotation about z), swinging against the leg on the same side.
        body_pose[:, _pose_index(f'{side}_shoulder'), 2] = -1.25 if side == 'left' else 1.25
        body_pose[:, _pose_index(f'{side}_shoulder'), 1] = arm_swing * swing * (1 if side == 'left' else 1)
        body_pose[:, _pose_index(f'{side}_elbow'), 1] = -0.3 if side == 'left' else 0.3
    body_pose[:, _pose_index('spine2'), 1] = 0.06 * np.sin(phase)
    global_orient = np.zeros((num_frames, 3))
    global_orient[:, 1] = 0.04 * np.sin(phase)
    transl = np.zeros((num_frames, 3))
    transl[:, 2] = speed * t
    transl[:, 1] = 0.015 * np.cos(2 * phase)
    return {'global_orient_w': global_orient, 'body_pose': body_pose, 'transl_w': transl}


def make_motion(family: str, num_frames: int, fps: float = 30.0, seed: int = 0, **params) -> dict:
    """Generate one clip of a named motion family as float32 torch tensors (deterministic by seed)."""
    if family not in MOTION_FAMILIES:
        raise ValueError(f"unknown motion family '{family}'; known: {sorted(MOTION_FAMILIES)}")
    if num_frames < 1:
        raise ValueError(f'num_frames must be >= 1, got {num_frames}')
    rng = np.random.default_rng(seed)
    params = MOTION_FAMILIES[family](num_frames, fps, rng, **params)
    return {key: torch.as_tensor(value, dtype=torch.float32) for key, value in params.items()}


def ground_motion(body_model, motion: dict, betas: torch.Tensor) -> dict:
    """Shift ``transl_w`` vertically so the lowest mesh vertex over the clip touches y = 0.

    ``betas`` (10,) is used for every frame. Returns a new dict with ``betas`` (T, 10) added.
    """
    num_frames = motion['transl_w'].shape[0]
    betas = betas.expand(num_frames, -1)
    with torch.no_grad():
        out = body_model(global_orient=motion['global_orient_w'], body_pose=motion['body_pose'],
                         betas=betas, transl=motion['transl_w'], return_verts=True)
    lowest = out.vertices[..., 1].min()
    transl = motion['transl_w'].clone()
    transl[:, 1] -= lowest
    return {**motion, 'transl_w': transl, 'betas': betas.clone()}
