# Iteration-based training with AdamW, warm-up and cosine decay; validation on the clean split.
max_iters = 20000
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters, val_interval=2000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(optimizer=dict(type='AdamW', lr=2e-4, weight_decay=1e-4), clip_grad=dict(max_norm=1.0))
# linear warm-up, then cosine decay to eta_min at train_cfg.max_iters (unihmr/apis/schedules.py writes the two
# param_scheduler entries when the Runner is built, so each phase's schedule ends at its own max_iters)
lr_schedule = dict(warmup=500, start_factor=0.1, eta_min=1e-6)
