# FactorizedHMR (paper sections 3.2-3.4), paper size (width 512, depth 12, heads 8 for both stages).
# Stage 1: a RegressionHead over the torso-root anchor A = [torso pose, betas, camera orientation, camera
# translation (as the weak-perspective cam)] (eq. 2), supervised directly and, posed with the ground-truth limbs
# (`fill_from_gt`), on all joints: the hip, shoulder and neck rotations it owns place the limbs
# (docs/factorizedhmr.md, "Stage-1 losses").
# Stage 2: a FlowMatchingHead over the composite latent z of eq. 3; z_K (eq. 5) is copied from the anchor.
anchor_fields = ('body_pose_torso', 'betas', 'global_orient_c', 'cam')
latent_fields = ('body_pose_torso', 'body_pose_non_torso', 'joints_torso', 'joints_non_torso', 'betas',
                 'global_orient_c', 'cam', 'global_orient_gv', 'root_vel')
known_fields = ('body_pose_torso', 'joints_torso', 'betas', 'global_orient_c', 'cam')
unknown_fields = ('body_pose_non_torso', 'joints_non_torso', 'global_orient_gv', 'root_vel')
# the compact anchor condition of section 3.3: "root orientation and torso poses"
anchor_condition_fields = ('global_orient_c', 'body_pose_torso')
# Stage-2 losses (section 3.4) on top of the shared defaults: the target term is restricted to unknown coordinates
# by the head; no contact field in the eq. 3 latent; eq. 8 (joint-bone consistency) and eq. 9 (direct projection
# of the visible non-torso joints, ramped in over 1,000 iterations). Eq. 9's rho is a pseudo-Huber of scale delta
# (box sizes), whose slope tends to delta beyond it: its weight 1 / delta = 50 gives it the slope of the L1
# reprojection term (1 per box size) on large residuals and a quadratic bowl below delta (issue 14: at weight 1
# it logged 0.0004-0.0008 against 0.06 and moved nothing).
flow_losses = dict(
    contact=None,
    transl_c=dict(type='CameraTranslationLoss', weight=1.0),  # 0 gradient while tau_c is known (the default)
    consistency=dict(type='JointBoneConsistencyLoss', weight=1.0),
    proj_non_torso=dict(type='ReprojectionLoss', weight=50.0, joints='non_torso', distance='robust', delta=0.02,
                        ramp_iters=1000),
)

anchor_head = dict(
    name='anchor', type='RegressionHead',
    codec=dict(type='GVHMRCodec', fields=anchor_fields),
    backbone=dict(type='RoPETransformer', width=512, depth=12, heads=8, window=120),
    # no root velocity / contact in the anchor; 3D and 2D joint terms on all joints, the limbs from the GT
    losses=dict(transl_w=None, contact=None, joints_c=dict(joints='all'), joints_c_abs=dict(joints='all'), verts_c=None,
                reproj=dict(joints='all')),
    loss_cfg=dict(fill_from_gt=('body_pose_non_torso',)),
)
completion_codec = dict(type='GVHMRCodec', fields=latent_fields, known_fields=known_fields,
                        unknown_fields=unknown_fields)
completion_encoder = dict(type='ConditionEncoder', width=512, feat_dim=64)
completion_backbone = dict(type='RoPETransformer', width=512, depth=12, heads=8, window=120)
flow_completion = dict(
    name='completion', type='FlowMatchingHead', codec=completion_codec, encoder=completion_encoder,
    backbone=completion_backbone, anchor_fields=anchor_condition_fields, anchor_source='previous', losses=flow_losses,
    guidance=dict(scale=1.5, drop_prob=0.1, dropped=('kp_rays', 'img_feat')),
    sampler=dict(solver='euler', steps=50),
    # the network outputs the clean sample; the velocity (D - z_t) / (1 - t) is the same in training and sampling
    prediction='data',
    # Balance of eq. 7 against the geometry losses (docs/factorizedhmr.md, "Loss balance"): eq. 7 is weighted by
    # min(1, ((1 - t) / weight_floor)^2), so the clean-sample error weighs at most 1 / 0.2^2 = 25; with a floor of
    # 0.05 and weight 1 the flow term's gradient was ~20x the geometry losses' and clipping (max_norm 1) shrank the rest.
    fm_weight=0.1, weight_floor=0.2,
)
# Stage 2's encoder, token projection and transformer start from the trained Stage 1 (same sizes), in the
# Stage-2 phase.
stage2_init_hook = dict(type='CopyWeightsHook', copies=[('encoder', 'stages.1.encoder'),
                                                        ('stages.0.in_proj', 'stages.1.in_proj'),
                                                        ('stages.0.backbone', 'stages.1.backbone')])
# The ablation's completion head: the same codec, encoder, backbone and anchor conditioning, regressed.
regression_completion = dict(
    name='completion', type='RegressionHead', codec=completion_codec, encoder=completion_encoder,
    backbone=completion_backbone, anchor_fields=anchor_condition_fields,
    losses=dict(contact=None, consistency=dict(type='JointBoneConsistencyLoss', weight=1.0),
                proj_non_torso=dict(type='ReprojectionLoss', weight=50.0, joints='non_torso', distance='robust',
                                    delta=0.02)),
)
model = dict(
    type='Recoverer',
    encoder=dict(type='ConditionEncoder', width=512, feat_dim=64),
    stages=[anchor_head, flow_completion],
    body_model=dict(type='EmbeddedSMPLX'),
    window=120,
    overlap=30,
    run_stages=None,  # 1 = evaluate the Stage-1 anchor alone (paper Table 5, first row)
    num_samples=1,  # hypotheses per sequence at test time (S > 1 adds min-of-S, diversity, ...)
)
codec_stats = dict(num_windows=256, batch_size=32)
