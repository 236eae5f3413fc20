"""Tiny files in the real datasets' published formats, written by the dataset tests (no real data here).

A short walk of the embedded SMPL-X body in a y-up world, seen by a slowly panning camera, is written as
an AMASS ``*_stageii.npz`` (z-up world), a 3DPW sequence ``.pkl`` and an EMDB ``*_data.pkl``.
SMPL-only fields are made from SMPL-X with a known stand-in for SMPL's rest pelvis (``SMPL_PELVIS``): SMPL
``trans = pelvis - SMPL_PELVIS``, so a loader that keeps the pelvis in place recovers the original body.
"""
import functools
import pickle
from pathlib import Path

import numpy as np
import roma
import torch

from unihmr.body.joint_sets import BODY_JOINT_NAMES, COCO17_NAMES
from unihmr.data.keypoint_maps import OPENPOSE18_NAMES

SMPL_PELVIS = np.array([-0.002, -0.23, 0.028])  # stand-in rest pelvis of "SMPL" (differs from SMPL-X's)
IMAGE_SIZE = (1080, 1920)  # width, height (portrait, as most of 3DPW)
FOCAL = 1500.0
OCCLUDED = ('left_wrist', 'left_elbow')  # COCO points given zero detector confidence in the 3DPW file


@functools.lru_cache(maxsize=1)
def shared_body_model():
    """One EmbeddedSMPLX for every dataset test module of the session."""
    from unihmr.body import EmbeddedSMPLX
    return EmbeddedSMPLX()


def loader(cls, root, **kwargs):
    """A dataset on ``root`` sharing the session's body model."""
    dataset = cls(root, **kwargs)
    dataset._body_model = shared_body_model()
    return dataset


def _pose_index(name):
    return BODY_JOINT_NAMES.index(name) - 1


def walking_motion(num_frames: int, fps: float, seed: int = 0) -> dict:
    """World SMPL-X parameters (float64 numpy), y up, facing a random heading, walking 1.2 m/s."""
    rng = np.random.default_rng(seed)
    t = np.arange(num_frames) / fps
    phase = 2 * np.pi * 0.9 * t
    body_pose = np.zeros((num_frames, 21, 3))
    for side, shift in (('left', 0.0), ('right', np.pi)):
        body_pose[:, _pose_index(f'{side}_hip'), 0] = -0.45 * np.sin(phase + shift)
        body_pose[:, _pose_index(f'{side}_knee'), 0] = 0.5 * np.clip(np.sin(phase + shift - 1.2), 0, None) + 0.05
        body_pose[:, _pose_index(f'{side}_shoulder'), 2] = -1.2 if side == 'left' else 1.2
    heading = rng.uniform(-np.pi, np.pi)
    global_orient = np.zeros((num_frames, 3))
    global_orient[:, 1] = heading + 0.05 * np.sin(phase)
    direction = np.array([np.sin(heading), 0.0, np.cos(heading)])
    transl = 1.2 * t[:, None] * direction + np.array([0.3, 0.9, -0.2])
    return dict(global_orient=global_orient, body_pose=body_pose, transl=transl, betas=rng.normal(0, 1, 10))


@torch.no_grad()
def forward(model, params: dict, vertices: bool = False):
    """Joints (N, 22, 3), COCO-17 (N, 17, 3) (and vertices) of float64 numpy parameters."""
    n = len(params['transl'])
    out = model(global_orient=torch.tensor(params['global_orient'], dtype=torch.float32),
                body_pose=torch.tensor(params['body_pose'], dtype=torch.float32),
                transl=torch.tensor(params['transl'], dtype=torch.float32),
                betas=torch.tensor(params['betas'], dtype=torch.float32).expand(n, -1), return_verts=vertices)
    result = (out.joints.double().numpy(), out.coco17.double().numpy())
    return result + (out.vertices.double().numpy(),) if vertices else result


