# The ScoreHMR pose prior sized for a 2-core CPU (width 256, hidden 512, 3 blocks), 5,000 iterations of 16
# windows of 120 frames (each frame is one training sample of the per-frame prior). The training windows are
# generated once (3,000 windows, ~1 min) and kept in memory: generating them on the fly costs more CPU than
# the prior's own step (~160 ms vs ~180 ms per batch of 16 on 2 cores).
_base_ = ['./scorehmr_prior_paper_synthetic.py']
model = dict(stages=[{{_base_.scorehmr_prior_cpu}}])
train_dataloader = dict(batch_size=16, num_workers=0, persistent_workers=False,
                        dataset=dict(type='CachedSyntheticDataset', num_windows=3000))
max_iters = 5000
train_cfg = dict(max_iters=max_iters)
optim_wrapper = dict(optimizer=dict(lr=1e-3))
lr_schedule = dict(warmup=200)
default_hooks = dict(logger=dict(interval=50), checkpoint=dict(interval=2000, max_keep_ckpts=1))
