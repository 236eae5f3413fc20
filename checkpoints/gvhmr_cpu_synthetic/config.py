codec_stats = dict(batch_size=32, num_windows=256)
custom_hooks = [
    dict(type='SafeCheckpointHook'),
]
default_hooks = dict(
    checkpoint=dict(
        by_epoch=False, interval=500, max_keep_ckpts=2, type='CheckpointHook'),
    logger=dict(interval=20, type='LoggerHook'),
    param_scheduler=dict(type='ParamSchedulerHook'),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    timer=dict(type='IterTimerHook'))
default_scope = 'unihmr'
env_cfg = dict(cudnn_benchmark=False, dist_cfg=dict(backend='gloo'))
load_from = None
log_level = 'INFO'
log_processor = dict(by_epoch=False)
max_iters = 4500
model = dict(
    body_model=dict(type='EmbeddedSMPLX'),
    encoder=dict(feat_dim=64, type='ConditionEncoder', width=128),
    num_samples=1,
    overlap=30,
    stages=[
        dict(
            backbone=dict(
                depth=4,
                heads=4,
                type='RoPETransformer',
                width=128,
                window=120),
            codec=dict(type='GVHMRCodec'),
            losses=dict(transl_w=0.1, verts_c=None),
            name='regression',
            type='RegressionHead'),
    ],
    type='Recoverer',
    window=120)
model_width = 128
optim_wrapper = dict(
    clip_grad=dict(max_norm=1.0),
    optimizer=dict(lr=0.0005, type='AdamW', weight_decay=0.0001))
param_scheduler = [
    dict(begin=0, by_epoch=False, end=200, start_factor=0.1, type='LinearLR'),
    dict(
        begin=200,
        by_epoch=False,
        end=4500,
        eta_min=1e-06,
        type='CosineAnnealingLR'),
]
randomness = dict(seed=0)
resume = False
synthetic_clean = dict(
    feat_dim=64,
    num_windows=64,
    seed=0,
    severity='none',
    split='test',
    type='CachedSyntheticDataset',
    window=120)
synthetic_feat_dim = 64
synthetic_heavy = dict(
    feat_dim=64,
    num_windows=64,
    seed=0,
    severity='heavy',
    split='test',
    type='CachedSyntheticDataset',
    window=120)
synthetic_train = dict(
    feat_dim=64,
    num_windows=20000,
    seed=0,
    severity=dict(heavy=0.3, mild=0.3, none=0.4),
    split='train',
    type='SyntheticMotionDataset',
    window=120)
synthetic_window = 120
test_cfg = dict(type='TestLoop')
test_dataloader = dict(
    batch_size=16,
    collate_fn=dict(type='unihmr.collate_windows'),
    dataset=dict(
        feat_dim=64,
        num_windows=64,
        seed=0,
        severity='none',
        split='test',
        type='CachedSyntheticDataset',
        window=120),
    num_workers=0,
    sampler=dict(shuffle=False, type='DefaultSampler'))
test_evaluator = dict(type='MotionMetric')
train_cfg = dict(max_iters=4500, type='IterBasedTrainLoop', val_interval=1500)
train_dataloader = dict(
    batch_size=16,
    collate_fn=dict(type='unihmr.collate_windows'),
    dataset=dict(
        feat_dim=64,
        num_windows=20000,
        seed=0,
        severity=dict(heavy=0.3, mild=0.3, none=0.4),
        split='train',
        type='SyntheticMotionDataset',
        window=120),
    num_workers=2,
    persistent_workers=True,
    sampler=dict(shuffle=True, type='InfiniteSampler'))
val_cfg = dict(type='ValLoop')
val_dataloader = dict(
    batch_size=16,
    collate_fn=dict(type='unihmr.collate_windows'),
    dataset=dict(
        feat_dim=64,
        num_windows=64,
        seed=0,
        severity='none',
        split='test',
        type='CachedSyntheticDataset',
        window=120),
    num_workers=0,
    sampler=dict(shuffle=False, type='DefaultSampler'))
val_evaluator = dict(type='MotionMetric')
visualizer = dict(
    type='Visualizer',
    vis_backends=[
        dict(type='LocalVisBackend'),
        dict(type='TensorboardVisBackend'),
    ])
