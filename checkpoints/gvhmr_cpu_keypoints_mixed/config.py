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
gvhmr_released_losses = dict(
    contact=1.0,
    joints_c=166.66666666666666,
    joints_c_abs=0.3333333333333333,
    reproj=500.0,
    target=1.0,
    transl_w=1.0,
    verts_c=166.66666666666666)
keypoint_modalities = (
    'kp_rays',
    'kp_box',
    'bbox',
    'cam_angvel',
)
launcher = 'none'
load_from = None
log_level = 'INFO'
log_processor = dict(by_epoch=False)
lr_schedule = dict(eta_min=1e-06, start_factor=0.1, warmup=200)
max_iters = 4500
mixed_train = dict(
    datasets=[
        dict(
            feat_dim=64,
            num_windows=20000,
            secondary_motion=True,
            seed=0,
            severity=dict(heavy=0.3, mild=0.3, none=0.4),
            split='train',
            type='SyntheticMotionDataset',
            window=120),
        dict(
            feat_dim=64,
            num_windows=20000,
            root='/work/main/outputs/cmu_amass',
            seed=0,
            severity=dict(heavy=0.3, mild=0.3, none=0.4),
            stride=10,
            subsets=[
                '002',
                '005',
                '007',
            ],
            type='AMASSDataset',
            window=120),
    ],
    names=[
        'synthetic',
        'real',
    ],
    num_windows=20000,
    ratios=[
        0.5,
        0.5,
    ],
    seed=0,
    type='MixedMotionDataset')
model = dict(
    body_model=dict(type='EmbeddedSMPLX'),
    encoder=dict(
        feat_dim=64,
        modalities=(
            'kp_rays',
            'kp_box',
            'bbox',
            'cam_angvel',
        ),
        type='ConditionEncoder',
        width=128),
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
            losses=dict(
                contact=1.0,
                joints_c=166.66666666666666,
                joints_c_abs=0.3333333333333333,
                reproj=500.0,
                target=1.0,
                transl_w=1.0,
                verts_c=None),
            name='regression',
            type='RegressionHead'),
    ],
    type='Recoverer',
    window=120)
model_width = 128
optim_wrapper = dict(
    clip_grad=dict(max_norm=1.0),
    optimizer=dict(lr=0.001, type='AdamW', weight_decay=0.0001))
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
real_clean = dict(
    feat_dim=64,
    root='/work/main/outputs/cmu_amass',
    seed=2,
    severity='none',
    stride=120,
    subsets=[
        '003',
        '006',
    ],
    type='AMASSDataset',
    window=120)
real_feat_dim = 64
real_heavy = dict(
    feat_dim=64,
    root='/work/main/outputs/cmu_amass',
    seed=2,
    severity='heavy',
    stride=120,
    subsets=[
        '003',
        '006',
    ],
    type='AMASSDataset',
    window=120)
real_motion_root = '/work/main/outputs/cmu_amass'
real_train = dict(
    feat_dim=64,
    num_windows=20000,
    root='/work/main/outputs/cmu_amass',
    seed=0,
    severity=dict(heavy=0.3, mild=0.3, none=0.4),
    stride=10,
    subsets=[
        '002',
        '005',
        '007',
    ],
    type='AMASSDataset',
    window=120)
real_train_subjects = [
    '002',
    '005',
    '007',
]
real_val = dict(
    feat_dim=64,
    root='/work/main/outputs/cmu_amass',
    seed=1,
    severity=dict(heavy=0.3, mild=0.3, none=0.4),
    stride=120,
    subsets=[
        '003',
        '006',
    ],
    type='AMASSDataset',
    window=120)
real_val_subjects = [
    '003',
    '006',
]
real_window = 120
regression_stage = dict(
    backbone=dict(
        depth=4, heads=4, type='RoPETransformer', width=128, window=120),
    codec=dict(type='GVHMRCodec'),
    losses=dict(
        contact=1.0,
        joints_c=166.66666666666666,
        joints_c_abs=0.3333333333333333,
        reproj=500.0,
        target=1.0,
        transl_w=1.0,
        verts_c=None),
    name='regression',
    type='RegressionHead')
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
synthetic_train_secondary = dict(
    feat_dim=64,
    num_windows=20000,
    secondary_motion=True,
    seed=0,
    severity=dict(heavy=0.3, mild=0.3, none=0.4),
    split='train',
    type='SyntheticMotionDataset',
    window=120)
synthetic_val = dict(
    feat_dim=64,
    num_windows=64,
    seed=0,
    severity=dict(heavy=0.3, mild=0.3, none=0.4),
    split='val',
    type='CachedSyntheticDataset',
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
        datasets=[
            dict(
                feat_dim=64,
                num_windows=20000,
                secondary_motion=True,
                seed=0,
                severity=dict(heavy=0.3, mild=0.3, none=0.4),
                split='train',
                type='SyntheticMotionDataset',
                window=120),
            dict(
                feat_dim=64,
                num_windows=20000,
                root='/work/main/outputs/cmu_amass',
                seed=0,
                severity=dict(heavy=0.3, mild=0.3, none=0.4),
                stride=10,
                subsets=[
                    '002',
                    '005',
                    '007',
                ],
                type='AMASSDataset',
                window=120),
        ],
        names=[
            'synthetic',
            'real',
        ],
        num_windows=20000,
        ratios=[
            0.5,
            0.5,
        ],
        seed=0,
        type='MixedMotionDataset'),
    num_workers=2,
    persistent_workers=True,
    sampler=dict(shuffle=True, type='InfiniteSampler'))
training_severity = dict(heavy=0.3, mild=0.3, none=0.4)
val_cfg = dict(type='ValLoop')
val_dataloader = dict(
    batch_size=16,
    collate_fn=dict(type='unihmr.collate_windows'),
    dataset=dict(
        feat_dim=64,
        num_windows=64,
        seed=0,
        severity=dict(heavy=0.3, mild=0.3, none=0.4),
        split='val',
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
work_dir = 'outputs/s26/kp_full'
