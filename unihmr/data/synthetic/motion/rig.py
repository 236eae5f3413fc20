"""The body facts the motion planner needs for one body shape: rest skeleton, leg geometry and foot soles.

``Rig`` is built per sequence from the body model and betas (NumPy float64). Feet are described in
each ankle's rest frame: the ball (toe-base) joint and twelve sole points from the back of the heel to
the tip of the toes (the lowest mesh vertex in each of twelve bins along the foot). Sole points come
from the body model's own mesh as a linear function of betas, fitted once per body-model instance on 11
shapes (the mesh's forefoot reshaping is nearly linear in betas up to its floor shift, which is restored
exactly: the lowest point is put on the floor); on random shapes the heights are within 1 mm of the mesh.
"""
import weakref
from dataclasses import dataclass

import numpy as np
import torch

from unihmr.body.joint_sets import BODY_JOINT_NAMES, NUM_BETAS, NUM_BODY_JOINTS

SIDES = ('left', 'right')
J = {name: i for i, name in enumerate(BODY_JOINT_NAMES)}
SOLE_POINTS = 12  # sole points per foot: the lowest vertex in each of 12 equal bins from heel to toe tip
SOLE_BAND = (0.05, 0.06)  # vertices within this height (m) of the floor and this distance (m) of the foot axis
FIT_SCALE = 2.0  # fit shapes: zero and +FIT_SCALE along each beta
_PROFILES = weakref.WeakKeyDictionary()


@dataclass
class Rig:
    """Per-shape geometry (metres, rest pose, ground at y = 0 for the rest body).

    rest (22, 3) rest joints; pelvis_height: rest pelvis height above the ground; hip (2, 3): hip minus
    pelvis; thigh / shank (2, 3): knee minus hip / ankle minus knee; ball (2, 3): ball joint minus ankle;
    sole (2, P, 3): sole points minus ankle; on_toes (2, P): sole points beyond the ball, carried by the toe
    joint; ankle_height / ball_height (2,): above the ground, foot flat; foot_yaw (2,): rest direction of
    each foot (ankle -> ball) as a yaw angle.
    """

    rest: np.ndarray
    pelvis_height: float
    hip: np.ndarray
    thigh: np.ndarray
    shank: np.ndarray
    ball: np.ndarray
    sole: np.ndarray
    on_toes: np.ndarray
    ankle_height: np.ndarray
    ball_height: np.ndarray
    foot_yaw: np.ndarray

    @property
    def leg_length(self) -> float:
        """Mean hip-to-ankle length with a straight knee."""
        return float(np.mean(np.linalg.norm(self.thigh, axis=-1) + np.linalg.norm(self.shank, axis=-1)))

    @property
    def hip_width(self) -> float:
        return float(np.linalg.norm(self.hip[0] - self.hip[1]))


def _sole_profile(vertices: np.ndarray, rest: np.ndarray) -> np.ndarray:
    """Sole points (U, 2, P, 3) as (along the foot axis, across it, height above the lowest vertex), metres,
    relative to the ankle, from rest meshes (U, V, 3) and joints (U, 22, 3)."""
    floor = vertices[..., 1].min(-1)
    band, width = SOLE_BAND
    out = np.zeros((len(vertices), 2, SOLE_POINTS, 3))
    for s, side in enumerate(SIDES):
        ankle, ball = rest[:, J[f'{side}_ankle']], rest[:, J[f'{side}_foot']]
        axis = (ball - ankle)[:, [0, 2]]
        axis = axis / np.linalg.norm(axis, axis=-1, keepdims=True)
        rel = vertices[..., [0, 2]] - ankle[:, None, [0, 2]]
        along = (rel * axis[:, None]).sum(-1)
        across = rel[..., 0] * axis[:, None, 1] - rel[..., 1] * axis[:, None, 0]
        height = vertices[..., 1] - floor[:, None]
        sole = (height < band) & (np.abs(across) < width) & (along > -0.2) & (along < 0.3)
        low = np.where(sole, along, np.inf).min(-1, keepdims=True)
        high = np.where(sole, along, -np.inf).max(-1, keepdims=True)
        bins = np.clip(((along - low) / (high - low) * SOLE_POINTS).astype(int), 0, SOLE_POINTS - 1)
        for p in range(SOLE_POINTS):
            pick = np.where(sole & (bins == p), height, np.inf).argmin(-1)
            rows = np.arange(len(vertices))
            out[:, s, p] = np.stack([along[rows, pick], across[rows, pick], height[rows, pick]], -1)
    return out


