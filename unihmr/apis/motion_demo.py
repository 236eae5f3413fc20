"""The body-model demo: pose a body model on a procedural motion sequence, write a figure, an .npz and a mesh.

This is the job ``make demo`` runs until a trained recoverer exists (issue 4 replaces it).
"""
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import torch
import trimesh

from unihmr.apis.config import save_config
from unihmr.body.joint_sets import FEET_JOINT_NAMES, FEET_JOINTS, NUM_BETAS
from unihmr.data.synthetic.motion import make_motion, sample_motion
from unihmr.data.synthetic.motion.shapes import BETAS_CLIP
from unihmr.registry import BODY_MODELS
from unihmr.utils.io import atomic_path
from unihmr.geometry import axis_angle_to_matrix, heading_angle, rotation_about_axis
from unihmr.visualization.mesh_render import draw_mesh, frame_axis, view_rotation

FOOT_COLOURS = ('tab:blue', 'tab:orange', 'tab:cyan', 'tab:olive')


def _facing_view(name: str, global_orient: np.ndarray) -> np.ndarray:
    """View ``name`` turned with the body's heading at the first frame (so 'side' sees the body from its side)."""
    root = axis_angle_to_matrix(torch.as_tensor(global_orient, dtype=torch.float64))
    unturn = rotation_about_axis(-heading_angle(root), 'y').numpy()
    return view_rotation(name) @ unturn


def _figure(vertices, faces, joints, contact, frames, path, title, global_orient):
    """A filmstrip of the mesh at ``frames`` (side view, body-aligned at the first frame) and a top view of
    the pelvis path with the planted feet (joints (T, 22, 3), contact (T, 4))."""
    fig = plt.figure(figsize=(max(2.2 * len(frames), 9.0), 6.2))
    grid = fig.add_gridspec(2, len(frames), height_ratios=[2.2, 1])
    side_view, top_view = _facing_view('side', global_orient), _facing_view('top', global_orient)
    heights = (vertices[frames] @ side_view.T)[..., 1]
    for column, frame in enumerate(frames):
        ax = fig.add_subplot(grid[0, column])
        draw_mesh(ax, vertices[frame], faces, view=side_view)
        points = (vertices[frame] @ side_view.T)[:, :2]
        centre = 0.5 * (points[:, 0].min() + points[:, 0].max())
        frame_axis(ax, [[centre - 0.6, heights.min()], [centre + 0.6, heights.max()]], margin=0.05)
        ax.axhline(0.0, color='0.4', linewidth=1)
        ax.set_title(f'frame {frame}', fontsize=9)
    top = fig.add_subplot(grid[1, :])
    top_points = joints @ top_view.T
    top.plot(top_points[:, 0, 0], top_points[:, 0, 1], color='tab:red', linewidth=1.5, label='pelvis path')
    for foot, (name, colour) in enumerate(zip(FEET_JOINT_NAMES, FOOT_COLOURS)):
        planted = contact[:, foot] > 0.5
        joint = FEET_JOINTS[foot]
        top.scatter(top_points[planted, joint, 0], top_points[planted, joint, 1], s=8, color=colour, label=name)
    frame_axis(top, top_points[..., :2].reshape(-1, 2), margin=0.1)
    top.legend(loc='upper left', fontsize=7, ncol=3)
    top.set_title('top view: pelvis path and feet on contact frames', fontsize=9)
    fig.suptitle(f'{title} (side view, ground y = 0)', fontsize=10)
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=100)
    plt.close(fig)


DEMO_MOTION_KEYS = ('family', 'families', 'num_frames', 'fps', 'seed')


def make_demo_motion(cfg, body_model) -> dict:
    """The motion of ``cfg.motion``: one family if ``family`` is set (other keys of ``cfg.motion`` are that
    family's parameters, e.g. ``speed``), else a sampled sequence of random families (from ``families``)."""
    motion_cfg = dict(cfg.motion)
    params = {key: value for key, value in motion_cfg.items() if key not in DEMO_MOTION_KEYS}
    rng = np.random.default_rng(int(motion_cfg.get('seed', 0)))
    betas = np.clip(rng.standard_normal(NUM_BETAS) * float(cfg.betas_scale), -BETAS_CLIP, BETAS_CLIP)
    num_frames, fps = int(motion_cfg['num_frames']), float(motion_cfg.get('fps', 30.0))
    if motion_cfg.get('family'):
        return make_motion(motion_cfg['family'], num_frames, fps, rng, body_model, betas=betas, **params)
    if params:
        raise ValueError(f'motion: {sorted(params)} are parameters of one family; set motion.family too '
                         f'(known keys: {list(DEMO_MOTION_KEYS)})')
    families = motion_cfg.get('families')
    return sample_motion(num_frames, fps, rng, body_model, families=None if families is None else list(families),
                         betas=betas)


def run_body_demo(cfg, work_dir) -> dict:
    """Generate the motion in ``cfg.motion``, pose ``cfg.body_model`` on it and write the outputs.

    Returns the written paths: ``npz`` (SMPL-X parameters, AMASS-style ``poses``/``trans``, the 22 body
    joints, contact labels and the segments), ``figure`` (PNG), ``mesh`` (PLY of the first frame) and ``config``.
    """
    work_dir = Path(work_dir)
    body_model = BODY_MODELS.build(dict(cfg.body_model))
    motion = make_demo_motion(cfg, body_model)
    segments = motion.pop('segments')
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
                 segment_names=np.array([name for name, _, _ in segments]),
                 segment_frames=np.array([[start, end] for _, start, end in segments], dtype=np.int64).reshape(-1, 2),
                 mocap_frame_rate=np.float32(cfg.motion.get('fps', 30.0)))
    title = ', '.join(f'{name} [{start}, {end})' for name, start, end in segments)
    _figure(vertices, faces, joints, arrays['contact'], frames, paths['figure'], title, arrays['global_orient_w'][0])
    with atomic_path(paths['mesh']) as tmp:
        trimesh.Trimesh(vertices[0], faces, process=False).export(tmp, file_type='ply')
    save_config(cfg, work_dir)
    return paths
