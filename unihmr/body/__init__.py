"""Body models behind one interface (``BodyOutput``), and named joint sets.

Importing this package registers ``EmbeddedSMPLX`` and ``SMPLXBody`` in ``unihmr.registry.BODY_MODELS``.
"""
from unihmr.body.base import BodyOutput
from unihmr.body.embedded import EmbeddedSMPLX
from unihmr.body.landmarks import coco17_from_parts
from unihmr.body.smplx_backend import SMPLXBody, SMPLXModelNotFoundError, resolve_smplx_path

__all__ = ['BodyOutput', 'EmbeddedSMPLX', 'SMPLXBody', 'SMPLXModelNotFoundError', 'coco17_from_parts',
           'resolve_smplx_path']
