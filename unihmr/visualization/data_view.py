"""Figures of one data window: 2D keypoints with occluders and truncation, next to the 3D ground truth.

Used by ``tools/visualize_data.py``. Keypoints are coloured by confidence; missing ones (confidence 0)
carry no position and are not drawn (the title counts the visible joints). Occluders are the per-frame
rectangles the occlusion transform recorded in ``meta['occluders']``, the visible window of a
truncation is ``meta['truncation']``.
"""
import matplotlib

matplotlib.use('Agg')  # noqa: E402  (files only; no screen here)
import numpy as np
from matplotlib.patches import Rectangle

from unihmr.body.joint_sets import COCO17_NAMES
from unihmr.visualization.mesh_render import draw_mesh, frame_axis, view_rotation

_COCO17_BONES_BY_NAME = (
    ('left_ankle', 'left_knee'), ('left_knee', 'left_hip'), ('right_ankle', 'right_knee'),
    ('right_knee', 'right_hip'), ('left_hip', 'right_hip'), ('left_shoulder', 'left_hip'),
    ('right_shoulder', 'right_hip'), ('left_shoulder', 'right_shoulder'), ('left_shoulder', 'left_elbow'),
    ('right_shoulder', 'right_elbow'), ('left_elbow', 'left_wrist'), ('right_elbow', 'right_wrist'),
    ('left_eye', 'right_eye'), ('nose', 'left_eye'), ('nose', 'right_eye'), ('left_eye', 'left_ear'),
    ('right_eye', 'right_ear'), ('left_ear', 'left_shoulder'), ('right_ear', 'right_shoulder'),
)
COCO17_BONES = tuple((COCO17_NAMES.index(a), COCO17_NAMES.index(b)) for a, b in _COCO17_BONES_BY_NAME)


def draw_keypoint_frame(ax, kp2d, image_size, occluders=None, visible_area=None, title='', view_box=None):
    """Draw one frame: image border, keypoints (17, 3), occluders (M, 4) x0 y0 x1 y1 (NaN rows skipped),
    and the visible area (4,) of a truncation, in image pixels (y down). ``view_box`` (x0, y0, x1, y1)
    zooms the axis (default: the whole image)."""
    width, height = image_size
    ax.add_patch(Rectangle((0, 0), width, height, fill=False, edgecolor='0.3', linewidth=1.5))
    if visible_area is not None and np.all(np.isfinite(visible_area)):
        x0, y0, x1, y1 = visible_area
        ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, edgecolor='tab:orange',
                               linestyle='--', linewidth=1.5, label='visible area (truncation)'))
    for rect in ([] if occluders is None else occluders):
        if np.all(np.isfinite(rect)):
            x0, y0, x1, y1 = rect
            ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, color='0.15', alpha=0.55))
    points, confidence = kp2d[:, :2], kp2d[:, 2]
    seen = confidence > 0
    for a, b in COCO17_BONES:
        if seen[a] and seen[b]:
            ax.plot(points[[a, b], 0], points[[a, b], 1], color='tab:green', linewidth=1.5)
    ax.scatter(points[seen, 0], points[seen, 1], c=confidence[seen], cmap='viridis', vmin=0, vmax=1, s=14, zorder=3)
    x0, y0, x1, y1 = view_box if view_box is not None else (-0.05 * width, -0.05 * height, 1.05 * width,
                                                            1.05 * height)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y1, y0)  # image y points down
    ax.set_aspect('equal')
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title, fontsize=9)


def draw_body_frame(ax, vertices, faces, joints_window, title=''):
    """Side view of the ground-truth mesh (V, 3) in the world, framed on the whole window's joints."""
    draw_mesh(ax, vertices, faces, view='side')
    ax.axhline(0.0, color='0.4', linewidth=1)
    frame_axis(ax, (joints_window.reshape(-1, 3) @ view_rotation('side').T)[:, :2], margin=0.25)
    ax.set_title(title, fontsize=9)


def person_view_box(bbox, image_size, scale=0.9):
    """A view (x0, y0, x1, y1) around the person over a whole window: the union of the boxes (T, 3)
    grown to ``scale`` x size on each side of the centre, kept within the image plus a small border."""
    bbox = np.asarray(bbox, dtype=float)
    half = scale * bbox[:, 2]
    low = np.stack([bbox[:, 0] - half, bbox[:, 1] - half], -1).min(0)
    high = np.stack([bbox[:, 0] + half, bbox[:, 1] + half], -1).max(0)
    border = 0.03 * np.asarray(image_size, dtype=float)
    low = np.maximum(low, -border)
    high = np.minimum(high, np.asarray(image_size, dtype=float) + border)
    return (low[0], low[1], high[0], high[1])
