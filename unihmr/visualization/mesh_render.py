"""Flat-shaded orthographic mesh and skeleton drawing with matplotlib (no GPU, no OpenGL).

Faces are projected with a view rotation, back faces culled, the rest drawn far-to-near (painter's
algorithm) with Lambert shading. Good enough for figures of one body model at a time.
"""
import matplotlib

matplotlib.use('Agg')  # noqa: E402  (figures are written to files; no screen here)
import numpy as np
from matplotlib.collections import PolyCollection

# World-to-view rotations (rows: image x, image y, towards the viewer). World: y up, body faces +z.
VIEWS = {
    'front': np.array([[1.0, 0, 0], [0, 1, 0], [0, 0, 1]]),   # looking along -z at the body's front
    'side': np.array([[0.0, 0, 1], [0, 1, 0], [-1, 0, 0]]),   # looking along +x; walking +z goes right
    'top': np.array([[0.0, 0, 1], [1, 0, 0], [0, 1, 0]]),     # looking down -y; +z goes right as in 'side'
}


def view_rotation(view) -> np.ndarray:
    """A (3, 3) world-to-view rotation from a name in ``VIEWS`` or a matrix."""
    if isinstance(view, str):
        if view not in VIEWS:
            raise ValueError(f"unknown view '{view}'; known: {sorted(VIEWS)}")
        return VIEWS[view]
    return np.asarray(view, dtype=float).reshape(3, 3)


def draw_mesh(ax, vertices, faces, view='side', color=(0.80, 0.62, 0.42), light=(0.3, 0.5, 1.0)):
    """Draw a mesh (vertices (V, 3), faces (F, 3)) into a 2D matplotlib axis; returns the collection."""
    rotation = view_rotation(view)
    points = np.asarray(vertices, dtype=float) @ rotation.T
    tris = points[np.asarray(faces)]                                  # (F, 3, 3)
    normals = np.cross(tris[:, 1] - tris[:, 0], tris[:, 2] - tris[:, 0])
    normals /= np.linalg.norm(normals, axis=1, keepdims=True) + 1e-12
    front = normals[:, 2] > 0
    tris, normals = tris[front], normals[front]
    order = np.argsort(tris[:, :, 2].mean(axis=1))                    # far first
    light = np.asarray(light, dtype=float) / np.linalg.norm(light)
    brightness = 0.35 + 0.65 * np.clip(normals[order] @ light, 0.0, 1.0)
    colors = np.clip(np.asarray(color)[None, :] * brightness[:, None], 0, 1)
    collection = PolyCollection(tris[order][:, :, :2], facecolors=colors, edgecolors='none', antialiased=False)
    ax.add_collection(collection)
    return collection


def frame_axis(ax, points_2d, margin=0.15):
    """Fit the axis limits to 2D points with a margin, equal aspect, no ticks."""
    points_2d = np.asarray(points_2d)
    low, high = points_2d.min(axis=0), points_2d.max(axis=0)
    pad = margin * float((high - low).max() + 1e-6)
    ax.set_xlim(low[0] - pad, high[0] + pad)
    ax.set_ylim(low[1] - pad, high[1] + pad)
    ax.set_aspect('equal')
    ax.set_xticks([])
    ax.set_yticks([])
