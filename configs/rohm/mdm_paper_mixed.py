# MDM++ (RoHM section 5.3's baseline) at paper size: PoseNet's paper-size network over the whole representation, the
# data, budget and optimiser of configs/rohm/rohm_paper_mixed.py, the phases of configs/rohm/mdm_cpu_mixed.py.
_base_ = ['./rohm_paper_mixed.py']
mdm_head_paper = dict(_base_.rohm_head, name='mdm', variant='mdm', train_part='mdm')
model = dict(stages=[mdm_head_paper])
mdm_k1 = {key: value for key, value in _base_.phase_changes['posenet_k1'].items() if 'train_part' not in key}
mdm_k2 = {key: value for key, value in _base_.phase_changes['posenet_k2'].items() if 'train_part' not in key}
phases = [
    dict(name='mdm_k1', train_cfg=dict(max_iters=_base_.pose_iters, **_base_.no_val), **mdm_k1),
    dict(name='mdm_k2', train_cfg=dict(max_iters=_base_.pose_iters, **_base_.no_val), **mdm_k2),
]
