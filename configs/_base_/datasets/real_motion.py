# Real motion (docs/data.md, "Real motion for training"): CMU mocap converted by tools/prepare_bvh.py, seen through
# the project's cameras, detector noise, occlusion and feature stand-in, and its mix with the procedural training
# stream (with secondary motion). Dataset dicts only, no loaders, so any method config can take them as a second
# base (configs/_base_/datasets/mixed_real_motion.py puts them into the synthetic loaders).
# The real clips are split by subject: 002, 005 and 007 train, 003 and 006 (walking on uneven terrain,
# basketball) are held out for validation and test.
# The data root: the environment variable UNIHMR_REAL_MOTION, else data/cmu_amass (never committed); it is
# resolved when the config loads, so to change it afterwards override the datasets' `root`, e.g.
# `train_dataloader.dataset.datasets.1.root=/data/cmu_amass`. The ratio: `train_dataloader.dataset.ratios=[0.5,0.5]`
# (synthetic, real).
real_motion_root = '{{$UNIHMR_REAL_MOTION:data/cmu_amass}}'
real_window, real_feat_dim = 120, 64  # as the synthetic benchmark (configs/_base_/datasets/synthetic.py)
real_train_subjects = ['002', '005', '007']
real_val_subjects = ['003', '006']
training_severity = dict(none=0.4, mild=0.3, heavy=0.3)
real_train = dict(type='AMASSDataset', root=real_motion_root, subsets=real_train_subjects, window=real_window,
                  stride=10, num_windows=20000, severity=training_severity, feat_dim=real_feat_dim, seed=0)
# The procedural half with the generator's secondary motion (spine, neck, head, collars, arms, wrists; docs/data.md).
synthetic_train_secondary = dict(type='SyntheticMotionDataset', split='train', num_windows=20000, window=real_window,
                                 severity=training_severity, feat_dim=real_feat_dim, seed=0, secondary_motion=True)
mixed_train = dict(type='MixedMotionDataset', datasets=[synthetic_train_secondary, real_train], ratios=[0.5, 0.5],
                   num_windows=20000, names=['synthetic', 'real'], seed=0)
# Real-motion validation and test windows: the held-out subjects, non-overlapping 120-frame windows.
real_val = dict(type='AMASSDataset', root=real_motion_root, subsets=real_val_subjects, window=real_window,
                stride=real_window, severity=training_severity, feat_dim=real_feat_dim, seed=1)
real_heavy = dict(real_val, severity='heavy', seed=2)
real_clean = dict(real_val, severity='none', seed=2)