def panning_camera(target: np.ndarray, num_frames: int) -> tuple:
    """World-to-camera (R (N, 3, 3), t (N, 3)) of a camera 4 m from ``target`` panning by a few degrees."""
    position = target + np.array([0.5, 0.4, -4.0])
    yaw = np.linspace(-0.05, 0.05, num_frames)
    looks = target - position
    R = []
    for angle in yaw:
        z = roma.rotvec_to_rotmat(torch.tensor([0.0, angle, 0.0], dtype=torch.float64)).numpy() @ looks
        z = z / np.linalg.norm(z)
        x = np.cross(z, [0.0, 1.0, 0.0])
        x = x / np.linalg.norm(x)
        R.append(np.stack([x, np.cross(z, x), z]))
    R = np.stack(R)
    return R, -R @ position


def intrinsics() -> np.ndarray:
    return np.array([[FOCAL, 0.0, IMAGE_SIZE[0] / 2], [0.0, FOCAL, IMAGE_SIZE[1] / 2], [0.0, 0.0, 1.0]])


def project(points, K, R, t):
    camera = np.einsum('nij,nkj->nki', R, points) + t[:, None]
    return np.einsum('ij,nkj->nki', K, camera / camera[..., 2:])[..., :2]


def smpl_pose(params: dict) -> np.ndarray:
    """SMPL poses (N, 72): root, the 21 SMPL-X body rotations, zero hand rotations."""
    n = len(params['transl'])
    return np.concatenate([params['global_orient'], params['body_pose'].reshape(n, -1), np.zeros((n, 6))], 1)


def write_amass(path, params_zup: dict, fps: float = 120.0) -> None:
    """An AMASS SMPL-X stage-ii npz of z-up parameters."""
    n = len(params_zup['transl'])
    poses = np.zeros((n, 165))
    poses[:, :3], poses[:, 3:66] = params_zup['global_orient'], params_zup['body_pose'].reshape(n, -1)
    betas = np.concatenate([params_zup['betas'], np.zeros(6)])
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, poses=poses, trans=params_zup['transl'], betas=betas, mocap_frame_rate=np.array(fps),
             gender=np.array('neutral'), surface_model_type=np.array('smplx'), num_betas=np.array(16))


def write_3dpw(path, model, params: dict, valid=None, sequence='courtyard_test_00') -> dict:
    """A 3DPW sequence .pkl (one actor) of y-up world parameters; returns what was written."""
    n = len(params['transl'])
    joints, coco = forward(model, params)
    R, t = panning_camera(joints[:, 0].mean(0), n)
    K = intrinsics()
    pixels = project(coco, K, R, t)
    openpose = np.zeros((n, len(OPENPOSE18_NAMES), 3))
    for k, name in enumerate(COCO17_NAMES):
        openpose[:, OPENPOSE18_NAMES.index(name), :2] = pixels[:, k]
        openpose[:, OPENPOSE18_NAMES.index(name), 2] = 0.0 if name in OCCLUDED else 0.9
    cams = np.tile(np.eye(4), (n, 1, 1))
    cams[:, :3, :3], cams[:, :3, 3] = R, t
    smpl_joints = np.concatenate([joints, joints[:, [BODY_JOINT_NAMES.index('left_wrist'),
                                                     BODY_JOINT_NAMES.index('right_wrist')]]], 1)
    data = dict(sequence=sequence, genders=['m'], betas=[params['betas']], poses=[smpl_pose(params)],
                trans=[joints[:, 0] - SMPL_PELVIS], jointPositions=[smpl_joints.reshape(n, -1)],
                poses2d=[openpose.transpose(0, 2, 1)], cam_poses=cams, cam_intrinsics=K,
                campose_valid=[np.ones(n, bool) if valid is None else valid], img_frame_ids=np.arange(n))
    with open(path, 'wb') as file:
        pickle.dump(data, file, protocol=2)
    return dict(data, joints=joints, coco_pixels=pixels)


