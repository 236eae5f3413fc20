# Table 5 "+ Stage 2": a flow head over rotations only (no joint-position fields in the latent), trained with
# the flow-matching loss only, on the frozen shipped Stage-1 anchor.
_base_ = ['./stage2_composite_cpu_synthetic.py']
rotation_codec = dict(type='GVHMRCodec',
                      fields=('body_pose_torso', 'body_pose_non_torso', 'betas', 'global_orient_c', 'cam',
                              'global_orient_gv', 'root_vel'),
                      known_fields=('body_pose_torso', 'betas', 'global_orient_c', 'cam'))
model = dict(stages=[{{_base_.anchor_head}}, dict(
    name='completion', type='FlowMatchingHead', codec=rotation_codec, encoder={{_base_.completion_encoder}},
    backbone={{_base_.backbone}}, anchor_fields={{_base_.anchor_condition_fields}}, anchor_source='previous',
    guidance={{_base_.flow_completion.guidance}}, sampler={{_base_.flow_completion.sampler}},
    prediction={{_base_.flow_completion.prediction}},
    fm_weight={{_base_.flow_completion.fm_weight}}, weight_floor={{_base_.flow_completion.weight_floor}}, losses={{_base_.fm_only}})])
