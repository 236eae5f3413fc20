# Runtime defaults shared by every training config (mmengine Runner).
default_scope = 'unihmr'
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=1000, max_keep_ckpts=3),
    sampler_seed=dict(type='DistSamplerSeedHook'),
)
# Keeps checkpoints loadable by torch.load(weights_only=True) so `--resume` works on torch >= 2.6.
custom_hooks = [dict(type='SafeCheckpointHook')]
env_cfg = dict(cudnn_benchmark=False, dist_cfg=dict(backend='gloo'))
log_processor = dict(by_epoch=False)
# Scalars go to <work_dir>/<timestamp>/vis_data as JSON (LocalVisBackend) and TensorBoard event files.
visualizer = dict(type='Visualizer', vis_backends=[dict(type='LocalVisBackend'),
                                                   dict(type='TensorboardVisBackend')])
log_level = 'INFO'
load_from = None
resume = False
randomness = dict(seed=0)
