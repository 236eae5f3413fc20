# The ScoreHMR pose prior at paper size, trained alone (a recoverer whose one stage is the prior) on the
# synthetic benchmark. It has no validation loop: sampling the prior alone recovers no camera or shape.
_base_ = ['../_base_/default_runtime.py', '../_base_/datasets/synthetic_loaders.py',
          '../_base_/models/scorehmr.py', '../_base_/schedules/iter_based.py']
model = dict(type='Recoverer', encoder=None,  # the prior reads the image features itself
             stages=[{{_base_.scorehmr_prior}}], body_model=dict(type='EmbeddedSMPLX'), window=120, overlap=30)
train_dataloader = dict(batch_size=64)
train_cfg = dict(val_interval=10 ** 9)
val_dataloader = None
val_cfg = None
val_evaluator = None
codec_stats = dict(num_windows=256, batch_size=32)
