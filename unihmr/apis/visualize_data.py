"""Write a picture and an animation of one data window (keypoints + occluders | 3D ground truth)."""
from pathlib import Path

import imageio.v2 as imageio
import matplotlib.pyplot as plt
import numpy as np
import torch

from unihmr.utils.io import atomic_path
from unihmr.visualization.data_view import draw_body_frame, draw_keypoint_frame, person_view_box


def _numpy(value):
    return value.detach().cpu().numpy() if isinstance(value, torch.Tensor) else np.asarray(value)


def _frame_inputs(window: dict, t: int):
    meta = window['meta']
    occluders = meta.get('occluders')
    visible = meta.get('truncation')  # (T, 4) visible window, NaN rows where there is none
    if visible is not None:
        visible = _numpy(visible)
        visible = visible[t] if visible.ndim == 2 else visible
    return (_numpy(window['kp2d'][t]), tuple(int(v) for v in _numpy(meta['image_size'])),
            None if occluders is None else _numpy(occluders[t]), visible)


def _render(window, vertices, faces, joints, frames, title_prefix):
    """A figure with keypoints (top row) and the world mesh (bottom row) for each frame in ``frames``."""
    fig, axes = plt.subplots(2, len(frames), figsize=(3.2 * len(frames), 6.4), squeeze=False)
    for column, t in enumerate(frames):
        kp2d, image_size, occluders, visible = _frame_inputs(window, t)
        num_vis = int(_numpy(window['vis'][t]).sum())
        draw_keypoint_frame(axes[0, column], kp2d, image_size, occluders, visible,
                            title=f'{title_prefix}frame {t}: {num_vis}/22 joints visible',
                            view_box=person_view_box(_numpy(window['bbox']), image_size))
        draw_body_frame(axes[1, column], vertices[t], faces, joints, title='ground truth, world side view')
    fig.tight_layout()
    return fig


def visualize_window(window: dict, body_model, out_dir, name: str, picture_frames: int = 4,
                     animation_step: int = 2, animation_fps: float = 15.0) -> dict:
    """Write ``<name>.png`` (``picture_frames`` frames) and ``<name>.gif`` (every ``animation_step``-th
    frame) to ``out_dir``; returns their paths."""
    params = window['smpl_params']
    with torch.no_grad():
        out = body_model(global_orient=params['global_orient_w'], body_pose=params['body_pose'],
                         betas=params['betas'], transl=params['transl_w'])
    vertices, joints = _numpy(out.vertices), _numpy(out.joints)
    faces = _numpy(body_model.faces)
    num_frames = vertices.shape[0]
    meta = window['meta']
    prefix = f"{meta.get('camera_kind', '')} camera, " if meta.get('camera_kind') else ''
    out_dir = Path(out_dir)
    paths = {'picture': out_dir / f'{name}.png', 'animation': out_dir / f'{name}.gif'}

    frames = np.linspace(0, num_frames - 1, picture_frames).round().astype(int).tolist()
    fig = _render(window, vertices, faces, joints, frames, prefix)
    with atomic_path(paths['picture']) as tmp:
        fig.savefig(tmp, dpi=90)
    plt.close(fig)

    images = []
    for t in range(0, num_frames, animation_step):
        fig = _render(window, vertices, faces, joints, [t], prefix)
        fig.set_dpi(70)
        fig.canvas.draw()
        images.append(np.asarray(fig.canvas.buffer_rgba())[..., :3].copy())
        plt.close(fig)
    with atomic_path(paths['animation']) as tmp:
        imageio.mimsave(tmp, images, format='GIF', duration=1.0 / animation_fps, loop=0)
    return paths
