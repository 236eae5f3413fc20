# FactorizedHMR at paper size on the synthetic benchmark. Trained in two phases by one command
# (tools/train.py): Stage 1 (the anchor) first, then Stage 2 on the frozen Stage 1 (paper section 3.4).
_base_ = ['../_base_/default_runtime.py', '../_base_/datasets/synthetic_loaders.py',
          '../_base_/models/factorizedhmr.py', '../_base_/schedules/iter_based.py']
train_dataloader = dict(batch_size=64)
stage1_iters, stage2_iters = 20000, 20000
phases = [
    dict(name='stage1', model=dict(train_stages=[0]), train_cfg=dict(max_iters=stage1_iters),
         param_scheduler=[dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0, end=500),
                          dict(type='CosineAnnealingLR', by_epoch=False, begin=500, end=stage1_iters, eta_min=1e-6)]),
    dict(name='stage2', model=dict(train_stages=[1]), train_cfg=dict(max_iters=stage2_iters),
         custom_hooks=[dict(type='SafeCheckpointHook'), {{_base_.stage2_init_hook}}],
         param_scheduler=[dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0, end=500),
                          dict(type='CosineAnnealingLR', by_epoch=False, begin=500, end=stage2_iters, eta_min=1e-6)]),
]
