"""COCO-17 keypoints from a body model: 12 body points from the joints, 5 face points from mesh vertices.

The face points come from backend-specific vertices: SMPL-X's (``smplx.vertex_ids``) or, on the wooden
mannequin (which has no facial features), vertices picked geometrically on its head at human face
proportions. Face keypoints therefore agree across backends only approximately, like vertex losses.
"""
import numpy as np
import torch

from unihmr.body.joint_sets import COCO17_FACE_NAMES, COCO17_FROM_BODY_JOINTS

# smplx.vertex_ids keys of the COCO face points, in COCO order (nose, left eye, right eye, left ear, right ear).
SMPLX_FACE_VERTEX_KEYS = ('nose', 'leye', 'reye', 'lear', 'rear')

# Wooden-head landmarks: (x as a fraction of the head half-width, signed; height as a fraction of the
# chin-to-crown height; 'front' or 'side' surface). Human proportions: eyes at mid-head, about 6 cm apart,
# the nose tip a third of the way up, the ear canals a little above the nose on the head's sides.
MANNEQUIN_FACE_TARGETS = {
    'nose': (0.0, 0.36, 'front'),
    'left_eye': (0.35, 0.50, 'front'),
    'right_eye': (-0.35, 0.50, 'front'),
    'left_ear': (1.0, 0.42, 'side'),
    'right_ear': (-1.0, 0.42, 'side'),
}
assert tuple(MANNEQUIN_FACE_TARGETS) == COCO17_FACE_NAMES


def coco17_from_parts(joints: torch.Tensor, face: torch.Tensor) -> torch.Tensor:
    """COCO-17 keypoints (..., 17, 3) from body joints (..., 22, 3) and face points (..., 5, 3) in COCO order."""
    return torch.cat([face, joints[..., COCO17_FROM_BODY_JOINTS, :]], dim=-2)


def mannequin_face_vertices(head_vertices: np.ndarray, head_ids: np.ndarray) -> tuple:
    """Indices of the 5 COCO face points among the wooden head's vertices.

    head_vertices (K, 3) rest positions of the head part (y up, face towards +z, left at +x) and
    head_ids (K,) their mesh indices. Each target is placed on the head's bounding box and the nearest
    vertex is taken: front targets on the front plane, side targets on the side planes at mid depth.
    """
    low, high = head_vertices.min(0), head_vertices.max(0)
    half_width, height = 0.5 * (high[0] - low[0]), high[1] - low[1]
    centre_x, centre_z = 0.5 * (low[0] + high[0]), 0.5 * (low[2] + high[2])
    picks = []
    for x_fraction, y_fraction, surface in MANNEQUIN_FACE_TARGETS.values():
        z = high[2] if surface == 'front' else centre_z
        target = np.array([centre_x + x_fraction * half_width, low[1] + y_fraction * height, z])
        picks.append(int(head_ids[np.argmin(np.linalg.norm(head_vertices - target, axis=1))]))
    return tuple(picks)
