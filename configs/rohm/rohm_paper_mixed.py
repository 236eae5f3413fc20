# RoHM at paper size (supp. B.1 and the release, shared/specs/rohm.md "Training"): TrajNet widths 64/128/256/512,
# PoseNet width 512, 8 layers (configs/_base_/models/rohm.py), batches of 64, AdamW at 1e-4 (the release has no
# schedule; the project's warm-up + cosine is kept). The data, phases, test sets and sampling of the CPU config
# (configs/rohm/rohm_cpu_mixed.py), with about 100 times its iterations (the CPU budget is about 1 % of the
# release's, docs/rohm.md) and 30,000 training windows of 128 frames: the U-Net's four downsamplings need a multiple
# of 16 (at test time the head pads the recoverer's 120-frame windows itself). Not trained here (no GPU); CUDA is
# used when the runner has one.
_base_ = ['./rohm_cpu_mixed.py']
model = dict(stages=[_base_.rohm_head])
training_parts = [dict(_base_.synthetic_train_secondary, window=128), dict(_base_.real_train, window=128)]
train_dataloader = dict(batch_size=64, dataset=dict(dataset=dict(num_windows=30000, datasets=training_parts)))
optim_wrapper = dict(optimizer=dict(lr=1e-4))
traj_iters, control_iters, pose_iters = 120000, 60000, 240000
phase_changes = _base_.rohm_phase_changes
no_val = _base_.no_val
phases = [
    dict(name=name, train_cfg=dict(max_iters=iters, **no_val), **phase_changes[name])
    for name, iters in [('trajnet_k1', traj_iters), ('trajnet_k2', traj_iters), ('trajnet_span', traj_iters),
                        ('trajcontrol', control_iters), ('posenet_k1', pose_iters), ('posenet_k2', pose_iters)]
]
