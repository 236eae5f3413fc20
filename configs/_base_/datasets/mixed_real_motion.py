# The synthetic loaders (configs/_base_/datasets/synthetic_loaders.py) training on the mix of procedural and real
# motion (configs/_base_/datasets/real_motion.py: data root, subject split, ratio). Validation and test stay on
# the synthetic benchmark; tools/test.py --test-set real_clean / real_heavy evaluates on the held-out subjects.
_base_ = ['./synthetic_loaders.py', './real_motion.py']
train_dataloader = dict(dataset=dict(_base_.mixed_train, _delete_=True))
