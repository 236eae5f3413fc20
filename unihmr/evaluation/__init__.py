"""Evaluation: pure metric functions (:mod:`.metrics`) and thin mmengine ``BaseMetric`` wrappers.

Importing this package registers the wrappers in ``unihmr.registry.METRICS`` (the registry imports it
lazily through ``locations=['unihmr.evaluation']``).
"""
from . import metrics
from .hmr_metric import (CAMERA_METRICS, MULTI_SAMPLE_METRICS, WORLD_METRICS, CameraMetric, MotionMetric,
                         MultiSampleMetric, WorldMetric)

__all__ = ['metrics', 'MotionMetric', 'CameraMetric', 'WorldMetric', 'MultiSampleMetric',
           'CAMERA_METRICS', 'WORLD_METRICS', 'MULTI_SAMPLE_METRICS']
