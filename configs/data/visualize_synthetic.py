# `python tools/visualize_data.py configs/data/visualize_synthetic.py dataset.severity=heavy`
dataset = dict(type='SyntheticMotionDataset', split='test', num_windows=64, window=120, severity='none',
               feat_dim=64, seed=0)
body_model = dict(type='EmbeddedSMPLX')
indices = [0]
name = 'synthetic'
render = dict(picture_frames=4, animation_step=3, animation_fps=10.0)
