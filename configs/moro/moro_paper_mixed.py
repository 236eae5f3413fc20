# MoRo at paper size (87 region tokens pooled 2048 -> 512 -> 87, width 1024, 8 heads, T_M depth 4, T_D depth 2, band
# +-60; paper 4 and supp. A), on the mix of procedural and real CMU motion, with every condition modality (the image
# features' stand-in included: MoRo reads images). Batch 64 windows (tokenizer: 16 frames each, 1,024 meshes),
# AdamW 1e-4 (our choice; the paper's tokenizer uses 5e-4), the phases of the CPU config at 10x its iterations. For a
# GPU: `tools/train.py configs/moro/moro_paper_mixed.py` with the data on the device by the Runner (no `.cuda()`).
_base_ = ['../_base_/default_runtime.py', '../_base_/datasets/mixed_real_motion.py', '../_base_/models/moro.py',
          '../_base_/schedules/iter_based.py']
model_width = 1024
model = dict(type='Recoverer', encoder=dict(type='ConditionEncoder', width=model_width, feat_dim=64),
             stages=[_base_.moro_head], body_model=dict(type='EmbeddedSMPLX'), window=120, overlap=30, num_samples=1,
             num_steps=5, sampler_cfg=dict(temperature=1.0, smooth=True))
codec_stats = dict(num_windows=256, batch_size=32)
train_dataloader = dict(batch_size=64)
optim_wrapper = dict(optimizer=dict(lr=1e-4))
lr_schedule = dict(warmup=1000)
default_hooks = dict(logger=dict(interval=50), checkpoint=dict(interval=5000, max_keep_ckpts=1))
no_val = dict(val_interval=10 ** 9, val_begin=10 ** 9)
tokenizer_iters, pose_iters, motion_iters, condition_iters, video_iters = 24000, 8000, 12000, 8000, 7000
changes = _base_.moro_phase_changes
phases = [
    dict(name='tokenizer', train_cfg=dict(max_iters=tokenizer_iters, **no_val),
         optim_wrapper=dict(optimizer=dict(lr=5e-4)), **changes['tokenizer']),
    dict(name='pose', train_cfg=dict(max_iters=pose_iters, **no_val),
         **{**changes['pose'], 'model.stages.0.schedule_iters': pose_iters}),
    dict(name='motion', train_cfg=dict(max_iters=motion_iters, **no_val),
         **{**changes['motion'], 'model.stages.0.schedule_iters': motion_iters}),
    dict(name='condition', train_cfg=dict(max_iters=condition_iters, **no_val),
         **{**changes['condition'], 'model.stages.0.schedule_iters': condition_iters}),
    dict(name='video', train_cfg=dict(max_iters=video_iters, **no_val),
         **{**changes['video'], 'model.stages.0.schedule_iters': video_iters}),
]
