control_iters = 600
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
experiment_name = 'mdm_k2_20261207_134813'
keypoint_guidance_video = dict(
    form='released', t_max=100, type='KeypointReprojectionEnergy', weight=1.0)
launcher = 'none'
load_from = '/work/main/outputs/train/mdm_cpu_mixed/mdm_k1/iter_2400.pth'
log_level = 'INFO'
log_processor = dict(by_epoch=False)
lr_schedule = dict(eta_min=1e-06, start_factor=0.1, warmup=100)
max_iters = 20000
mdm_head_cpu = dict(
    codec=dict(type='RoHMCodec'),
    early_stop=None,
    guidance=dict(
        skating=dict(
            form='released', t_max=50, type='FootSkatingEnergy',
            weight=1000.0)),
    iterations=2,
    kind='ddpm',
    losses=dict(joints=100.0, skating=0.0, velocity=1000.0, x0=1.0),
    name='mdm',
    num_steps=1000,
    pose_timesteps=1000,
    posenet=dict(
        depth=4,
        dropout=0.1,
        ff=256,
        heads=4,
        type='MotionTransformer',
        width=128),
    source='observation',
    train_part='mdm',
    traj_steps=100,
    traj_timesteps=100,
    trajnet=dict(type='TemporalUNet', widths=(
        32,
        64,
        128,
    )),
    type='RoHMHead',
    use_control=True,
    variant='mdm')
mdm_k1 = dict({
    'model.stages.0.noise_level':
    1.0,
    'model.stages.0.occlusion':
    dict(
        full_body_span=0.05,
        lower_body=0.15,
        random_joints=0.5,
        upper_body=0.05,
        visibility=0.25)
})
mdm_k2 = dict({
    'model.stages.0.losses.skating':
    0.1,
    'model.stages.0.noise_level':
    2.0,
    'model.stages.0.occlusion':
    dict(full_body_span=0.1, lower_body=0.3, upper_body=0.1, visibility=0.5)
})
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
    encoder=None,
    ground_world=False,
    num_steps=1000,
    overlap=30,
    sampler_cfg=dict(
        guided=True, iterations=2, traj_steps=100, use_control=True),
    stages=[
        dict(
            codec=dict(type='RoHMCodec'),
            early_stop=None,
            guidance=dict(
                skating=dict(
                    form='released',
                    t_max=50,
                    type='FootSkatingEnergy',
                    weight=1000.0)),
            iterations=2,
            kind='ddpm',
            losses=dict(joints=100.0, skating=0.1, velocity=1000.0, x0=1.0),
            name='mdm',
            noise_level=2.0,
            num_steps=1000,
            occlusion=dict(
                full_body_span=0.1,
                lower_body=0.3,
                upper_body=0.1,
                visibility=0.5),
            pose_timesteps=1000,
            posenet=dict(
                depth=4,
                dropout=0.1,
                ff=256,
                heads=4,
                type='MotionTransformer',
                width=128),
            source='observation',
            train_part='mdm',
            traj_steps=100,
            traj_timesteps=100,
            trajnet=dict(type='TemporalUNet', widths=(
                32,
                64,
                128,
            )),
            type='RoHMHead',
            use_control=True,
            variant='mdm'),
    ],
    type='Recoverer',
    window=120)
no_val = dict(val_begin=1000000000, val_interval=100000)
occ_l_level3 = dict(
    dataset=dict(
        feat_dim=64,
        num_windows=64,
        seed=0,
        severity='none',
        split='test',
        type='CachedSyntheticDataset',
        window=120),
    level=3.0,
    occlusion='lower_body',
    seed=0,
    type='CorruptedMotionDataset')
optim_wrapper = dict(
    clip_grad=dict(max_norm=1.0),
    optimizer=dict(lr=0.0005, type='AdamW', weight_decay=0.0001))
