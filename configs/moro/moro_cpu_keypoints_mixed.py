# MoRo at CPU size (32 region tokens, width 128, T_M depth 2, T_D depth 1), trained on the mix of procedural and real
# CMU motion (configs/_base_/datasets/real_motion.py; set UNIHMR_REAL_MOTION) in the five phases of paper 4.5 /
# supp. A: tokenizer, single-frame pose, motion, condition, video. 3,000 training windows of 120 frames generated
# once per phase and kept in memory; the clip phases train on 60-frame crops. Keypoint-only inputs (the track with
# no image features): the condition encoder reads keypoint rays, box keypoints, the box and the camera's angular
# velocity, as the keypoint-only regression and FactorizedHMR it is compared with (configs/*/*_cpu_keypoints_mixed.py).
_base_ = ['../_base_/default_runtime.py', '../_base_/datasets/mixed_real_motion.py', '../_base_/models/moro.py',
          '../_base_/schedules/iter_based.py']
model_width = 128
model = dict(type='Recoverer',
             encoder=dict(type='ConditionEncoder', width=model_width, feat_dim=64,
                          modalities=('kp_rays', 'kp_box', 'bbox', 'cam_angvel')),
             stages=[_base_.moro_head_cpu], body_model=dict(type='EmbeddedSMPLX'), window=120, overlap=30,
             num_samples=1, num_steps=5, sampler_cfg=dict(temperature=1.0, smooth=True))  # num_steps: T
codec_stats = dict(num_windows=256, batch_size=32)
train_dataloader = dict(batch_size=4, num_workers=0, persistent_workers=False,
                        dataset=dict(_delete_=True, type='InMemoryDataset',
                                     dataset=dict(_base_.mixed_train, num_windows=3000)))
optim_wrapper = dict(optimizer=dict(lr=5e-4))
lr_schedule = dict(warmup=100)
default_hooks = dict(logger=dict(interval=50), checkpoint=dict(interval=500, max_keep_ckpts=1))
no_val = dict(val_interval=100000, val_begin=10 ** 9)
tokenizer_iters, pose_iters, motion_iters, condition_iters, video_iters = 2400, 800, 1200, 800, 700
changes = _base_.moro_phase_changes
phases = [
    dict(name='tokenizer', train_cfg=dict(max_iters=tokenizer_iters, **no_val),
         train_dataloader=dict(batch_size=8), **changes['tokenizer']),
    dict(name='pose', train_cfg=dict(max_iters=pose_iters, **no_val),
         **{**changes['pose'], 'model.stages.0.schedule_iters': pose_iters}),
    dict(name='motion', train_cfg=dict(max_iters=motion_iters, **no_val),
         **{**changes['motion'], 'model.stages.0.schedule_iters': motion_iters}),
    dict(name='condition', train_cfg=dict(max_iters=condition_iters, **no_val),
         **{**changes['condition'], 'model.stages.0.schedule_iters': condition_iters}),
    dict(name='video', train_cfg=dict(max_iters=video_iters, **no_val),
         **{**changes['video'], 'model.stages.0.schedule_iters': video_iters}),
]
