# The body-model demo (`make demo`): pose the embedded SMPL-X body model on a procedural motion sequence
# (segments of random motion families joined by transitions, e.g. walk -> stop -> squat, a wave over a walk).
# `motion.family=kick` shows one family instead; `motion.families=[walk,run,jump]` restricts the draw.
# Swap in the real SMPL-X model with `body_model.type=SMPLXBody +body_model.model_path=/path/SMPLX_NEUTRAL.npz`.
body_model = dict(type='EmbeddedSMPLX')
motion = dict(family=None, families=None, num_frames=150, fps=30.0, seed=14)
betas_scale = 1.0  # betas ~ N(0, betas_scale^2), clipped to [-2.5, 2.5]
output = dict(render_frames=6)
