"""``CorruptedMotionDataset``: a dataset's windows as RoHM's 3D-observation inputs (RoHM section 5.3: Occ-L and
Occ-10 % at noise levels 3, 5, 7), built with ``data.transforms.motion_corruption``."""
import torch

from unihmr.data.transforms.motion_corruption import SCHEMES, WORLD_PARAMS, add_parameter_noise, occlusion_mask
from unihmr.registry import DATASETS


@DATASETS.register_module()
class CorruptedMotionDataset(torch.utils.data.Dataset):
    """A dataset's windows as RoHM's 3D-observation inputs (paper section 5.3).

    Each window gains ``motion_obs``: dict of the world parameters ``WORLD_PARAMS`` with noise of ``level``, and
    ``vis`` becomes the visibility of ``occlusion`` (so the metrics' visible / occluded split is the input's). The
    noise and mask of window i depend only on (``seed``, i).

    Args:
        dataset: the wrapped dataset (config or object); its windows must hold ``smpl_params`` and ``vis``.
        level: noise level k. occlusion: a scheme of ``SCHEMES``. span_fraction: ``'frame_span'``'s fraction.
    """

    def __init__(self, dataset, level: float = 3.0, occlusion: str = 'lower_body', span_fraction: float = 0.1,
                 seed: int = 0):
        self.dataset = DATASETS.build(dataset) if isinstance(dataset, dict) else dataset
        if occlusion not in SCHEMES:
            raise ValueError(f'CorruptedMotionDataset occlusion: unknown {occlusion!r}; known: {SCHEMES}')
        if level < 0:
            raise ValueError(f'CorruptedMotionDataset level: expected >= 0, got {level}')
        self.level, self.occlusion, self.span_fraction, self.seed = float(level), occlusion, span_fraction, int(seed)

    def __len__(self) -> int:
        return len(self.dataset)

    def __getitem__(self, index: int) -> dict:
        window = dict(self.dataset[index])
        generator = torch.Generator().manual_seed(self.seed * 1_000_003 + int(index))
        params = {name: window['smpl_params'][name][None] for name in WORLD_PARAMS}
        noisy = add_parameter_noise(params, self.level, generator)
        vis = occlusion_mask(self.occlusion, (1, params['betas'].shape[1]), window['vis'][None], self.span_fraction,
                             generator)
        window['motion_obs'] = {name: value[0] for name, value in noisy.items()}
        window['vis'] = vis[0]
        return window
