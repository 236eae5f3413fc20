# Ablation: FactorizedHMR with its Stage-2 flow head swapped for a regression head (same codec, encoder,
# backbone, anchor conditioning and budget). The one change is the completion stage of `model.stages`.
_base_ = ['./factorizedhmr_cpu_synthetic.py']
model = dict(stages=[{{_base_.anchor_head}}, {{_base_.regression_completion}}])
