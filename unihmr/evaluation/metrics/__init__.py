"""Pure metric functions: torch tensors in, per-frame (or per-entry) values out.

Units: mm for distances, m/s² for acceleration, % of the GT path length for RTE, 10 m/s³ for jitter,
mm/frame for foot sliding, fractions in [0, 1] for skating ratio and contact accuracy. Concatenate the
per-frame values over sequences, then average them with :func:`summarize` (see DESIGN section 8).
"""
from .camera import accel_error, mpjpe, pa_mpjpe, pve, reprojection_error
from .common import M_TO_MM, ROOT_JOINTS, align_root, summarize
from .multi_sample import (diversity, gaussian_calibration, mean_mpjpe, min_mpjpe, pearson, sample_mpjpe,
                           selected_spread_and_error, spread_and_error, uncertainty_error_correlation, within_spread)
from .physics import contact_accuracy, ground_penetration, lowest_height, skating_ratio
from .regional import (masked_mpjpe, per_joint_error, regional_mpjpe, regional_pa_mpjpe, rotation_error,
                       visibility_split_mpjpe)
from .world import foot_sliding, g_mpjpe, jitter, masked_g_mpjpe, path_length, rte, w_mpjpe, wa_mpjpe

__all__ = [
    'M_TO_MM', 'ROOT_JOINTS', 'align_root', 'summarize',
    'mpjpe', 'pa_mpjpe', 'pve', 'accel_error', 'reprojection_error',
    'wa_mpjpe', 'w_mpjpe', 'g_mpjpe', 'masked_g_mpjpe', 'rte', 'path_length', 'jitter', 'foot_sliding',
    'per_joint_error', 'masked_mpjpe', 'visibility_split_mpjpe', 'regional_mpjpe', 'regional_pa_mpjpe', 'rotation_error',
    'skating_ratio', 'ground_penetration', 'lowest_height', 'contact_accuracy',
    'sample_mpjpe', 'min_mpjpe', 'mean_mpjpe', 'diversity', 'spread_and_error', 'pearson',
    'uncertainty_error_correlation', 'within_spread', 'selected_spread_and_error', 'gaussian_calibration',
]