@dataclass
class _ShapeModel:
    """Linear-in-betas facts of one body model: rest joints (22, 3) + dirs (22, 3, 10), floor terms (K,), (K, 10)
    (the lowest sole vertex is their minimum), sole points (2, P, 3) + slopes (10, 2, P, 3)."""

    joints: np.ndarray
    joint_dirs: np.ndarray
    floor: np.ndarray
    floor_dirs: np.ndarray
    sole: np.ndarray
    sole_dirs: np.ndarray


def _shape_model(body_model) -> _ShapeModel:
    """Fitted once per body-model instance on 11 shapes (zero and +FIT_SCALE along each beta).

    Rest joints are exactly linear in betas for SMPL-X and the embedded model. The floor is exact for the
    embedded model (mannequin-x's sole calibration); for another backend it is fitted like the sole points.
    """
    if body_model not in _PROFILES:
        betas = torch.cat([torch.zeros(1, NUM_BETAS), FIT_SCALE * torch.eye(NUM_BETAS)])
        shape_space = getattr(body_model, 'shape_space', None)
        with torch.no_grad():
            if shape_space is not None:
                vertices, rest = shape_space.surface(betas.to(shape_space.joint_rest.dtype))
            else:
                out = body_model(betas=betas, return_verts=True)
                vertices, rest = out.vertices, out.joints
        vertices, rest = vertices.double().numpy(), rest[:, :NUM_BODY_JOINTS].double().numpy()
        points = _sole_profile(vertices, rest)

        def linear(values):
            return values[0], np.moveaxis((values[1:] - values[:1]) / FIT_SCALE, 0, -1)

        if shape_space is not None and hasattr(shape_space, 'sole_y_rest'):
            floor = (shape_space.sole_y_rest.double().numpy(), shape_space.sole_y_dirs.double().numpy())
        else:
            floor = tuple(x[None] for x in linear(vertices[..., 1].min(-1)))
        _PROFILES[body_model] = _ShapeModel(*linear(rest), *floor, *linear(points))
    return _PROFILES[body_model]


def build_rig(body_model, betas) -> Rig:
    """The ``Rig`` of ``body_model`` for one shape ``betas`` (10,)."""
    betas = np.asarray(betas, dtype=np.float64).reshape(NUM_BETAS)
    model = _shape_model(body_model)
    rest = model.joints + model.joint_dirs @ betas
    floor = float((model.floor + model.floor_dirs @ betas).min())
    profile = model.sole + model.sole_dirs @ betas                                # (2, P, 3)
    heights = profile[..., 2] - profile[..., 2].min(-1, keepdims=True)  # the lowest sole point is the floor (exact)
    idx = lambda name: [J[f'{side}_{name}'] for side in SIDES]  # noqa: E731
    ankle, ball = rest[idx('ankle')], rest[idx('foot')]
    ankle_height = ankle[:, 1] - floor
    ball_offset = ball - ankle
    axis = ball_offset[:, [0, 2]] / np.linalg.norm(ball_offset[:, [0, 2]], axis=-1, keepdims=True)
    across = np.stack([axis[:, 1], -axis[:, 0]], -1)                              # the foot's left in (x, z)
    ground = profile[..., :1] * axis[:, None] + profile[..., 1:2] * across[:, None]
    sole = np.stack([ground[..., 0], heights - ankle_height[:, None], ground[..., 1]], -1)
    on_toes = profile[..., 0] > np.linalg.norm(ball_offset[:, [0, 2]], axis=-1)[:, None]
    return Rig(rest=rest, pelvis_height=float(rest[J['pelvis'], 1] - floor), hip=rest[idx('hip')] - rest[J['pelvis']],
               thigh=rest[idx('knee')] - rest[idx('hip')], shank=ankle - rest[idx('knee')], ball=ball_offset,
               sole=sole, on_toes=on_toes, ankle_height=ankle_height, ball_height=ball[:, 1] - floor,
               foot_yaw=np.arctan2(axis[:, 0], axis[:, 1]))