def write_emdb(path, model, params: dict, good=None, name='P9_99_outdoor_test', emdb1=True) -> dict:
    """An EMDB *_data.pkl of y-up world parameters; returns what was written (and the true joints)."""
    n = len(params['transl'])
    joints, coco = forward(model, params)
    R, t = panning_camera(joints[:, 0].mean(0), n)
    K = intrinsics()
    smpl_joints = np.concatenate([joints, joints[:, [BODY_JOINT_NAMES.index('left_wrist'),
                                                     BODY_JOINT_NAMES.index('right_wrist')]]], 1)
    kp2d = project(smpl_joints, K, R, t)
    corners = project(np.concatenate([joints, coco], 1), K, R, t)
    boxes = np.concatenate([corners.min(1), corners.max(1)], 1)
    boxes[0] = 0.0  # an invalid box (zero size): the loader falls back to the projected body
    extrinsics = np.tile(np.eye(4), (n, 1, 1))
    extrinsics[:, :3, :3], extrinsics[:, :3, 3] = R, t
    good = np.ones(n, bool) if good is None else good
    data = dict(gender='neutral', name=name, emdb1=emdb1, emdb2=not emdb1, n_frames=n, good_frames_mask=good,
                camera=dict(intrinsics=K, extrinsics=extrinsics, width=IMAGE_SIZE[0], height=IMAGE_SIZE[1]),
                smpl=dict(poses_root=params['global_orient'], poses_body=smpl_pose(params)[:, 3:],
                          trans=joints[:, 0] - SMPL_PELVIS, betas=params['betas']),
                kp2d=kp2d, bboxes=dict(bboxes=boxes, invalid_idxs=np.flatnonzero(~good)))
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, 'wb') as file:
        pickle.dump(data, file)
    return dict(data, joints=joints, kp2d_coco_body=project(coco, K, R, t))


def write_rich(root, model, params: dict, sequence='Gym_007_walk', split='test', camera=0, skip=()) -> dict:
    """RICH's layout: per-frame SMPL-X ``.pkl`` fits under ``bodies/<split>/<sequence>/<frame:05d>/<subject>.pkl`` and the
    scene's static camera XML; ``skip`` frame numbers have no file. Returns the camera and the true joints."""
    n = len(params['transl'])
    joints, coco = forward(model, params)
    R, t = panning_camera(joints[:, 0].mean(0), n)
    R, t = R[0], t[0]  # one static camera
    K = intrinsics()
    scene, subject = sequence.split('_')[:2]
    for frame in range(n):
        if frame in skip:
            continue
        path = Path(root) / 'bodies' / split / sequence / f'{frame:05d}' / f'{int(subject):03d}.pkl'
        path.parent.mkdir(parents=True, exist_ok=True)
        fit = dict(global_orient=params['global_orient'][frame][None], body_pose=params['body_pose'][frame].reshape(1, -1),
                   transl=params['transl'][frame][None], betas=params['betas'][None],
                   left_hand_pose=np.zeros((1, 12)), right_hand_pose=np.zeros((1, 12)), jaw_pose=np.zeros((1, 3)),
                   expression=np.zeros((1, 10)))
        with open(path, 'wb') as file:
            pickle.dump({key: value.astype(np.float32) for key, value in fit.items()}, file)
    extrinsics = np.concatenate([R, t[:, None]], 1)

    def matrix(rows, cols, values):
        text = ' '.join(f'{value:.10f}' for value in np.ravel(values))
        return f'<rows>{rows}</rows><cols>{cols}</cols><dt>d</dt><data>{text}</data>'
    xml = (f'<?xml version="1.0"?>\n<opencv_storage>\n<CameraMatrix type_id="opencv-matrix">{matrix(3, 4, extrinsics)}'
           f'</CameraMatrix>\n<Intrinsics type_id="opencv-matrix">{matrix(3, 3, K)}</Intrinsics>\n'
           f'<Distortion type_id="opencv-matrix">{matrix(5, 1, np.zeros(5))}</Distortion>\n</opencv_storage>\n')
    calibration = Path(root) / 'scan_calibration' / scene / 'calibration' / f'{camera:03d}.xml'
    calibration.parent.mkdir(parents=True, exist_ok=True)
    calibration.write_text(xml)
    return dict(K=K, R=R, t=t, joints=joints, coco_pixels=project(coco, K, np.broadcast_to(R, (n, 3, 3)),
                                                                  np.broadcast_to(t, (n, 3))))
