"""Data transforms: occlusion (patches, truncation, body parts, temporal drop-outs) with exact visibility.

Importing this package registers ``RandomOcclusion`` in ``unihmr.registry.TRANSFORMS``.
"""
from unihmr.data.transforms.occlusion import (BODY_PARTS, MAX_OCCLUDERS, OCCLUSION_PRESETS, apply_visibility,
                                              occlusion_config, points_in_rects, sample_occlusion, shift_to_crop,
                                              visibility)
from unihmr.data.transforms.occlusion_transform import RandomOcclusion

__all__ = ['BODY_PARTS', 'MAX_OCCLUDERS', 'OCCLUSION_PRESETS', 'RandomOcclusion', 'apply_visibility',
           'occlusion_config', 'points_in_rects', 'sample_occlusion', 'shift_to_crop', 'visibility']
