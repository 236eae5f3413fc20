changes = dict(
    condition=dict({'model.stages.0.train_part': 'condition'}),
    motion=dict({'model.stages.0.train_part': 'motion'}),
    pose=dict({'model.stages.0.train_part': 'pose'}),
    tokenizer=dict({'model.stages.0.train_part': 'tokenizer'}),
    video=dict({'model.stages.0.train_part': 'video'}))
codec_stats = dict(batch_size=32, num_windows=256)
condition_iters = 800
custom_hooks = [
    dict(type='SafeCheckpointHook'),
]
default_hooks = dict(
    checkpoint=dict(
        by_epoch=False, interval=500, max_keep_ckpts=1, type='CheckpointHook'),
    logger=dict(interval=50, type='LoggerHook'),
    param_scheduler=dict(type='ParamSchedulerHook'),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    timer=dict(type='IterTimerHook'))
default_scope = 'unihmr'
env_cfg = dict(cudnn_benchmark=False, dist_cfg=dict(backend='gloo'))
experiment_name = 'video_20261207_184242'
launcher = 'none'
load_from = '/work/main/outputs/train/moro_v2/condition/iter_800.pth'
log_level = 'INFO'
log_processor = dict(by_epoch=False)
lr_schedule = dict(eta_min=1e-06, start_factor=0.1, warmup=100)
max_iters = 20000
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
    num_steps=5,
    overlap=30,
    sampler_cfg=dict(smooth=True, temperature=1.0),
    stages=[
        dict(
            band=60,
            clip=60,
            codec=dict(type='MoRoCodec'),
            decoder_depth=1,
            fit=dict(iters=20),
            frames_per_window=16,
            gumbel_temperature=(
                1.0,
                0.01,
            ),
            heads=4,
            mlp_ratio=2.0,
            motion_depth=2,
            name='moro',
            num_steps=5,
            random_code_fraction=0.1,
            schedule_iters=700,
            smoother=dict(
                gate=0.1,
                hidden=64,
                kernel=5,
                kind='conv',
                type='TokenSmoother'),
            tokenizer=dict(
                channels=(
                    16,
                    32,
                    64,
                ),
                k=8,
                levels=(
                    512,
                    128,
                    32,
                ),
                num_basis=8,
                quantizer=dict(codebook_size=512, kind='vq'),
                token_dim=9,
                type='MeshVQVAE'),
            train_part='video',
            type='MoRoHead',
            width=128),
    ],
    type='Recoverer',
    window=120)
model_width = 128
moro_head = dict(
    band=60,
    clip=60,
    codec=dict(type='MoRoCodec'),
    decoder_depth=2,
    fit=dict(iters=20),
    frames_per_window=16,
    gumbel_temperature=(
        1.0,
        0.01,
    ),
    heads=8,
    mlp_ratio=4.0,
    motion_depth=4,
    name='moro',
    num_steps=5,
    random_code_fraction=0.1,
    smoother=dict(
        gate=0.1, hidden=64, kernel=5, kind='conv', type='TokenSmoother'),
    tokenizer=dict(
        channels=(
            16,
            32,
            64,
        ),
        k=8,
        levels=(
            2048,
            512,
            87,
        ),
        num_basis=8,
        quantizer=dict(codebook_size=512, kind='vq'),
        token_dim=9,
        type='MeshVQVAE'),
    type='MoRoHead',
    width=1024)
moro_head_cpu = dict(
    band=60,
    clip=60,
    codec=dict(type='MoRoCodec'),
    decoder_depth=1,
    fit=dict(iters=20),
    frames_per_window=16,
    gumbel_temperature=(
        1.0,
        0.01,
    ),
    heads=4,
    mlp_ratio=2.0,
    motion_depth=2,
    name='moro',
    num_steps=5,
    random_code_fraction=0.1,
    smoother=dict(
        gate=0.1, hidden=64, kernel=5, kind='conv', type='TokenSmoother'),
    tokenizer=dict(
        channels=(
            16,
            32,
            64,
        ),
        k=8,
        levels=(
            512,
            128,
            32,
        ),
        num_basis=8,
        quantizer=dict(codebook_size=512, kind='vq'),
        token_dim=9,
        type='MeshVQVAE'),
    type='MoRoHead',
    width=128)
