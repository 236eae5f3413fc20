anchor_condition_fields = (
    'global_orient_c',
    'body_pose_torso',
)
anchor_fields = (
    'body_pose_torso',
    'betas',
    'global_orient_c',
    'cam',
)
anchor_head = dict(
    backbone=dict(
        depth=4, heads=4, type='RoPETransformer', width=128, window=120),
    codec=dict(
        fields=(
            'body_pose_torso',
            'betas',
            'global_orient_c',
            'cam',
        ),
        type='GVHMRCodec'),
    loss_cfg=dict(fill_from_gt=('body_pose_non_torso', )),
    losses=dict(
        contact=None,
        joints_c=dict(joints='all'),
        joints_c_abs=dict(joints='all'),
        reproj=dict(joints='all'),
        transl_w=None,
        verts_c=None),
    name='anchor',
    type='RegressionHead')
backbone = dict(
    depth=4, heads=4, type='RoPETransformer', width=128, window=120)
codec_stats = dict(batch_size=32, num_windows=256)
completion_backbone = dict(
    depth=12, heads=8, type='RoPETransformer', width=512, window=120)
completion_codec = dict(
    fields=(
        'body_pose_torso',
        'body_pose_non_torso',
        'joints_torso',
        'joints_non_torso',
        'betas',
        'global_orient_c',
        'cam',
        'global_orient_gv',
        'root_vel',
    ),
    known_fields=(
        'body_pose_torso',
        'joints_torso',
        'betas',
        'global_orient_c',
        'cam',
    ),
    type='GVHMRCodec',
    unknown_fields=(
        'body_pose_non_torso',
        'joints_non_torso',
        'global_orient_gv',
        'root_vel',
    ))
completion_encoder = dict(
    feat_dim=64,
    modalities=(
        'kp_rays',
        'kp_box',
        'bbox',
        'cam_angvel',
    ),
    type='ConditionEncoder',
    width=128)
cpu_losses = dict(transl_w=0.1, verts_c=None)
custom_hooks = [
    dict(type='SafeCheckpointHook'),
    dict(
        copies=[
            (
                'encoder',
                'stages.1.encoder',
            ),
            (
                'stages.0.in_proj',
                'stages.1.in_proj',
            ),
            (
                'stages.0.backbone',
                'stages.1.backbone',
            ),
        ],
        type='CopyWeightsHook'),
]
ddpm_completion = dict(
    anchor_fields=(
        'global_orient_c',
        'body_pose_torso',
    ),
    anchor_source='previous',
    backbone=dict(
        depth=4, heads=4, type='RoPETransformer', width=128, window=120),
    beta_schedule='squaredcos_cap_v2',
    codec=dict(
        fields=(
            'body_pose_torso',
            'body_pose_non_torso',
            'joints_torso',
            'joints_non_torso',
            'betas',
            'global_orient_c',
            'cam',
            'global_orient_gv',
            'root_vel',
        ),
        known_fields=(
            'body_pose_torso',
            'joints_torso',
            'betas',
            'global_orient_c',
            'cam',
        ),
        type='GVHMRCodec',
        unknown_fields=(
            'body_pose_non_torso',
            'joints_non_torso',
            'global_orient_gv',
            'root_vel',
        )),
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
    guidance=dict(drop_prob=0.1, dropped=(
        'kp_rays',
        'kp_box',
    ), scale=1.5),
    kind='ddpm',
    losses=dict(
        consistency=dict(type='JointBoneConsistencyLoss', weight=1.0),
        contact=None,
        proj_non_torso=dict(
            delta=0.02,
            distance='robust',
            joints='non_torso',
            ramp_iters=250,
            type='ReprojectionLoss',
            weight=50.0),
        transl_c=dict(type='CameraTranslationLoss', weight=1.0),
        transl_w=0.1,
        verts_c=None),
    name='completion',
    num_steps=50,
    num_train_timesteps=1000,
    prediction_type='sample',
    type='DiffusionCompletionHead')
default_hooks = dict(
    checkpoint=dict(
        by_epoch=False, interval=500, max_keep_ckpts=6, type='CheckpointHook'),
    logger=dict(interval=20, type='LoggerHook'),
    param_scheduler=dict(type='ParamSchedulerHook'),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    timer=dict(type='IterTimerHook'))
