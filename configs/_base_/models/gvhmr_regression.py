# GVHMR-style deterministic regression (FactorizedHMR section 3.2 follows it): condition encoder ->
# RoPE transformer -> GVHMR codec (body pose, betas, camera / gravity-view root orientation, root
# velocity, weak-perspective camera, contacts). Paper size: width 512, depth 12, heads 8.
model_width = 512
model = dict(
    type='Recoverer',
    encoder=dict(type='ConditionEncoder', width=model_width, feat_dim=64),
    stages=[dict(name='regression', type='RegressionHead', codec=dict(type='GVHMRCodec'),
                 backbone=dict(type='RoPETransformer', width=model_width, depth=12, heads=8, window=120))],
    body_model=dict(type='EmbeddedSMPLX'),
    window=120,
    overlap=30,
    num_samples=1,  # hypotheses per sequence at test time (S > 1 adds min-of-S, diversity, ...)
)
codec_stats = dict(num_windows=256, batch_size=32)
