# MoRo's pose tokenizer alone (its own config, phase and checkpoint), sized for a 2-core CPU (32 region tokens), trained on the mix of
# procedural and real CMU motion (configs/_base_/datasets/real_motion.py; set UNIHMR_REAL_MOTION): 3,000 training
# windows generated once and kept in memory, 8 windows x 16 frames = 128 meshes per step, AdamW 5e-4 (MoRo supp.),
# warm-up then cosine. `tools/test.py` on it measures the round trip (tokens -> mesh -> SMPL-X fit) with the ground
# truth's root; `tools/tokenizer_report.py` adds the vertex error and the codebook usage.
_base_ = ['../_base_/default_runtime.py', '../_base_/datasets/mixed_real_motion.py', '../_base_/models/moro.py',
          '../_base_/schedules/iter_based.py']
model = dict(type='Recoverer', encoder=None, stages=[_base_.moro_tokenizer_stage_cpu], body_model=dict(type='EmbeddedSMPLX'),
             window=120, overlap=30)
train_dataloader = dict(batch_size=8, num_workers=0, persistent_workers=False,
                        dataset=dict(_delete_=True, type='InMemoryDataset',
                                     dataset=dict(_base_.mixed_train, num_windows=3000)))
max_iters = 2400
train_cfg = dict(max_iters=max_iters, val_interval=10 ** 9)
val_dataloader = None
val_cfg = None
val_evaluator = None
optim_wrapper = dict(optimizer=dict(lr=5e-4))
lr_schedule = dict(warmup=100)
default_hooks = dict(logger=dict(interval=50), checkpoint=dict(interval=500, max_keep_ckpts=1))
