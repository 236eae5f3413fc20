# Mixing papers: the shipped GVHMR-style regression model (configs/gvhmr/gvhmr_cpu_synthetic.py) followed by
# ScoreHMR's refinement (keypoint + temporal guidance) with the shipped CPU-size ScoreHMR prior. Evaluate with
# the regression checkpoint: the prior's weights come from its own checkpoint (prior_checkpoint).
_base_ = ['../gvhmr/gvhmr_cpu_synthetic.py', '../_base_/models/scorehmr.py']
model = dict(stages=[{{_base_.regression_stage}}, {{_base_.scorehmr_refiner_cpu}}])
