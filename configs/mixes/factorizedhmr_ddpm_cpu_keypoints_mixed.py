# Mixing papers: a DDPM completion head (a RoHM / ScoreHMR-style denoiser: ancestral DDPM, cosine schedule, the
# network predicting the clean sample as RoHM's PoseNet does) in FactorizedHMR's Stage-2 slot, on the same anchor:
# the shipped keypoint-only FactorizedHMR's Stage 1, frozen (anchor.pth: its encoder and Stage-1 weights). Codec,
# encoder, backbone, anchor condition, classifier-free guidance, losses and Stage-2 budget (1,000 iterations of 16
# windows, starting from Stage 1's weights) are the flow head's; only the corruption and the sampler change.
# Train: python tools/train.py configs/mixes/factorizedhmr_ddpm_cpu_keypoints_mixed.py. docs/mixing.md.
_base_ = ['../factorizedhmr/factorizedhmr_cpu_keypoints_mixed.py']
load_from = 'checkpoints/factorizedhmr_cpu_keypoints_mixed/anchor.pth'
flow = _base_.model.stages[1]
ddpm_completion = dict(
    name='completion', type='DiffusionCompletionHead', codec=flow.codec, encoder=flow.encoder,
    backbone=flow.backbone, anchor_fields=flow.anchor_fields, anchor_source=flow.anchor_source, losses=flow.losses,
    guidance=flow.guidance,
    num_train_timesteps=1000, beta_schedule='squaredcos_cap_v2', prediction_type='sample', kind='ddpm', num_steps=50)
model = dict(stages=[_base_.model.stages[0], ddpm_completion])
phases = [
    dict(name='stage2', model=dict(train_stages=[1]), train_cfg=dict(max_iters=_base_.stage2_iters, val_interval=500),
         custom_hooks=[dict(type='SafeCheckpointHook'), _base_.stage2_init_hook]),
]