default_scope = 'unihmr'
env_cfg = dict(cudnn_benchmark=False, dist_cfg=dict(backend='gloo'))
experiment_name = 'stage2_20261208_011143'
flow = dict(
    anchor_fields=(
        'global_orient_c',
        'body_pose_torso',
    ),
    anchor_source='previous',
    backbone=dict(
        depth=4, heads=4, type='RoPETransformer', width=128, window=120),
    codec=dict(
        fields=(
            'body_pose_torso',
            'body_pose_non_torso',
            'joints_torso',
            'joints_non_torso',
            'betas',
            'global_orient_c',
            'cam',
            'global_orient_gv',
            'root_vel',
        ),
        known_fields=(
            'body_pose_torso',
            'joints_torso',
            'betas',
            'global_orient_c',
            'cam',
        ),
        type='GVHMRCodec',
        unknown_fields=(
            'body_pose_non_torso',
            'joints_non_torso',
            'global_orient_gv',
            'root_vel',
        )),
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
    fm_weight=0.1,
    guidance=dict(drop_prob=0.1, dropped=(
        'kp_rays',
        'kp_box',
    ), scale=1.5),
    losses=dict(
        consistency=dict(type='JointBoneConsistencyLoss', weight=1.0),
        contact=None,
        proj_non_torso=dict(
            delta=0.02,
            distance='robust',
            joints='non_torso',
            ramp_iters=250,
            type='ReprojectionLoss',
            weight=50.0),
        transl_c=dict(type='CameraTranslationLoss', weight=1.0),
        transl_w=0.1,
        verts_c=None),
    name='completion',
    prediction='data',
    sampler=dict(solver='euler', steps=50),
    type='FlowMatchingHead',
    weight_floor=0.2)
flow_completion = dict(
    anchor_fields=(
        'global_orient_c',
        'body_pose_torso',
    ),
    anchor_source='previous',
    backbone=dict(
        depth=4, heads=4, type='RoPETransformer', width=128, window=120),
    codec=dict(
        fields=(
            'body_pose_torso',
            'body_pose_non_torso',
            'joints_torso',
            'joints_non_torso',
            'betas',
            'global_orient_c',
            'cam',
            'global_orient_gv',
            'root_vel',
        ),
        known_fields=(
            'body_pose_torso',
            'joints_torso',
            'betas',
            'global_orient_c',
            'cam',
        ),
        type='GVHMRCodec',
        unknown_fields=(
            'body_pose_non_torso',
            'joints_non_torso',
            'global_orient_gv',
            'root_vel',
        )),
    encoder=dict(feat_dim=64, type='ConditionEncoder', width=128),
    fm_weight=0.1,
    guidance=dict(drop_prob=0.1, dropped=(
        'kp_rays',
        'img_feat',
    ), scale=1.5),
    losses=dict(
        consistency=dict(type='JointBoneConsistencyLoss', weight=1.0),
        contact=None,
        proj_non_torso=dict(
            delta=0.02,
            distance='robust',
            joints='non_torso',
            ramp_iters=250,
            type='ReprojectionLoss',
            weight=50.0),
        transl_c=dict(type='CameraTranslationLoss', weight=1.0),
        transl_w=0.1,
        verts_c=None),
    name='completion',
    prediction='data',
    sampler=dict(solver='euler', steps=50),
    type='FlowMatchingHead',
    weight_floor=0.2)
flow_losses = dict(
    consistency=dict(type='JointBoneConsistencyLoss', weight=1.0),
    contact=None,
    proj_non_torso=dict(
        delta=0.02,
        distance='robust',
        joints='non_torso',
        ramp_iters=1000,
        type='ReprojectionLoss',
        weight=50.0),
    transl_c=dict(type='CameraTranslationLoss', weight=1.0))
