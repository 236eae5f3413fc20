"""Body shapes for synthetic sequences: one betas vector per sequence."""
import numpy as np

from unihmr.body.joint_sets import NUM_BETAS

BETAS_CLIP = 2.5  # |beta| bound (the issue's [-2.5, 2.5])
BETAS_SCALE = 1.0  # SMPL-X betas are PCA coefficients with unit variance over the training bodies


def sample_betas(rng: np.random.Generator) -> np.ndarray:
    """Betas (10,) ~ N(0, BETAS_SCALE^2) per coefficient, clipped to [-2.5, 2.5] (float64)."""
    return np.clip(rng.standard_normal(NUM_BETAS) * BETAS_SCALE, -BETAS_CLIP, BETAS_CLIP)
