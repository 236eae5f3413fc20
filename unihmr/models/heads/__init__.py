"""Heads: one file per paradigm, all following the stage protocol of ``heads.base`` (``loss`` / ``predict`` ->
``Estimate``). Importing this package registers the heads in ``unihmr.registry.HEADS``."""
from unihmr.models.heads.base import BaseHead, impose_known
from unihmr.models.heads.diffusion_prior import DiffusionPriorHead
from unihmr.models.heads.diffusion_completion import DiffusionCompletionHead
from unihmr.models.heads.flow_matching import FlowMatchingHead
from unihmr.models.heads.moro import MoRoHead
from unihmr.models.heads.pose_tokenizer import PoseTokenizerHead
from unihmr.models.heads.regression import RegressionHead
from unihmr.models.heads.rohm import RoHMHead
from unihmr.models.heads.scorehmr_refiner import ScoreHMRRefiner

__all__ = ['BaseHead', 'DiffusionCompletionHead', 'DiffusionPriorHead', 'FlowMatchingHead', 'MoRoHead', 'PoseTokenizerHead', 'RegressionHead', 'RoHMHead', 'ScoreHMRRefiner', 'impose_known']
