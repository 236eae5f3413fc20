"""Observe a world-frame motion with a synthetic camera: one window of the data contract.

Pipeline (all random draws from the one ``rng``, so a seed fixes the window; after the camera, the
occlusion, the detector and the features draw from three child generators seeded from ``rng``, so
two severities of the same seed share motion, camera, detector noise and feature noise):

1. body joints (T, 22, 3) and COCO-17 points (T, 17, 3) in the world, from the body model (one
   joints-only call; skipped when the motion carries ``joints_w`` and ``coco17_w``);
2. a camera (``cameras.sample_camera``) unless one is given;
3. projection, then occlusion (``unihmr.data.transforms.occlusion``) on the clean projections; an
   'edge' truncation turns the camera (``cameras.shift_view``) so that the cut is the image border;
4. detector-like keypoints and person box (``keypoints.detect_keypoints``), occluded keypoints missing;
5. camera-frame SMPL-X root: ``global_orient_c = R_w2c global_orient_w`` and ``transl_c`` by
   ``root_w_to_c`` with the pelvis rest offset ``J0`` of these betas (``J0 = pelvis_w - transl_w``,
   exact for SMPL-X), so the body model with the camera parameters gives ``R_w2c joints_w + t_w2c``;
6. the image-feature stand-in (``features.image_features``).
"""
import inspect

import numpy as np
import torch

from unihmr.body.joint_sets import NUM_BODY_JOINTS
from unihmr.data.synthetic.cameras import sample_camera, shift_view
from unihmr.data.synthetic.features import image_features
from unihmr.data.synthetic.keypoints import detect_keypoints
from unihmr.data.synthetic.np_rotations import matrix_to_rotvec, rotvec_to_matrix
from unihmr.data.transforms.occlusion import occlusion_config, sample_occlusion, sample_truncation
from unihmr.geometry.gravity_view import root_w_to_c

__all__ = ['observe_motion']

GRAVITY = (0.0, -1.0, 0.0)  # world gravity direction (y up)
CAMERA_KEYS = ('K', 'R_w2c', 't_w2c', 'image_size')
CAMERA_OPTIONS = frozenset(inspect.signature(sample_camera).parameters) - {'joints_w', 'rng'}


def _body_points(motion: dict, body_model):
    """World joints (T, 22, 3) and COCO-17 points (T, 17, 3): from the motion if present, else one
    joints-only body-model call."""
    if motion.get('joints_w') is not None and motion.get('coco17_w') is not None:
        return motion['joints_w'], motion['coco17_w']
    with torch.no_grad():
        out = body_model(global_orient=motion['global_orient_w'], body_pose=motion['body_pose'],
                         betas=motion['betas'], transl=motion['transl_w'], return_verts=False)
    return out.joints, out.coco17


def _camera(camera, joints_w: torch.Tensor, rng: np.random.Generator, fps: float) -> dict:
    """A full camera dict: ``camera`` itself if it has every key of ``CAMERA_KEYS``, else one sampled with
    ``camera`` (None or a dict of ``sample_camera`` options, e.g. ``dict(kind='static')``)."""
    options = dict(camera or {})
    given = [key for key in CAMERA_KEYS if key in options]
    if len(given) == len(CAMERA_KEYS):
        return options
    if given:
        raise ValueError(f'camera: a given camera needs all of {CAMERA_KEYS}; got only {given}')
    unknown = sorted(set(options) - CAMERA_OPTIONS)
    if unknown:
        raise ValueError(f'camera: unknown options {unknown}; known: {sorted(CAMERA_OPTIONS)}')
    return sample_camera(joints_w, rng, **{'fps': fps, **options})


def _project(points: np.ndarray, K: np.ndarray, R: np.ndarray, t: np.ndarray) -> np.ndarray:
    """World points (T, N, 3) -> pixels (T, N, 2) (numpy; depths assumed positive, clamped at 1e-6)."""
    cam = sum(points[..., j:j + 1] * R[:, None, :, j] for j in range(3)) + t[:, None]  # R_w2c x + t
    uv = cam[..., :2] / np.maximum(cam[..., 2:], 1e-6)
    return uv * K[:, None, [0, 1], [0, 1]] + K[:, None, [0, 1], [2, 2]]


