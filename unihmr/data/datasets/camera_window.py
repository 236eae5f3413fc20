"""Contract windows for real datasets recorded with a known camera (3DPW, EMDB).

Their prepared sequences hold everything per frame: world SMPL-X parameters, cameras (``K``, ``R_w2c``,
``t_w2c``), COCO-17 ``kp2d``, ``bbox``, ``vis`` and ``contact``. A window only adds the camera-frame root
(``root_w_to_c`` about the rest pelvis of the sequence's betas) and the image features.

Image features: real datasets ship no precomputed backbone features. By default (``features='standin'``)
``img_feat`` (T, D) is the synthetic benchmark's documented stand-in (``unihmr.data.synthetic.features``:
a fixed random network of the camera-frame ground-truth pose, the keypoints relative to the box and
the visibility, plus noise drawn from ``numpy.random.default_rng([seed, index])``), so models trained on
the synthetic data run on the real cameras, keypoints and motions. It is NOT an image feature and
carries ground truth, as on the synthetic data. ``features='zeros'`` gives zeros instead; features
extracted from the real images are not part of this loader.
"""
from typing import Optional

import numpy as np
import torch

from unihmr.data.datasets.base import MotionWindowDataset
from unihmr.data.datasets.sequence_ops import rest_pelvis
from unihmr.data.synthetic.features import image_features
from unihmr.geometry.camera import project_points, world_to_camera
from unihmr.geometry.gravity_view import root_w_to_c
from unihmr.geometry.rotations import axis_angle_to_matrix, matrix_to_axis_angle


FEATURE_KINDS = ('standin', 'zeros')


class CameraSequenceDataset(MotionWindowDataset):
    """A ``MotionWindowDataset`` whose prepared sequences carry cameras and 2D observations.

    Extra args (besides ``MotionWindowDataset``'s):
        world_up: where gravity-up is in the dataset's world (``sequence_ops.world_up``: an axis such as
            ``'y'``, or ``'camera'``, or ``'body'``).
        ground: put the lowest mesh point of each sequence at y = 0.
        bbox_scale: boxes are ``bbox_scale`` x the longer side of the tight box (GVHMR: 1.2).
        features: ``'standin'`` or ``'zeros'`` (module docstring); seed: seeds the stand-in's noise.
    """

    def __init__(self, root, world_up: str = 'y', ground: bool = True, bbox_scale: float = 1.2,
                 features: str = 'standin', seed: int = 0, **kwargs):
        if features not in FEATURE_KINDS:
            raise ValueError(f'features: expected one of {FEATURE_KINDS}, got {features!r}')
        super().__init__(root, **kwargs)
        self.world_up, self.ground, self.bbox_scale = world_up, bool(ground), float(bbox_scale)
        self.features, self.seed = features, int(seed)

    def settings(self) -> dict:
        return dict(super().settings(), world_up=self.world_up, ground=self.ground, bbox_scale=self.bbox_scale)

    def make_window(self, chunk: dict, meta: dict, index: int) -> dict:
        def tensor(key: str, dtype: Optional[torch.dtype] = torch.float32) -> torch.Tensor:
            return torch.as_tensor(np.ascontiguousarray(chunk[key]), dtype=dtype)

        num_frames = len(chunk['valid'])
        betas = tensor('betas').expand(num_frames, -1).clone()
        R_w2c, t_w2c = tensor('R_w2c'), tensor('t_w2c')
        pelvis = torch.as_tensor(rest_pelvis(self.body_model, chunk['betas']), dtype=torch.float32)
        R_root_c, transl_c = root_w_to_c(axis_angle_to_matrix(tensor('global_orient_w')), tensor('transl_w'),
                                         R_w2c, t_w2c, pelvis)
        params = dict(global_orient_c=matrix_to_axis_angle(R_root_c), transl_c=transl_c,
                      global_orient_w=tensor('global_orient_w'), transl_w=tensor('transl_w'),
                      body_pose=tensor('body_pose'), betas=betas)
        kp2d, bbox, vis = tensor('kp2d'), tensor('bbox'), tensor('vis', torch.bool)
        if self.features == 'standin':
            img_feat = image_features(params['global_orient_c'], params['body_pose'], betas, kp2d, bbox, vis,
                                      np.random.default_rng([self.seed, index]), self.feat_dim)
        else:
            img_feat = torch.zeros(num_frames, self.feat_dim)
        return dict(kp2d=kp2d, bbox=bbox, K=tensor('K'), R_w2c=R_w2c, t_w2c=t_w2c, img_feat=img_feat,
                    valid=tensor('valid', torch.bool), smpl_params=params, vis=vis, contact=tensor('contact'),
                    meta=meta)


def project(points_w: np.ndarray, K: np.ndarray, R_w2c: np.ndarray, t_w2c: np.ndarray) -> tuple:
    """Pixels (N, J, 2) and camera depths (N, J) of world points (N, J, 3) seen by per-frame cameras (N, ...)."""
    def tensor(value):
        return torch.as_tensor(np.asarray(value), dtype=torch.float64)

    points_c = world_to_camera(tensor(points_w), tensor(R_w2c), tensor(t_w2c))
    return project_points(points_c, tensor(K)).numpy(), points_c[..., 2].numpy()
