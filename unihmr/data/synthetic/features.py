"""The image-feature STAND-IN of the synthetic benchmark (DESIGN section 6). Not real image features.

Real datasets carry ``img_feat`` from a frozen image backbone (e.g. GVHMR's ViT on the person crop).
Synthetic data has no images, so ``img_feat`` (T, D) is made up: a fixed, seeded random two-layer
network (``tanh`` hidden layer, then linear) applied to what a backbone could see in the person crop,
plus Gaussian noise. It plays the role of a frozen backbone's features; models must not treat it as
more than that. Per frame, the input vector (``FEATURE_INPUTS``) carries:

- ``root_6d`` (6): the camera-frame root orientation (6D, ``unihmr.geometry`` layout), zeroed when no
  torso joint (``TORSO_EVIDENCE``) is visible;
- ``pose_6d`` (21 x 6): each body-pose rotation in 6D, zeroed unless there is visual evidence for it:
  one of the joint's children is visible (its own position for leaf joints: feet, head, wrists);
- ``betas`` (10), x 0.5: body shape, zeroed when no joint is visible;
- ``kp_box`` (17 x 2): detected keypoints relative to the box, ``(kp - centre) / size``, zeroed for
  missing keypoints; ``kp_conf`` (17): their confidences;
- ``vis`` (22): the visibility pattern (a backbone sees an occluder or the image border).

So occluded joints contribute nothing beyond their visibility flags, a dropped frame yields features
of an empty crop (a constant plus noise), and the camera-frame translation is not encoded (a crop
does not show it; models get it from ``bbox`` and ``K``). The projection depends only on
``FEATURE_SEED`` and the dimensions, never on the sample's random generator, so every sample and
every run sees the same "backbone". The output has roughly unit scale per dimension before the noise.
"""
import functools

import numpy as np
import torch

from unihmr.body.joint_sets import BODY_JOINT_NAMES, BODY_PARENTS, NUM_BETAS, NUM_BODY_JOINTS, NUM_BODY_POSE
from unihmr.data.contract import NUM_KEYPOINTS
from unihmr.data.synthetic.np_rotations import rotvec_to_rot6d

__all__ = ['FEATURE_SEED', 'FEATURE_INPUTS', 'TORSO_EVIDENCE', 'image_features', 'feature_network']

FEATURE_SEED = 20240611  # fixed: the stand-in "backbone" is the same for every sample and run
HIDDEN_DIM = 128
BETAS_SCALE = 0.5
# Named fields of the input vector, in order, with their widths.
FEATURE_INPUTS = {
    'root_6d': 6, 'pose_6d': NUM_BODY_POSE * 6, 'betas': NUM_BETAS, 'kp_box': NUM_KEYPOINTS * 2,
    'kp_conf': NUM_KEYPOINTS, 'vis': NUM_BODY_JOINTS,
}
TORSO_EVIDENCE = tuple(BODY_JOINT_NAMES.index(name) for name in (
    'pelvis', 'left_hip', 'right_hip', 'spine1', 'spine2', 'spine3', 'neck', 'left_shoulder', 'right_shoulder'))


def _evidence_matrix() -> np.ndarray:
    """(22, 21) 0/1: joint j's visibility is evidence for body-pose rotation i (joint i + 1): j is a child
    of joint i + 1, or j is joint i + 1 itself when that joint is a leaf."""
    matrix = np.zeros((NUM_BODY_JOINTS, NUM_BODY_POSE))
    for child, parent in enumerate(BODY_PARENTS):
        if parent > 0:
            matrix[child, parent - 1] = 1.0
    for joint in range(1, NUM_BODY_JOINTS):
        if not matrix[:, joint - 1].any():
            matrix[joint, joint - 1] = 1.0
    return matrix


POSE_EVIDENCE = torch.from_numpy(_evidence_matrix()).float()


@functools.lru_cache(maxsize=8)
def feature_network(feat_dim: int, seed: int = FEATURE_SEED):
    """The fixed random network (W1 (Din, H), b1 (H,), W2 (H, feat_dim)) of the stand-in, float32 tensors
    (torch matmuls follow ``torch.set_num_threads``; NumPy's BLAS would start its own threads)."""
    if feat_dim < 1:
        raise ValueError(f'feat_dim: expected a positive width, got {feat_dim}')
    rng = np.random.default_rng(seed)
    in_dim = sum(FEATURE_INPUTS.values())
    W1 = rng.standard_normal((in_dim, HIDDEN_DIM)) * (2.0 / np.sqrt(in_dim))
    b1 = rng.uniform(-0.5, 0.5, HIDDEN_DIM)
    W2 = rng.standard_normal((HIDDEN_DIM, feat_dim)) * (1.5 / np.sqrt(HIDDEN_DIM))
    return tuple(torch.from_numpy(a.astype(np.float32)) for a in (W1, b1, W2))


def image_features(global_orient_c, body_pose, betas, kp2d, bbox, vis, rng: np.random.Generator,
                   feat_dim: int = 64, noise_std: float = 0.1, seed: int = FEATURE_SEED) -> torch.Tensor:
    """Stand-in image features (T, feat_dim) float32 tensor (see the module docstring).

    Args:
        global_orient_c: (T, 3) camera-frame root orientation, axis-angle; body_pose: (T, 21, 3);
        betas: (T, 10); kp2d: (T, 17, 3) detected keypoints (confidence 0 = missing); bbox: (T, 3);
        vis: (T, 22) bool visibility. Tensors or arrays.
        rng: draws the feature noise (N(0, ``noise_std``) per entry).
        seed: the stand-in network's seed (keep the default to share one "backbone").
    """
    as_np = lambda x: x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)  # noqa: E731
    orient, pose, betas = as_np(global_orient_c), as_np(body_pose), as_np(betas)
    kp2d, bbox, vis = as_np(kp2d), as_np(bbox), as_np(vis).astype(bool)
    num_frames = kp2d.shape[0]
    visf = vis.astype(np.float32)
    seen = vis.any(-1, keepdims=True)
    torso_seen = vis[:, TORSO_EVIDENCE].any(-1, keepdims=True)
    pose_seen = ((torch.from_numpy(visf) @ POSE_EVIDENCE) > 0).numpy()  # (T, 21)
    present = kp2d[..., 2:] > 0
    kp_box = np.where(present, (kp2d[..., :2] - bbox[:, None, :2]) / bbox[:, None, 2:], 0.0)
    rot6d = rotvec_to_rot6d(np.concatenate([orient[:, None], pose], 1))  # (T, 22, 6): root, then body pose
    parts = {
        'root_6d': rot6d[:, 0] * torso_seen,
        'pose_6d': (rot6d[:, 1:] * pose_seen[..., None]).reshape(num_frames, -1),
        'betas': BETAS_SCALE * betas * seen,
        'kp_box': kp_box.reshape(num_frames, -1),
        'kp_conf': kp2d[..., 2],
        'vis': visf,
    }
    x = np.concatenate([parts[name].astype(np.float32) for name in FEATURE_INPUTS], -1)
    W1, b1, W2 = feature_network(int(feat_dim), seed)
    features = torch.tanh(torch.from_numpy(x) @ W1 + b1) @ W2
    return features + noise_std * torch.from_numpy(rng.standard_normal(features.shape, dtype=np.float32))
