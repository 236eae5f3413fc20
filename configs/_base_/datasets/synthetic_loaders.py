# Dataloaders over the synthetic benchmark: training windows on the fly, validation on the fixed `val`
# windows, test on the fixed `clean` split (evaluate `heavy` with `test_dataloader.dataset.severity=heavy`).
_base_ = ['./synthetic.py']
train_dataloader = dict(batch_size=16, num_workers=2, persistent_workers=True,
                        sampler=dict(type='InfiniteSampler', shuffle=True),
                        collate_fn=dict(type='unihmr.collate_windows'), dataset={{_base_.synthetic_train}})
val_dataloader = dict(batch_size=16, num_workers=0, sampler=dict(type='DefaultSampler', shuffle=False),
                      collate_fn=dict(type='unihmr.collate_windows'), dataset={{_base_.synthetic_val}})
test_dataloader = dict(val_dataloader, dataset={{_base_.synthetic_clean}})
val_evaluator = dict(type='MotionMetric')
test_evaluator = val_evaluator
