"""Windows drawn from several datasets at fixed ratios (procedural and real motion, for training).

Item ``i`` comes from component ``k`` drawn with probabilities ``ratios`` by ``numpy.random.default_rng([seed,
i])``, and is that component's item ``i mod len(component)``: deterministic by index, and every component
keeps its own per-index randomness (the synthetic motion and camera, AMASS's camera and occlusion with
``num_windows`` set). ``meta['mix_component']`` names the component.
"""
import numpy as np
from torch.utils.data import Dataset

from unihmr.registry import DATASETS


@DATASETS.register_module()
class MixedMotionDataset(Dataset):
    """Args: datasets: configs (or built datasets); ratios: one non-negative weight each (normalised);
    num_windows: dataset length; seed: the stream choosing components; names: labels for ``meta``."""

    def __init__(self, datasets: list, ratios: list, num_windows: int, seed: int = 0, names=None):
        if len(datasets) != len(ratios) or not datasets:
            raise ValueError(f'MixedMotionDataset: {len(datasets)} datasets but {len(ratios)} ratios')
        weights = np.asarray(ratios, dtype=np.float64)
        if (weights < 0).any() or not weights.sum() > 0:
            raise ValueError(f'MixedMotionDataset: ratios must be >= 0 with a positive sum, got {list(ratios)}')
        if int(num_windows) < 1:
            raise ValueError(f'MixedMotionDataset: num_windows must be >= 1, got {num_windows}')
        self.datasets = [DATASETS.build(d) if isinstance(d, dict) else d for d in datasets]
        self.ratios = weights / weights.sum()
        self.num_windows, self.seed = int(num_windows), int(seed)
        self.names = list(names) if names else [type(d).__name__ for d in self.datasets]
        for name, dataset, ratio in zip(self.names, self.datasets, self.ratios):
            if ratio > 0 and len(dataset) == 0:
                raise ValueError(f'MixedMotionDataset: component {name} is empty')

    def __len__(self) -> int:
        return self.num_windows

    def component(self, index: int) -> int:
        return int(np.random.default_rng([self.seed, index]).choice(len(self.ratios), p=self.ratios))

    def __getitem__(self, index: int) -> dict:
        if not 0 <= index < self.num_windows:
            raise IndexError(f'index {index} out of range for {self.num_windows} windows')
        k = self.component(index)
        window = self.datasets[k][index % len(self.datasets[k])]
        window['meta']['mix_component'] = self.names[k]
        return window
