"""Heads: one file per paradigm, all with loss() / predict() (see ``heads.base``).

Importing this package registers the heads in ``unihmr.registry.HEADS``.
"""
from unihmr.models.heads.base import BaseHead, HeadOutput, impose_known
from unihmr.models.heads.flow_matching import FlowMatchingHead
from unihmr.models.heads.regression import RegressionHead

__all__ = ['BaseHead', 'FlowMatchingHead', 'HeadOutput', 'RegressionHead', 'impose_known']
