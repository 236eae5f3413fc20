# FactorizedHMR at paper size on the synthetic benchmark. Trained in two phases by one command
# (tools/train.py): Stage 1 (the anchor) first, then Stage 2 on the frozen Stage 1 (paper section 3.4).
_base_ = ['../_base_/default_runtime.py', '../_base_/datasets/synthetic_loaders.py',
          '../_base_/models/factorizedhmr.py', '../_base_/schedules/iter_based.py']
train_dataloader = dict(batch_size=64)
stage1_iters, stage2_iters = 20000, 20000
phases = [
    dict(name='stage1', model=dict(train_stages=[0]), train_cfg=dict(max_iters=stage1_iters)),
    dict(name='stage2', model=dict(train_stages=[1]), train_cfg=dict(max_iters=stage2_iters),
         custom_hooks=[dict(type='SafeCheckpointHook'), {{_base_.stage2_init_hook}}]),
]
