# Mixing papers: the shipped FactorizedHMR (configs/factorizedhmr/factorizedhmr_cpu_synthetic.py) followed by
# ScoreHMR's refinement with the shipped CPU-size ScoreHMR prior. Evaluate with the FactorizedHMR checkpoint.
_base_ = ['../factorizedhmr/factorizedhmr_cpu_synthetic.py', '../_base_/models/scorehmr.py']
model = dict(stages=[{{_base_.anchor_head}}, {{_base_.flow_completion}}, {{_base_.scorehmr_refiner_cpu}}])
