# MDM++ (RoHM section 5.3's baseline): one DDPM transformer over the whole 294-number representation, conditioned on
# the masked noisy motion, at PoseNet's CPU size, data and budget (configs/rohm/rohm_cpu_mixed.py): noise level 1 with
# 1-6 random joints or the mixed occlusion scheme, then level 2 with the skating loss. Same test set (Occ-L, level 3).
_base_ = ['./rohm_cpu_mixed.py']
mdm_head_cpu = dict(_base_.rohm_head_cpu, name='mdm', variant='mdm', train_part='mdm')
model = dict(stages=[mdm_head_cpu])
mdm_k1 = {key: value for key, value in _base_.phase_changes['posenet_k1'].items() if 'train_part' not in key}
mdm_k2 = {key: value for key, value in _base_.phase_changes['posenet_k2'].items() if 'train_part' not in key}
phases = [
    dict(name='mdm_k1', train_cfg=dict(max_iters=_base_.pose_iters, **_base_.no_val), **mdm_k1),
    dict(name='mdm_k2', train_cfg=dict(max_iters=_base_.pose_iters, **_base_.no_val), **mdm_k2),
]
