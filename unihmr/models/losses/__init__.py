"""Losses shared by every head: normalised target, camera joints/vertices, reprojection, world translation,
contact BCE, and ``SMPLXLossSet`` that runs them together. Importing registers them in ``LOSSES``."""
from unihmr.models.losses.loss_set import DEFAULT_LOSSES, SMPLXLossSet, merge_loss_cfg
from unihmr.models.losses.terms import (CameraJointLoss, CameraVertexLoss, ContactBCELoss, LossInputs, LossTerm,
                                        NormalizedTargetLoss, ReprojectionLoss, WorldTranslationLoss, masked_mean,
                                        point_distance)

__all__ = ['DEFAULT_LOSSES', 'SMPLXLossSet', 'merge_loss_cfg', 'CameraJointLoss', 'CameraVertexLoss',
           'ContactBCELoss', 'LossInputs', 'LossTerm', 'NormalizedTargetLoss', 'ReprojectionLoss',
           'WorldTranslationLoss', 'masked_mean', 'point_distance']
