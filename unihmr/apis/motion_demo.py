"""The body-model demo: pose a body model on a procedural motion, write a figure, an .npz and a mesh.

This is the job ``make demo`` runs until a trained recoverer exists (issue 4 replaces it).
"""
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import torch
import trimesh

from unihmr.apis.config import save_config
from unihmr.body.joint_sets import BODY_PARENTS
from unihmr.data.synthetic.motion import ground_motion, make_motion
from unihmr.registry import BODY_MODELS
from unihmr.utils.io import atomic_path
from unihmr.visualization.mesh_render import draw_mesh, draw_skeleton, frame_axis, view_rotation


def _figure(vertices, faces, joints, frames, path):
    """Side view of the mesh at ``frames`` over the whole walk, and a top view of the joint paths."""
    fig, (side, top) = plt.subplots(2, 1, figsize=(10, 6.5), gridspec_kw={'height_ratios': [2.2, 1]})
    side_points = []
    for index, frame in enumerate(frames):
        shade = 0.55 + 0.45 * index / max(len(frames) - 1, 1)
        draw_mesh(side, vertices[frame], faces, view='side', color=(0.85 * shade, 0.65 * shade, 0.45 * shade))
        side_points.append((vertices[frame] @ view_rotation('side').T)[:, :2])
    side_points = np.concatenate(side_points)
    side.axhline(0.0, color='0.4', linewidth=1)
    frame_axis(side, side_points, margin=0.05)
    side.set_title(f'mesh at frames {frames.tolist()} (side view, ground y = 0)')
    for frame in frames:
        draw_skeleton(top, joints[frame], BODY_PARENTS, view='top', color='tab:blue', linewidth=1.5)
    top_points = joints @ view_rotation('top').T
    top.plot(top_points[:, 0, 0], top_points[:, 0, 1], color='tab:red', linewidth=1, label='pelvis path')
    frame_axis(top, top_points[..., :2].reshape(-1, 2), margin=0.1)
    top.legend(loc='upper right')
    top.set_title('skeleton, top view')
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=110)
    plt.close(fig)


def run_body_demo(cfg, work_dir) -> dict:
    """Generate the motion in ``cfg.motion``, pose ``cfg.body_model`` on it and write the outputs.

    Returns the written paths: ``npz`` (SMPL-X parameters, AMASS-style ``poses``/``trans`` and the
    22 body joints), ``figure`` (PNG), ``mesh`` (PLY of the first frame) and ``config``.
    """
    work_dir = Path(work_dir)
    body_model = BODY_MODELS.build(dict(cfg.body_model))
    motion_cfg = dict(cfg.motion)
    rng = torch.Generator().manual_seed(int(motion_cfg.get('seed', 0)))
    betas = (torch.randn(10, generator=rng) * float(cfg.betas_scale)).clamp(-2.5, 2.5)
    motion = ground_motion(body_model, make_motion(**motion_cfg), betas)
    with torch.no_grad():
        out = body_model(global_orient=motion['global_orient_w'], body_pose=motion['body_pose'],
                         betas=motion['betas'], transl=motion['transl_w'])
    vertices, joints = out.vertices.numpy(), out.joints.numpy()
    faces = np.asarray(body_model.faces)
    num_frames = joints.shape[0]
    frames = np.linspace(0, num_frames - 1, int(cfg.output.render_frames)).round().astype(int)

    paths = {'npz': work_dir / 'motion.npz', 'figure': work_dir / 'motion.png',
             'mesh': work_dir / 'frame0000.ply', 'config': work_dir / 'config.py'}
    arrays = {key: value.numpy() for key, value in motion.items()}
    poses = np.concatenate([arrays['global_orient_w'], arrays['body_pose'].reshape(num_frames, -1)], axis=1)
    with atomic_path(paths['npz']) as tmp:
        np.savez(tmp, **arrays, poses=poses, trans=arrays['transl_w'], joints=joints,
                 mocap_frame_rate=np.float32(motion_cfg.get('fps', 30.0)))
    _figure(vertices, faces, joints, frames, paths['figure'])
    with atomic_path(paths['mesh']) as tmp:
        trimesh.Trimesh(vertices[0], faces, process=False).export(tmp, file_type='ply')
    save_config(cfg, work_dir)
    return paths
