# Image-feature track on the real-motion mix (issue 15): the shipped CPU regression model's network and budget
# (gvhmr_cpu_synthetic.py: every modality) trained on procedural motion with secondary motion plus real CMU mocap
# (configs/_base_/datasets/real_motion.py; UNIHMR_REAL_MOTION), with GVHMR's released loss weights as the
# keypoint-only model on the mix (gvhmr_released_losses in configs/_base_/models/gvhmr_regression.py).
_base_ = ['./gvhmr_cpu_synthetic.py', '../_base_/datasets/real_motion.py']
train_dataloader = dict(dataset=dict(_base_.mixed_train, _delete_=True))
regression_stage = dict(_base_.regression_stage, losses=dict(_base_.gvhmr_released_losses, verts_c=None))
model = dict(stages=[regression_stage])
