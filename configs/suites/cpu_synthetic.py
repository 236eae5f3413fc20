# The leaderboard of docs/leaderboard.md: every paradigm's shipped CPU-size model of the keypoint-only track (trained
# on the procedural + real CMU mix), on the synthetic benchmark's clean and heavy test splits, plus RoHM's
# 3D-observation track (paper 5.3: Occ-L, noise level 3) for the methods that take motion in.
# Regenerate: python tools/compare.py configs/suites/cpu_synthetic.py (format: unihmr/apis/suite.py).
regression = 'configs/gvhmr/gvhmr_cpu_keypoints_mixed.py'
regression_checkpoint = 'checkpoints/gvhmr_cpu_keypoints_mixed/model.pth'
rohm_steps = 'model.num_steps=100'  # PoseNet steps of RoHM's documented operating point (docs/rohm.md, Tables 1 and 4)

splits = dict(
    synthetic_clean=dict(test_set='synthetic_clean'),
    synthetic_heavy=dict(test_set='synthetic_heavy'),
    observation=dict(own=True, default=False),  # the RoHM configs' own test set: Occ-L at noise level 3
)
entries = [
    dict(name='regression', paradigm='deterministic regression (GVHMR-style)', config=regression,
         checkpoint=regression_checkpoint),
    dict(name='FactorizedHMR', paradigm='masked flow matching', config=(
        'configs/factorizedhmr/factorizedhmr_cpu_keypoints_mixed.py'),
         checkpoint='checkpoints/factorizedhmr_cpu_keypoints_mixed/model.pth'),
    dict(name='MoRo', paradigm='VQ masked tokens', config='configs/moro/moro_cpu_keypoints_mixed.py',
         checkpoint='checkpoints/moro_cpu_keypoints_mixed/model.pth'),
    dict(name='regression + ScoreHMR', paradigm='DDIM-inversion refinement',
         config='configs/scorehmr/gvhmr_scorehmr_cpu_keypoints_mixed.py', checkpoint=regression_checkpoint),
    dict(name='regression + RoHM', paradigm='DDPM with score guidance (refining)',
         config='configs/rohm/gvhmr_rohm_cpu_keypoints_mixed.py', checkpoint=regression_checkpoint,
         overrides=[rohm_steps]),
    dict(name='observed input', paradigm='reference: the corrupted 3D observation itself',
         config='configs/rohm/rohm_cpu_mixed.py', checkpoint='checkpoints/rohm_cpu_mixed/model.pth',
         baseline='observation', splits=['observation']),
    dict(name='RoHM', paradigm='DDPM with score guidance', config='configs/rohm/rohm_cpu_mixed.py',
         checkpoint='checkpoints/rohm_cpu_mixed/model.pth', overrides=[rohm_steps], splits=['observation']),
    dict(name='MDM++', paradigm='DDPM (one network, no guidance)', config='configs/rohm/mdm_cpu_mixed.py',
         checkpoint='checkpoints/mdm_cpu_mixed/model.pth', overrides=[rohm_steps], splits=['observation']),
]
reference = dict(synthetic_clean='regression', synthetic_heavy='regression', observation='observed input')
metrics = dict(
    camera=['mpjpe', 'pa_mpjpe', 'mpjpe_vis', 'mpjpe_occ', 'accel'],
    world=['wa_mpjpe', 'w_mpjpe', 'rte', 'g_mpjpe', 'g_mpjpe_vis', 'g_mpjpe_occ', 'g_accel', 'jitter'],
    physics=['foot_sliding', 'skating_ratio', 'ground_penetration', 'contact_acc'],
    hypotheses=['min_mpjpe', 'mean_mpjpe', 'diversity'],
)
cost_frames = 1193  # FactorizedHMR section 4.2's runtime sequence
