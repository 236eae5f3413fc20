"""Datasets: synthetic (embedded default) and loaders of the real datasets' own formats.

Importing this package registers the datasets in ``unihmr.registry.DATASETS``. Synthetic:
``SyntheticMotionDataset`` (on the fly) and ``CachedSyntheticDataset``. Real datasets:
``AMASSDataset`` (SMPL-X ``*_stageii.npz``, observed by the synthetic pipeline), ``ThreeDPWDataset``
(sequence ``.pkl``), ``EMDBDataset`` (``*_data.pkl``), ``EgoBodyDataset`` (per-frame SMPL-X fits, Kinect
calibrations and per-view OpenPose keypoints), ``RICHDataset`` (per-frame SMPL-X fits and camera XMLs); each also reads the cached form written by
``tools/prepare_<dataset>.py``. ``MixedMotionDataset`` draws from several at fixed ratios; ``InMemoryDataset``
keeps any of them in memory. ``CorruptedMotionDataset`` adds noisy, occluded 3D motion to any of them (RoHM's
3D-observation inputs).
"""
from unihmr.data.datasets.amass import AMASSDataset
from unihmr.data.datasets.base import MotionWindowDataset
from unihmr.data.datasets.corrupted import CorruptedMotionDataset
from unihmr.data.datasets.egobody import EgoBodyDataset
from unihmr.data.datasets.emdb import EMDBDataset
from unihmr.data.datasets.format_checks import DatasetFormatError
from unihmr.data.datasets.in_memory import InMemoryDataset
from unihmr.data.datasets.mixed import MixedMotionDataset
from unihmr.data.datasets.rich import RICHDataset
from unihmr.data.datasets.synthetic import CachedSyntheticDataset, SyntheticMotionDataset
from unihmr.data.datasets.threedpw import ThreeDPWDataset

__all__ = ['AMASSDataset', 'CachedSyntheticDataset', 'CorruptedMotionDataset', 'DatasetFormatError', 'EgoBodyDataset',
           'EMDBDataset', 'InMemoryDataset', 'MixedMotionDataset', 'MotionWindowDataset', 'RICHDataset', 'SyntheticMotionDataset',
           'ThreeDPWDataset']