def observe_motion(motion: dict, body_model, rng: np.random.Generator, camera: dict = None,
                   severity: str = 'none', feat_dim: int = 64, occlusion: dict = None, detector: dict = None,
                   fps: float = 30.0, feature_noise: float = 0.1) -> dict:
    """One contract window (``unihmr.data.contract``) observing ``motion`` through a synthetic camera.

    Args:
        motion: world-frame float tensors ``global_orient_w`` (T, 3), ``body_pose`` (T, 21, 3),
            ``betas`` (T, 10) or (10,), ``transl_w`` (T, 3); optional ``joints_w`` (T, 22, 3) with
            ``coco17_w`` (T, 17, 3) (both, or the body model is called) and ``contact`` (T, 4).
        body_model: e.g. ``EmbeddedSMPLX()``; called joints-only at most once.
        rng: the only source of randomness.
        camera: a camera dict with ``K`` (T, 3, 3), ``R_w2c`` (T, 3, 3), ``t_w2c`` (T, 3), ``image_size``
            (W, H) and optional ``kind``; or None / a dict of ``sample_camera`` options (e.g. ``kind``,
            ``fov_deg``) to sample one. An 'edge' truncation turns even a given camera.
        severity: occlusion preset ('none', 'mild', 'heavy'); ``occlusion`` overrides its options.
        detector: overrides of ``keypoints.DETECTOR_DEFAULTS``.
        feat_dim, feature_noise: width and noise of the image-feature stand-in.

    Returns:
        the window: ``kp2d``, ``bbox``, ``K``, ``R_w2c``, ``t_w2c``, ``img_feat``, ``valid`` (all True),
        ``smpl_params`` (world and camera root, ``body_pose``, ``betas``), ``vis``, ``contact`` (zeros
        when the motion has none; ``meta['contact_known']`` says which) and ``meta``: dataset, seq_id,
        start, fps, gravity, ``image_size`` (W, H), ``camera_kind``, ``severity``, ``occluders``
        (T, MAX_OCCLUDERS, 4) x0, y0, x1, y1 pixels (NaN rows: absent), ``truncation`` (T, 4) visible
        window (NaN rows: none; the whole image for 'edge'), ``truncation_mode`` ('', 'crop', 'edge'),
        ``image_crop`` (4,) (always NaN here; set by ``RandomOcclusion`` crops), ``masked_part`` ('' if
        none), ``dropout`` (T,) bool.
    """
    config = occlusion_config(severity, occlusion)
    num_frames = motion['global_orient_w'].shape[0]
    go_w, pose = motion['global_orient_w'].float(), motion['body_pose'].float()
    transl_w = motion['transl_w'].float()
    betas = motion['betas'].float().expand(num_frames, -1).contiguous()
    joints_w, coco_w = _body_points({**motion, 'betas': betas}, body_model)
    camera = _camera(camera, joints_w, rng, fps)
    # Separate streams from here on, so that severities change only the occlusion, not the noise.
    occlusion_rng, detector_rng, feature_rng = (np.random.default_rng(seed) for seed in rng.integers(0, 2 ** 63, 3))
    K, R, t = (camera[key].double().numpy() for key in ('K', 'R_w2c', 't_w2c'))
    image_size = tuple(int(v) for v in camera['image_size'])
    points_w = torch.cat([joints_w, coco_w], 1).double().numpy()
    points_px = _project(points_w, K, R, t)
    joints_px, coco_px = points_px[:, :NUM_BODY_JOINTS], points_px[:, NUM_BODY_JOINTS:]

    truncation = sample_truncation(points_px, image_size, occlusion_rng, config)
    if truncation['mode'] == 'edge':  # re-aim the camera so that the cut line is the image border
        R, t = shift_view(R, t, K[0, 0, 0], truncation['edge_shift'])
        points_px = _project(points_w, K, R, t)
        joints_px, coco_px = points_px[:, :NUM_BODY_JOINTS], points_px[:, NUM_BODY_JOINTS:]
        full_image = np.tile(np.array([0.0, 0.0, *image_size]), (num_frames, 1))
        truncation = {**truncation, 'window': full_image, 'image_crop': np.full(4, np.nan)}
    occ = sample_occlusion(joints_px, coco_px, image_size, occlusion_rng, config, truncation)
    occluders, truncation = occ['occluders'], occ['truncation']
    kp2d, bbox = detect_keypoints(coco_px, detector_rng, image_size, visible=occ['coco_vis'],
                                  in_view=occ['coco_in_view'], **(detector or {}))
    vis = torch.from_numpy(occ['joint_vis'])

    R_w2c, t_w2c = torch.from_numpy(R).float(), torch.from_numpy(t).float()
    # Camera-frame root in float64 (NumPy rotations: torch/roma call overheads dominate at this size).
    transl_w64 = transl_w.double()
    pelvis_offset = joints_w[:, 0].double() - transl_w64  # rest pelvis J0 of these betas (SMPL-X rotates about it)
    R_root_c, transl_c = root_w_to_c(torch.from_numpy(rotvec_to_matrix(go_w.double().numpy())), transl_w64,
                                     torch.from_numpy(R), torch.from_numpy(t), pelvis_offset)
    go_c = torch.from_numpy(matrix_to_rotvec(R_root_c.numpy())).float()
    transl_c = transl_c.float()
    img_feat = image_features(go_c, pose, betas, kp2d, bbox, occ['joint_vis'], feature_rng, feat_dim,
                              feature_noise)

    contact = motion.get('contact')
    to_torch = lambda a: torch.from_numpy(np.ascontiguousarray(a)).float()  # noqa: E731
    meta = dict(dataset='synthetic', seq_id='', start=0, fps=float(fps), gravity=torch.tensor(GRAVITY),
                image_size=image_size, camera_kind=str(camera.get('kind', 'given')), severity=severity,
                occluders=to_torch(occluders), truncation=to_torch(truncation),
                truncation_mode=occ['truncation_mode'], image_crop=to_torch(occ['image_crop']),
                masked_part=occ['part'], dropout=torch.from_numpy(occ['dropout']),
                contact_known=contact is not None)
    smpl_params = dict(global_orient_c=go_c, transl_c=transl_c, global_orient_w=go_w.clone(),
                       transl_w=transl_w.clone(), body_pose=pose.clone(), betas=betas)
    return dict(kp2d=kp2d, bbox=bbox, K=to_torch(K), R_w2c=R_w2c, t_w2c=t_w2c, img_feat=img_feat,
                valid=torch.ones(num_frames, dtype=torch.bool), smpl_params=smpl_params, vis=vis,
                contact=contact.float().clone() if contact is not None else torch.zeros(num_frames, 4),
                meta=meta)
