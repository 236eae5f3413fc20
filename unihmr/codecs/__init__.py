"""Codecs: motion representations with named slices and normalisation statistics.

Importing this package registers the codecs in ``unihmr.registry.CODECS``.
"""
from unihmr.codecs.base import Codec
from unihmr.codecs.gvhmr import CONTACT_LABEL_EPS, GVHMRCodec
from unihmr.codecs.moro import MoRoCodec
from unihmr.codecs.rohm import RoHMCodec

__all__ = ['Codec', 'GVHMRCodec', 'MoRoCodec', 'RoHMCodec', 'CONTACT_LABEL_EPS']
