# GVHMR-style regression at paper size (512 / 12 / 8) on the synthetic benchmark.
_base_ = ['../_base_/default_runtime.py', '../_base_/datasets/synthetic_loaders.py',
          '../_base_/models/gvhmr_regression.py', '../_base_/schedules/iter_based.py']
train_dataloader = dict(batch_size=64)