keypoint_modalities = (
    'kp_rays',
    'kp_box',
    'bbox',
    'cam_angvel',
)
known_fields = (
    'body_pose_torso',
    'joints_torso',
    'betas',
    'global_orient_c',
    'cam',
)
latent_fields = (
    'body_pose_torso',
    'body_pose_non_torso',
    'joints_torso',
    'joints_non_torso',
    'betas',
    'global_orient_c',
    'cam',
    'global_orient_gv',
    'root_vel',
)
launcher = 'none'
load_from = 'checkpoints/factorizedhmr_cpu_keypoints_mixed/anchor.pth'
log_level = 'INFO'
log_processor = dict(by_epoch=False)
lr_schedule = dict(eta_min=1e-06, start_factor=0.1, warmup=200)
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
    overlap=30,
    run_stages=None,
    stages=[
        dict(
            backbone=dict(
                depth=4,
                heads=4,
                type='RoPETransformer',
                width=128,
                window=120),
            codec=dict(
                fields=(
                    'body_pose_torso',
                    'betas',
                    'global_orient_c',
                    'cam',
                ),
                type='GVHMRCodec'),
            loss_cfg=dict(fill_from_gt=('body_pose_non_torso', )),
            losses=dict(
                contact=None,
                joints_c=dict(joints='all'),
                joints_c_abs=dict(joints='all'),
                reproj=dict(joints='all'),
                transl_w=None,
                verts_c=None),
            name='anchor',
            type='RegressionHead'),
        dict(
            anchor_fields=(
                'global_orient_c',
                'body_pose_torso',
            ),
            anchor_source='previous',
            backbone=dict(
                depth=4,
                heads=4,
                type='RoPETransformer',
                width=128,
                window=120),
            beta_schedule='squaredcos_cap_v2',
            codec=dict(
                fields=(
                    'body_pose_torso',
                    'body_pose_non_torso',
                    'joints_torso',
                    'joints_non_torso',
                    'betas',
                    'global_orient_c',
                    'cam',
                    'global_orient_gv',
                    'root_vel',
                ),
                known_fields=(
                    'body_pose_torso',
                    'joints_torso',
                    'betas',
                    'global_orient_c',
                    'cam',
                ),
                type='GVHMRCodec',
                unknown_fields=(
                    'body_pose_non_torso',
                    'joints_non_torso',
                    'global_orient_gv',
                    'root_vel',
                )),
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
            guidance=dict(
                drop_prob=0.1, dropped=(
                    'kp_rays',
                    'kp_box',
                ), scale=1.5),
            kind='ddpm',
            losses=dict(
                consistency=dict(type='JointBoneConsistencyLoss', weight=1.0),
                contact=None,
                proj_non_torso=dict(
                    delta=0.02,
                    distance='robust',
                    joints='non_torso',
                    ramp_iters=250,
                    type='ReprojectionLoss',
                    weight=50.0),
                transl_c=dict(type='CameraTranslationLoss', weight=1.0),
                transl_w=0.1,
                verts_c=None),
            name='completion',
            num_steps=50,
            num_train_timesteps=1000,
            prediction_type='sample',
            type='DiffusionCompletionHead'),
    ],
    train_stages=[
        1,
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
        end=1000,
        eta_min=1e-06,
        type='CosineAnnealingLR'),
]
phase = 'stage2'
phases = [
    dict(
        custom_hooks=[
            dict(type='SafeCheckpointHook'),
            dict(
                copies=[
                    (
                        'encoder',
                        'stages.1.encoder',
                    ),
                    (
                        'stages.0.in_proj',
                        'stages.1.in_proj',
                    ),
                    (
                        'stages.0.backbone',
                        'stages.1.backbone',
                    ),
                ],
                type='CopyWeightsHook'),
        ],
        model=dict(train_stages=[
            1,
        ]),
        name='stage2',
        train_cfg=dict(max_iters=1000, val_interval=500)),
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
regression_completion = dict(
    anchor_fields=(
        'global_orient_c',
        'body_pose_torso',
    ),
    backbone=dict(
        depth=4, heads=4, type='RoPETransformer', width=128, window=120),
    codec=dict(
        fields=(
            'body_pose_torso',
            'body_pose_non_torso',
            'joints_torso',
            'joints_non_torso',
            'betas',
            'global_orient_c',
            'cam',
            'global_orient_gv',
            'root_vel',
        ),
        known_fields=(
            'body_pose_torso',
            'joints_torso',
            'betas',
            'global_orient_c',
            'cam',
        ),
        type='GVHMRCodec',
        unknown_fields=(
            'body_pose_non_torso',
            'joints_non_torso',
            'global_orient_gv',
            'root_vel',
        )),
    encoder=dict(feat_dim=64, type='ConditionEncoder', width=128),
    losses=dict(
        consistency=dict(type='JointBoneConsistencyLoss', weight=1.0),
        contact=None,
        proj_non_torso=dict(
            delta=0.02,
            distance='robust',
            joints='non_torso',
            type='ReprojectionLoss',
            weight=50.0),
        transl_w=0.1,
        verts_c=None),
    name='completion',
    type='RegressionHead')
resume = False
stage1_iters = 4500
stage2_init_hook = dict(
    copies=[
        (
            'encoder',
            'stages.1.encoder',
        ),
        (
            'stages.0.in_proj',
            'stages.1.in_proj',
        ),
        (
            'stages.0.backbone',
            'stages.1.backbone',
        ),
    ],
    type='CopyWeightsHook')
stage2_iters = 1000
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
synthetic_val_heavy = dict(
    feat_dim=64,
    num_windows=64,
    seed=0,
    severity='heavy',
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
train_cfg = dict(max_iters=1000, type='IterBasedTrainLoop', val_interval=500)
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
unknown_fields = (
    'body_pose_non_torso',
    'joints_non_torso',
    'global_orient_gv',
    'root_vel',
)
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
work_dir = 'outputs/train/factorizedhmr_ddpm_cpu_keypoints_mixed/stage2'
