# Table 5 "+ composite representation": the shipped FactorizedHMR Stage 2 (flow head over rotations and joint
# positions) trained with the flow-matching loss only (no geometry-aware, consistency or projection losses),
# on the frozen shipped Stage-1 anchor, for the shipped model's Stage-2 iterations.
_base_ = ['../factorizedhmr_cpu_synthetic.py']
fm_only = dict(contact=None, target=None, joints_c=None, joints_c_abs=None, reproj=None, transl_w=None, transl_c=None,
               verts_c=None, consistency=None, proj_non_torso=None)
flow_completion = dict(
    name='completion', type='FlowMatchingHead', codec={{_base_.completion_codec}},
    encoder={{_base_.completion_encoder}}, backbone={{_base_.backbone}},
    anchor_fields={{_base_.anchor_condition_fields}}, anchor_source='previous',
    guidance={{_base_.flow_completion.guidance}}, sampler={{_base_.flow_completion.sampler}},
    prediction={{_base_.flow_completion.prediction}},
    fm_weight={{_base_.flow_completion.fm_weight}}, weight_floor={{_base_.flow_completion.weight_floor}}, losses=fm_only)
model = dict(stages=[{{_base_.anchor_head}}, flow_completion])
load_from = 'checkpoints/factorizedhmr_cpu_synthetic/anchor.pth'  # the shipped anchor, frozen
stage2_iters = 1000  # the shipped model's Stage-2 iterations (tests/test_configs_parse.py checks)
phases = [
    dict(name='stage2', model=dict(train_stages=[1]), train_cfg=dict(max_iters=stage2_iters, val_interval=1000),
         custom_hooks=[dict(type='SafeCheckpointHook'), {{_base_.stage2_init_hook}}]),
]