param_scheduler = [
    dict(begin=0, by_epoch=False, end=100, start_factor=0.1, type='LinearLR'),
    dict(
        begin=100,
        by_epoch=False,
        end=2400,
        eta_min=1e-06,
        type='CosineAnnealingLR'),
]
phase = 'mdm_k2'
phase_changes = dict(
    posenet_k1=dict({
        'model.stages.0.noise_level':
        1.0,
        'model.stages.0.occlusion':
        dict(
            full_body_span=0.05,
            lower_body=0.15,
            random_joints=0.5,
            upper_body=0.05,
            visibility=0.25),
        'model.stages.0.train_part':
        'posenet'
    }),
    posenet_k2=dict({
        'model.stages.0.losses.skating':
        0.1,
        'model.stages.0.noise_level':
        2.0,
        'model.stages.0.occlusion':
        dict(
            full_body_span=0.1, lower_body=0.3, upper_body=0.1,
            visibility=0.5),
        'model.stages.0.train_part':
        'posenet'
    }),
    trajcontrol=dict({
        'model.stages.0.noise_level': 2.0,
        'model.stages.0.occlusion': dict(none=1.0),
        'model.stages.0.train_part': 'trajcontrol'
    }),
    trajnet_k1=dict({
        'model.stages.0.noise_level': 1.0,
        'model.stages.0.occlusion': dict(none=1.0),
        'model.stages.0.train_part': 'trajnet'
    }),
    trajnet_k2=dict({
        'model.stages.0.noise_level': 2.0,
        'model.stages.0.occlusion': dict(none=1.0),
        'model.stages.0.train_part': 'trajnet'
    }),
    trajnet_span=dict({
        'model.stages.0.noise_level':
        3.0,
        'model.stages.0.occlusion':
        dict(frame_span=0.4, none=0.6),
        'model.stages.0.train_part':
        'trajnet'
    }))
phases = [
    dict({
        'model.stages.0.noise_level':
        1.0,
        'model.stages.0.occlusion':
        dict(
            full_body_span=0.05,
            lower_body=0.15,
            random_joints=0.5,
            upper_body=0.05,
            visibility=0.25),
        'name':
        'mdm_k1',
        'train_cfg':
        dict(max_iters=2400, val_begin=1000000000, val_interval=100000)
    }),
    dict({
        'model.stages.0.losses.skating':
        0.1,
        'model.stages.0.noise_level':
        2.0,
        'model.stages.0.occlusion':
        dict(
            full_body_span=0.1, lower_body=0.3, upper_body=0.1,
            visibility=0.5),
        'name':
        'mdm_k2',
        'train_cfg':
        dict(max_iters=2400, val_begin=1000000000, val_interval=100000)
    }),
]
pose_iters = 2400
pose_mixed_occlusion = dict(
    full_body_span=0.1, lower_body=0.3, upper_body=0.1, visibility=0.5)
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
rohm_head = dict(
    codec=dict(type='RoHMCodec'),
    early_stop=None,
    guidance=dict(
        skating=dict(
            form='released', t_max=50, type='FootSkatingEnergy',
            weight=1000.0)),
    iterations=2,
    kind='ddpm',
    losses=dict(joints=100.0, skating=0.0, velocity=1000.0, x0=1.0),
    name='rohm',
    num_steps=1000,
    pose_timesteps=1000,
    posenet=dict(
        depth=8,
        dropout=0.1,
        ff=1024,
        heads=4,
        type='MotionTransformer',
        width=512),
    source='observation',
    traj_steps=100,
    traj_timesteps=100,
    trajnet=dict(type='TemporalUNet', widths=(
        64,
        128,
        256,
        512,
    )),
    type='RoHMHead',
    use_control=True,
    variant='rohm')
rohm_head_cpu = dict(
    codec=dict(type='RoHMCodec'),
    early_stop=None,
    guidance=dict(
        skating=dict(
            form='released', t_max=50, type='FootSkatingEnergy',
            weight=1000.0)),
    iterations=2,
    kind='ddpm',
    losses=dict(joints=100.0, skating=0.0, velocity=1000.0, x0=1.0),
    name='rohm',
    num_steps=1000,
    pose_timesteps=1000,
    posenet=dict(
        depth=4,
        dropout=0.1,
        ff=256,
        heads=4,
        type='MotionTransformer',
        width=128),
    source='observation',
    traj_steps=100,
    traj_timesteps=100,
    trajnet=dict(type='TemporalUNet', widths=(
        32,
        64,
        128,
    )),
    type='RoHMHead',
    use_control=True,
    variant='rohm')