moro_phase_changes = dict(
    condition=dict({'model.stages.0.train_part': 'condition'}),
    motion=dict({'model.stages.0.train_part': 'motion'}),
    pose=dict({'model.stages.0.train_part': 'pose'}),
    tokenizer=dict({'model.stages.0.train_part': 'tokenizer'}),
    video=dict({'model.stages.0.train_part': 'video'}))
moro_tokenizer = dict(
    channels=(
        16,
        32,
        64,
    ),
    k=8,
    levels=(
        2048,
        512,
        87,
    ),
    num_basis=8,
    quantizer=dict(codebook_size=512, kind='vq'),
    token_dim=9,
    type='MeshVQVAE')
moro_tokenizer_cpu = dict(
    channels=(
        16,
        32,
        64,
    ),
    k=8,
    levels=(
        512,
        128,
        32,
    ),
    num_basis=8,
    quantizer=dict(codebook_size=512, kind='vq'),
    token_dim=9,
    type='MeshVQVAE')
moro_tokenizer_cpu_fsq = dict(
    channels=(
        16,
        32,
        64,
    ),
    k=8,
    levels=(
        512,
        128,
        32,
    ),
    num_basis=8,
    quantizer=dict(kind='fsq', levels=(
        8,
        8,
        8,
    )),
    token_dim=9,
    type='MeshVQVAE')
moro_tokenizer_stage = dict(
    fit=dict(iters=20),
    frames_per_window=16,
    name='tokenizer',
    tokenizer=dict(
        channels=(
            16,
            32,
            64,
        ),
        k=8,
        levels=(
            2048,
            512,
            87,
        ),
        num_basis=8,
        quantizer=dict(codebook_size=512, kind='vq'),
        token_dim=9,
        type='MeshVQVAE'),
    type='PoseTokenizerHead')
moro_tokenizer_stage_cpu = dict(
    fit=dict(iters=20),
    frames_per_window=16,
    name='tokenizer',
    tokenizer=dict(
        channels=(
            16,
            32,
            64,
        ),
        k=8,
        levels=(
            512,
            128,
            32,
        ),
        num_basis=8,
        quantizer=dict(codebook_size=512, kind='vq'),
        token_dim=9,
        type='MeshVQVAE'),
    type='PoseTokenizerHead')
motion_iters = 1200
no_val = dict(val_begin=1000000000, val_interval=100000)
optim_wrapper = dict(
    clip_grad=dict(max_norm=1.0),
    optimizer=dict(lr=0.0005, type='AdamW', weight_decay=0.0001))
param_scheduler = [
    dict(begin=0, by_epoch=False, end=100, start_factor=0.1, type='LinearLR'),
    dict(
        begin=100,
        by_epoch=False,
        end=700,
        eta_min=1e-06,
        type='CosineAnnealingLR'),
]
phase = 'video'
phases = [
    dict({
        'model.stages.0.train_part':
        'tokenizer',
        'name':
        'tokenizer',
        'train_cfg':
        dict(max_iters=2400, val_begin=1000000000, val_interval=100000),
        'train_dataloader':
        dict(batch_size=8)
    }),
    dict({
        'model.stages.0.schedule_iters':
        800,
        'model.stages.0.train_part':
        'pose',
        'name':
        'pose',
        'train_cfg':
        dict(max_iters=800, val_begin=1000000000, val_interval=100000)
    }),
    dict({
        'model.stages.0.schedule_iters':
        1200,
        'model.stages.0.train_part':
        'motion',
        'name':
        'motion',
        'train_cfg':
        dict(max_iters=1200, val_begin=1000000000, val_interval=100000)
    }),
    dict({
        'model.stages.0.schedule_iters':
        800,
        'model.stages.0.train_part':
        'condition',
        'name':
        'condition',
        'train_cfg':
        dict(max_iters=800, val_begin=1000000000, val_interval=100000)
    }),
    dict({
        'model.stages.0.schedule_iters':
        700,
        'model.stages.0.train_part':
        'video',
        'name':
        'video',
        'train_cfg':
        dict(max_iters=700, val_begin=1000000000, val_interval=100000)
    }),
]
pose_iters = 800
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
tokenizer_iters = 2400
train_cfg = dict(
    max_iters=700,
    type='IterBasedTrainLoop',
    val_begin=1000000000,
    val_interval=100000)
train_dataloader = dict(
    batch_size=4,
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
video_iters = 700
visualizer = dict(
    type='Visualizer',
    vis_backends=[
        dict(type='LocalVisBackend'),
        dict(type='TensorboardVisBackend'),
    ])
work_dir = 'outputs/train/moro_v2/video'
