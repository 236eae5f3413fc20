codec_stats = dict(batch_size=32, num_windows=256)
custom_hooks = [
    dict(type='SafeCheckpointHook'),
]
default_hooks = dict(
    checkpoint=dict(
        by_epoch=False, interval=2000, max_keep_ckpts=1,
        type='CheckpointHook'),
    logger=dict(interval=50, type='LoggerHook'),
    param_scheduler=dict(type='ParamSchedulerHook'),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    timer=dict(type='IterTimerHook'))
default_scope = 'unihmr'
env_cfg = dict(cudnn_benchmark=False, dist_cfg=dict(backend='gloo'))
keypoint_guidance = dict(
    form='released',
    sigma=100.0,
    type='KeypointReprojectionEnergy',
    weight=0.003)
launcher = 'none'
load_from = None
log_level = 'INFO'
log_processor = dict(by_epoch=False)
lr_schedule = dict(eta_min=1e-06, start_factor=0.1, warmup=200)
max_iters = 5000
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
    encoder=None,
    overlap=30,
    stages=[
        dict(
            beta_schedule='squaredcos_cap_v2',
            codec=dict(
                fields=(
                    'global_orient_c',
                    'body_pose',
                ),
                normalized=False,
                type='GVHMRCodec'),
            condition='keypoints',
            denoiser=dict(
                hidden=512, num_blocks=3, type='ResMLPDenoiser', width=256),
            feat_dim=64,
            name='prior',
            num_train_timesteps=1000,
            type='DiffusionPriorHead'),
    ],
    type='Recoverer',
    window=120)
multiview_guidance = dict(
    fields=('body_pose', ), type='MultiViewConsistencyEnergy', weight=450.0)
optim_wrapper = dict(
    clip_grad=dict(max_norm=1.0),
    optimizer=dict(lr=0.001, type='AdamW', weight_decay=0.0001))
param_scheduler = [
    dict(begin=0, by_epoch=False, end=200, start_factor=0.1, type='LinearLR'),
    dict(
        begin=200,
        by_epoch=False,
        end=5000,
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
resume = False
scorehmr_prior = dict(
    beta_schedule='squaredcos_cap_v2',
    codec=dict(
        fields=(
            'global_orient_c',
            'body_pose',
        ),
        normalized=False,
        type='GVHMRCodec'),
    denoiser=dict(
        hidden=1024, num_blocks=3, type='ResMLPDenoiser', width=1024),
    feat_dim=64,
    name='prior',
    num_train_timesteps=1000,
    type='DiffusionPriorHead')
scorehmr_prior_cpu = dict(
    beta_schedule='squaredcos_cap_v2',
    codec=dict(
        fields=(
            'global_orient_c',
            'body_pose',
        ),
        normalized=False,
        type='GVHMRCodec'),
    denoiser=dict(hidden=512, num_blocks=3, type='ResMLPDenoiser', width=256),
    feat_dim=64,
    name='prior',
    num_train_timesteps=1000,
    type='DiffusionPriorHead')
scorehmr_refiner = dict(
    camera_lr=0.01,
    grad_through_denoiser=False,
    guidance=dict(
        keypoints=dict(
            form='released',
            sigma=100.0,
            type='KeypointReprojectionEnergy',
            weight=0.003),
        temporal=dict(
            fields=(
                'global_orient_c',
                'body_pose',
            ),
            type='TemporalConsistencyEnergy',
            weight=30.0)),
    max_rounds=10,
    name='scorehmr',
    prior=dict(
        beta_schedule='squaredcos_cap_v2',
        codec=dict(
            fields=(
                'global_orient_c',
                'body_pose',
            ),
            normalized=False,
            type='GVHMRCodec'),
        denoiser=dict(
            hidden=1024, num_blocks=3, type='ResMLPDenoiser', width=1024),
        feat_dim=64,
        name='prior',
        num_train_timesteps=1000,
        type='DiffusionPriorHead'),
    prior_checkpoint=None,
    rel_tol=0.001,
    scale=1.0,
    step=2,
    tau=50,
    type='ScoreHMRRefiner')
scorehmr_refiner_cpu = dict(
    camera_lr=0.01,
    grad_through_denoiser=False,
    guidance=dict(
        keypoints=dict(
            form='released',
            sigma=100.0,
            type='KeypointReprojectionEnergy',
            weight=0.003),
        temporal=dict(
            fields=(
                'global_orient_c',
                'body_pose',
            ),
            type='TemporalConsistencyEnergy',
            weight=30.0)),
    max_rounds=10,
    name='scorehmr',
    prior=dict(
        beta_schedule='squaredcos_cap_v2',
        codec=dict(
            fields=(
                'global_orient_c',
                'body_pose',
            ),
            normalized=False,
            type='GVHMRCodec'),
        denoiser=dict(
            hidden=512, num_blocks=3, type='ResMLPDenoiser', width=256),
        feat_dim=64,
        name='prior',
        num_train_timesteps=1000,
        type='DiffusionPriorHead'),
    prior_checkpoint='checkpoints/scorehmr_prior_cpu_synthetic/model.pth',
    rel_tol=0.001,
    scale=1.0,
    step=2,
    tau=50,
    type='ScoreHMRRefiner')
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
temporal_guidance = dict(
    fields=(
        'global_orient_c',
        'body_pose',
    ),
    type='TemporalConsistencyEnergy',
    weight=30.0)
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
train_cfg = dict(
    max_iters=5000, type='IterBasedTrainLoop', val_interval=1000000000)
train_dataloader = dict(
    batch_size=16,
    collate_fn=dict(type='unihmr.collate_windows'),
    dataset=dict(
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
            num_windows=3000,
            ratios=[
                0.5,
                0.5,
            ],
            seed=0,
            type='MixedMotionDataset'),
        type='InMemoryDataset'),
    num_workers=0,
    persistent_workers=False,
    sampler=dict(shuffle=True, type='InfiniteSampler'))
training_severity = dict(heavy=0.3, mild=0.3, none=0.4)
val_cfg = None
val_dataloader = None
val_evaluator = None
visualizer = dict(
    type='Visualizer',
    vis_backends=[
        dict(type='LocalVisBackend'),
        dict(type='TensorboardVisBackend'),
    ])
work_dir = 'outputs/issue15/prior_kp'