rohm_phase_changes = dict(
    posenet_k1=dict({
        'model.stages.0.noise_level':
        1.0,
        'model.stages.0.occlusion':
        dict(
            full_body_span=0.05,
            lower_body=0.15,
            random_joints=0.5,
            upper_body=0.05,
            visibility=0.25),
        'model.stages.0.train_part':
        'posenet'
    }),
    posenet_k2=dict({
        'model.stages.0.losses.skating':
        0.1,
        'model.stages.0.noise_level':
        2.0,
        'model.stages.0.occlusion':
        dict(
            full_body_span=0.1, lower_body=0.3, upper_body=0.1,
            visibility=0.5),
        'model.stages.0.train_part':
        'posenet'
    }),
    trajcontrol=dict({
        'model.stages.0.noise_level': 2.0,
        'model.stages.0.occlusion': dict(none=1.0),
        'model.stages.0.train_part': 'trajcontrol'
    }),
    trajnet_k1=dict({
        'model.stages.0.noise_level': 1.0,
        'model.stages.0.occlusion': dict(none=1.0),
        'model.stages.0.train_part': 'trajnet'
    }),
    trajnet_k2=dict({
        'model.stages.0.noise_level': 2.0,
        'model.stages.0.occlusion': dict(none=1.0),
        'model.stages.0.train_part': 'trajnet'
    }),
    trajnet_span=dict({
        'model.stages.0.noise_level':
        3.0,
        'model.stages.0.occlusion':
        dict(frame_span=0.4, none=0.6),
        'model.stages.0.train_part':
        'trajnet'
    }))
rohm_posenet_cpu = dict(
    depth=4, dropout=0.1, ff=256, heads=4, type='MotionTransformer', width=128)
rohm_posenet_paper = dict(
    depth=8,
    dropout=0.1,
    ff=1024,
    heads=4,
    type='MotionTransformer',
    width=512)
rohm_sampling = dict(
    guided=True, iterations=2, traj_steps=100, use_control=True)
rohm_trajnet_cpu = dict(
    type='TemporalUNet', widths=(
        32,
        64,
        128,
    ))
rohm_trajnet_paper = dict(
    type='TemporalUNet', widths=(
        64,
        128,
        256,
        512,
    ))
skating_guidance_3d = dict(
    form='released', t_max=50, type='FootSkatingEnergy', weight=1000.0)
skating_guidance_video = dict(
    form='released', t_max=100, type='FootSkatingEnergy', weight=1000.0)
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
        dataset=dict(
            feat_dim=64,
            num_windows=64,
            seed=0,
            severity='none',
            split='test',
            type='CachedSyntheticDataset',
            window=120),
        level=3.0,
        occlusion='lower_body',
        seed=0,
        type='CorruptedMotionDataset'),
    num_workers=0,
    sampler=dict(shuffle=False, type='DefaultSampler'))
test_evaluator = dict(type='MotionMetric')
train_cfg = dict(
    max_iters=2400,
    type='IterBasedTrainLoop',
    val_begin=1000000000,
    val_interval=100000)
train_dataloader = dict(
    batch_size=32,
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
traj_iters = 1200
val_cfg = dict(type='ValLoop')
val_dataloader = dict(
    batch_size=16,
    collate_fn=dict(type='unihmr.collate_windows'),
    dataset=dict(
        dataset=dict(
            feat_dim=64,
            num_windows=64,
            seed=0,
            severity=dict(heavy=0.3, mild=0.3, none=0.4),
            split='val',
            type='CachedSyntheticDataset',
            window=120),
        level=3.0,
        occlusion='lower_body',
        seed=1,
        type='CorruptedMotionDataset'),
    num_workers=0,
    sampler=dict(shuffle=False, type='DefaultSampler'))
val_evaluator = dict(type='MotionMetric')
visualizer = dict(
    type='Visualizer',
    vis_backends=[
        dict(type='LocalVisBackend'),
        dict(type='TensorboardVisBackend'),
    ])
work_dir = 'outputs/train/mdm_cpu_mixed/mdm_k2'
