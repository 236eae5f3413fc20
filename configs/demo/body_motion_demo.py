# The body-model demo (`make demo`): pose the embedded SMPL-X body model on a procedural walk.
# Swap in the real SMPL-X model with `body_model.type=SMPLXBody +body_model.model_path=/path/SMPLX_NEUTRAL.npz`.
body_model = dict(type='EmbeddedSMPLX')
motion = dict(family='walk', num_frames=90, fps=30.0, seed=0)
betas_scale = 1.0  # betas ~ N(0, betas_scale^2), clipped to [-2.5, 2.5]
output = dict(render_frames=5)
