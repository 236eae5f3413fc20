"""Regional camera-space errors: visible / occluded joints (RoHM) and torso / non-torso (FactorizedHMR), and
the per-rotation geodesic error that says which rotations a region's position error comes from.

Joints are camera-space metres ``(..., J, 3)``, root-aligned as in :mod:`.camera`. Visibility-split
errors are returned per (frame, joint) entry so that, after concatenation over sequences, the mean is
taken over all selected joints as in RoHM's evaluation (frames with more selected joints weigh more).
"""
from typing import Optional, Sequence, Tuple

import roma
import torch

from unihmr.body.joint_sets import DEFAULT_TORSO_SPLIT
from unihmr.geometry.alignment import similarity_procrustes
from unihmr.utils.validation import check_tensor

from .common import M_TO_MM, ROOT_JOINTS, align_root, check_pair, joint_errors


def per_joint_error(pred: torch.Tensor, gt: torch.Tensor,
                    root_idxs: Optional[Sequence[int]] = ROOT_JOINTS) -> torch.Tensor:
    """Root-aligned per-joint position error: (..., J, 3) metres -> (..., J) mm."""
    check_pair(pred, gt)
    return joint_errors(align_root(pred, root_idxs=root_idxs), align_root(gt, root_idxs=root_idxs)) * M_TO_MM


def rotation_error(pred: torch.Tensor, gt: torch.Tensor) -> torch.Tensor:
    """Geodesic angle between predicted and GT rotations: axis-angle (..., 3) -> (...) degrees (roma)."""
    check_pair(pred, gt)
    return torch.rad2deg(roma.rotmat_geodesic_distance(roma.rotvec_to_rotmat(pred), roma.rotvec_to_rotmat(gt)))


def masked_mpjpe(pred: torch.Tensor, gt: torch.Tensor, mask: torch.Tensor,
                 root_idxs: Optional[Sequence[int]] = ROOT_JOINTS) -> torch.Tensor:
    """Errors of the joints selected by ``mask`` (..., J) bool: (..., J, 3) metres -> (N,) mm, N = mask.sum()."""
    check_pair(pred, gt)
    check_tensor('mask', mask, pred.shape[:-1], floating=False)
    return per_joint_error(pred, gt, root_idxs)[mask.bool()]


def visibility_split_mpjpe(pred: torch.Tensor, gt: torch.Tensor, vis: torch.Tensor,
                           root_idxs: Optional[Sequence[int]] = ROOT_JOINTS) -> Tuple[torch.Tensor, torch.Tensor]:
    """(errors of visible joints, errors of occluded joints), each (N,) mm; ``vis`` (..., J) bool, 1 = visible."""
    check_tensor('vis', vis, pred.shape[:-1], floating=False)
    vis = vis.bool()
    return masked_mpjpe(pred, gt, vis, root_idxs), masked_mpjpe(pred, gt, ~vis, root_idxs)


def regional_mpjpe(pred: torch.Tensor, gt: torch.Tensor, joints: Sequence[int] = DEFAULT_TORSO_SPLIT.torso_joints,
                   root_idxs: Optional[Sequence[int]] = ROOT_JOINTS) -> torch.Tensor:
    """Root-aligned MPJPE over a joint subset (default the torso joints): (..., J, 3) -> (...) mm.

    Pass ``DEFAULT_TORSO_SPLIT.non_torso_joints`` (or another ``TorsoSplit``) for the other region.
    """
    return per_joint_error(pred, gt, root_idxs)[..., list(joints)].mean(-1)


def regional_pa_mpjpe(pred: torch.Tensor, gt: torch.Tensor,
                      joints: Sequence[int] = DEFAULT_TORSO_SPLIT.torso_joints) -> torch.Tensor:
    """PA-MPJPE of a joint subset, the similarity fit made on that subset only: (..., J, 3) -> (...) mm."""
    check_pair(pred, gt)
    idx = list(joints)
    p, g = pred[..., idx, :], gt[..., idx, :]
    return joint_errors(similarity_procrustes(p, g), g).mean(-1) * M_TO_MM
