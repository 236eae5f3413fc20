# The embedded synthetic benchmark (docs/data.md). Training windows are generated on the fly;
# the evaluation splits are fixed by seed and cached in memory. `clean` and `heavy` hold the same
# motions and cameras and differ only in occlusion. `val` is a separate stream (split='val') of the
# training mixture of severities, for validation during training and for choosing settings.
synthetic_window = 120
synthetic_feat_dim = 64
synthetic_train = dict(type='SyntheticMotionDataset', split='train', num_windows=20000, window=synthetic_window,
                       severity=dict(none=0.4, mild=0.3, heavy=0.3), feat_dim=synthetic_feat_dim, seed=0)
synthetic_clean = dict(type='CachedSyntheticDataset', split='test', num_windows=64, window=synthetic_window,
                       severity='none', feat_dim=synthetic_feat_dim, seed=0)
synthetic_heavy = dict(type='CachedSyntheticDataset', split='test', num_windows=64, window=synthetic_window,
                       severity='heavy', feat_dim=synthetic_feat_dim, seed=0)
synthetic_val = dict(type='CachedSyntheticDataset', split='val', num_windows=64, window=synthetic_window,
                     severity=dict(none=0.4, mild=0.3, heavy=0.3), feat_dim=synthetic_feat_dim, seed=0)
# The heavy severity on the validation stream: where settings (guidance weights, operating points) are chosen
# (tools/test.py --test-set synthetic_val_heavy; the sweeps of configs/suites/cpu_synthetic.py).
synthetic_val_heavy = dict(synthetic_heavy, split='val')
