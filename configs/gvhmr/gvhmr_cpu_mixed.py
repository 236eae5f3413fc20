# Image-feature track on the real-motion mix (issue 15): the shipped CPU regression model's recipe
# (gvhmr_cpu_synthetic.py: every modality, same network and budget) trained on procedural motion with secondary
# motion plus real CMU mocap (configs/_base_/datasets/real_motion.py; UNIHMR_REAL_MOTION).
_base_ = ['./gvhmr_cpu_synthetic.py', '../_base_/datasets/real_motion.py']
train_dataloader = dict(dataset=dict(_base_.mixed_train, _delete_=True))
