# Procedural and real motion mixed for training (docs/data.md, "Real motion for training"): the synthetic
# training stream (with secondary motion) and CMU mocap converted by tools/prepare_bvh.py, both seen through the project's cameras,
# detector noise, occlusion and feature stand-in. The real clips are split by subject: 002, 005 and 007 train,
# 003 and 006 (walking on uneven terrain, basketball) are held out for validation.
# The data root: the environment variable UNIHMR_REAL_MOTION, else data/cmu_amass (never committed), or
# override `real_motion_root=...` is NOT enough (values below are resolved at load time): override the
# datasets' `root` instead, e.g. `train_dataloader.dataset.datasets.1.root=/data/cmu_amass`.
# The ratio: `train_dataloader.dataset.ratios=[0.5,0.5]` (synthetic, real).
_base_ = ['./synthetic_loaders.py']
real_motion_root = '{{$UNIHMR_REAL_MOTION:data/cmu_amass}}'
real_train_subjects = ['002', '005', '007']
real_val_subjects = ['003', '006']
real_train = dict(type='AMASSDataset', root=real_motion_root, subsets=real_train_subjects,
                  window={{_base_.synthetic_window}}, stride=10, num_windows=20000,
                  severity=dict(none=0.4, mild=0.3, heavy=0.3), feat_dim={{_base_.synthetic_feat_dim}}, seed=0)
# The procedural half with the generator's secondary motion (spine, neck, head, collars, arms, wrists; docs/data.md).
synthetic_train_secondary = dict(type='SyntheticMotionDataset', split='train', num_windows=20000,
                                 window={{_base_.synthetic_window}}, severity=dict(none=0.4, mild=0.3, heavy=0.3),
                                 feat_dim={{_base_.synthetic_feat_dim}}, seed=0, secondary_motion=True)
mixed_train = dict(type='MixedMotionDataset', datasets=[synthetic_train_secondary, real_train], ratios=[0.5, 0.5],
                   num_windows=20000, names=['synthetic', 'real'], seed=0)
# Real-motion validation and test windows: the held-out subjects, non-overlapping 120-frame windows.
real_val = dict(type='AMASSDataset', root=real_motion_root, subsets=real_val_subjects,
                window={{_base_.synthetic_window}}, stride={{_base_.synthetic_window}},
                severity=dict(none=0.4, mild=0.3, heavy=0.3), feat_dim={{_base_.synthetic_feat_dim}}, seed=1)
real_heavy = dict(real_val, severity='heavy', seed=2)
real_clean = dict(real_val, severity='none', seed=2)
train_dataloader = dict(dataset=dict(mixed_train, _delete_=True))
