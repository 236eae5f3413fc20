"""Losses shared by every head: normalised target, camera joints/vertices/translation, reprojection (all,
torso or non-torso joints), world translation, contact BCE, joint-bone consistency, and ``SMPLXLossSet``
that runs them together. Importing registers them in ``LOSSES``."""
from unihmr.models.losses.loss_set import DEFAULT_LOSSES, SMPLXLossSet, merge_loss_cfg
from unihmr.models.losses.terms import (CameraJointLoss, CameraTranslationLoss, CameraVertexLoss, ContactBCELoss,
                                        JointBoneConsistencyLoss, LossInputs, LossTerm, NormalizedTargetLoss,
                                        ReprojectionLoss, WorldTranslationLoss, masked_mean, point_distance)

__all__ = ['DEFAULT_LOSSES', 'SMPLXLossSet', 'merge_loss_cfg', 'CameraJointLoss', 'CameraTranslationLoss',
           'CameraVertexLoss', 'ContactBCELoss', 'JointBoneConsistencyLoss', 'LossInputs', 'LossTerm',
           'NormalizedTargetLoss', 'ReprojectionLoss', 'WorldTranslationLoss', 'masked_mean', 'point_distance']
