# The leaderboard of docs/leaderboard.md: every paradigm's shipped CPU-size model of the keypoint-only track (trained
# on the procedural + real CMU mix), on the synthetic benchmark's clean and heavy test splits, plus RoHM's
# 3D-observation track (paper 5.3: Occ-L, noise level 3) for the methods that take motion in.
# Regenerate: python tools/compare.py configs/suites/cpu_synthetic.py (format: unihmr/apis/suite.py).
regression = 'configs/gvhmr/gvhmr_cpu_keypoints_mixed.py'
regression_checkpoint = 'checkpoints/gvhmr_cpu_keypoints_mixed/model.pth'
factorizedhmr = 'configs/factorizedhmr/factorizedhmr_cpu_keypoints_mixed.py'
factorizedhmr_checkpoint = 'checkpoints/factorizedhmr_cpu_keypoints_mixed/model.pth'
moro = 'configs/moro/moro_cpu_keypoints_mixed.py'
moro_checkpoint = 'checkpoints/moro_cpu_keypoints_mixed/model.pth'
hypothesis_windows = 16
mix_windows = 32  # the refining mixes (ScoreHMR, RoHM) on the first 32 heavy windows: the suite stays under an hour
rohm_steps = 'model.num_steps=100'  # PoseNet steps of RoHM's documented operating point (docs/rohm.md, Tables 1 and 4)

splits = dict(
    synthetic_clean=dict(test_set='synthetic_clean'),
    synthetic_heavy=dict(test_set='synthetic_heavy'),
    observation=dict(own=True, default=False),  # the RoHM configs' own test set: Occ-L at noise level 3
    # where the sweeps run and the operating points are chosen: the validation stream, never the test windows
    validation_heavy=dict(test_set='synthetic_val_heavy', default=False),
    observation_val=dict(own=True, default=False, overrides=['test_dataloader.dataset.dataset.split=val']),
)
entries = [
    dict(name='regression', paradigm='deterministic regression (GVHMR-style)', config=regression,
         checkpoint=regression_checkpoint),
    dict(name='FactorizedHMR', paradigm='masked flow matching', config=factorizedhmr,
         checkpoint=factorizedhmr_checkpoint),
    dict(name='MoRo', paradigm='VQ masked tokens', config=moro, checkpoint=moro_checkpoint),
    dict(name='regression + ScoreHMR', paradigm='DDIM-inversion refinement',
         config='configs/scorehmr/gvhmr_scorehmr_cpu_keypoints_mixed.py', checkpoint=regression_checkpoint),
    dict(name='regression + RoHM', paradigm='DDPM with score guidance (refining)',
         config='configs/rohm/gvhmr_rohm_cpu_keypoints_mixed.py', checkpoint=regression_checkpoint,
         overrides=[rohm_steps]),
    # mixes across papers (docs/mixing.md): the heavy split, where the refiners' infilling matters
    dict(name='FactorizedHMR + ScoreHMR', paradigm='mix: flow matching, then DDIM-inversion refinement',
         config='configs/mixes/factorizedhmr_scorehmr_cpu_keypoints_mixed.py', checkpoint=factorizedhmr_checkpoint,
         splits=['synthetic_heavy'], num_windows=mix_windows),
    dict(name='MoRo + ScoreHMR', paradigm='mix: VQ masked tokens, then DDIM-inversion refinement',
         config='configs/mixes/moro_scorehmr_cpu_keypoints_mixed.py', checkpoint=moro_checkpoint,
         splits=['synthetic_heavy'], num_windows=mix_windows),
    dict(name='regression + RoHM + ScoreHMR', paradigm='mix: regression, DDPM refinement, DDIM-inversion refinement',
         config='configs/mixes/rohm_scorehmr_cpu_keypoints_mixed.py', checkpoint=regression_checkpoint,
         splits=['synthetic_heavy'], num_windows=mix_windows),
    dict(name='FactorizedHMR + RoHM', paradigm='mix: flow matching, then DDPM refinement',
         config='configs/mixes/factorizedhmr_rohm_cpu_keypoints_mixed.py', checkpoint=factorizedhmr_checkpoint,
         splits=['synthetic_heavy'], num_windows=mix_windows),
    dict(name='MoRo + RoHM', paradigm='mix: VQ masked tokens, then DDPM refinement',
         config='configs/mixes/moro_rohm_cpu_keypoints_mixed.py', checkpoint=moro_checkpoint,
         splits=['synthetic_heavy'], num_windows=mix_windows),
    dict(name='FactorizedHMR + ScoreHMR + RoHM skating', paradigm='mix: flow matching, then DDIM-inversion refinement '
         'with a foot-skating energy', config='configs/mixes/factorizedhmr_scorehmr_skating_cpu_keypoints_mixed.py',
         checkpoint=factorizedhmr_checkpoint, splits=['synthetic_heavy'], num_windows=mix_windows),
    # components swapped inside FactorizedHMR: a DDPM head in the Stage-2 slot; RoHM's energies inside the flow
    dict(name='FactorizedHMR, DDPM completion', paradigm='mix: DDPM completion head on the flow head\'s anchor',
         config='configs/mixes/factorizedhmr_ddpm_cpu_keypoints_mixed.py',
         checkpoint='checkpoints/factorizedhmr_ddpm_cpu_keypoints_mixed/model.pth'),
    dict(name='FactorizedHMR + RoHM guidance', paradigm='mix: flow matching guided by RoHM\'s energies',
         config='configs/mixes/factorizedhmr_rohm_guidance_cpu_keypoints_mixed.py', checkpoint=factorizedhmr_checkpoint),
    # S = 8 hypotheses in one batched pass (min-of-S, diversity, calibration), on the first 16 heavy windows
    dict(name='FactorizedHMR, S = 8', paradigm='masked flow matching', config=factorizedhmr,
         checkpoint=factorizedhmr_checkpoint, overrides=['model.num_samples=8'], splits=['synthetic_heavy'],
         num_windows=hypothesis_windows),
    dict(name='MoRo, S = 8', paradigm='VQ masked tokens (the first greedy, 7 at temperature 1)', config=moro,
         checkpoint=moro_checkpoint, overrides=['model.num_samples=8'], splits=['synthetic_heavy'],
         num_windows=hypothesis_windows),
    # RoHM's 3D-observation track (paper 5.3)
    dict(name='observed input', paradigm='reference: the corrupted 3D observation itself',
         config='configs/rohm/rohm_cpu_mixed.py', checkpoint='checkpoints/rohm_cpu_mixed/model.pth',
         baseline='observation', splits=['observation']),
    dict(name='RoHM', paradigm='DDPM with score guidance', config='configs/rohm/rohm_cpu_mixed.py',
         checkpoint='checkpoints/rohm_cpu_mixed/model.pth', overrides=[rohm_steps], splits=['observation']),
    dict(name='MDM++', paradigm='DDPM (one network, no guidance)', config='configs/rohm/mdm_cpu_mixed.py',
         checkpoint='checkpoints/mdm_cpu_mixed/model.pth', overrides=[rohm_steps], splits=['observation']),
    dict(name='RoHM, S = 4', paradigm='DDPM with score guidance', config='configs/rohm/rohm_cpu_mixed.py',
         checkpoint='checkpoints/rohm_cpu_mixed/model.pth', overrides=[rohm_steps, '+model.num_samples=4'],
         splits=['observation'], num_windows=hypothesis_windows),
]
reference = dict(synthetic_clean='regression', synthetic_heavy='regression', observation='observed input',
                 validation_heavy='regression')
metrics = dict(
    camera=['mpjpe', 'pa_mpjpe', 'mpjpe_vis', 'mpjpe_occ', 'accel'],
    world=['wa_mpjpe', 'w_mpjpe', 'rte', 'g_mpjpe', 'g_mpjpe_vis', 'g_mpjpe_occ', 'g_accel', 'jitter'],
    physics=['foot_sliding', 'skating_ratio', 'ground_penetration', 'contact_acc'],
    hypotheses=['min_mpjpe', 'mean_mpjpe', 'diversity', 'uncertainty_corr_vis', 'uncertainty_corr_occ'],
    calibration=['calibration_vis_k0.5', 'calibration_vis_k1', 'calibration_vis_k2', 'calibration_vis_k3',
                 'calibration_occ_k0.5', 'calibration_occ_k1', 'calibration_occ_k2', 'calibration_occ_k3'],
)
cost_frames = 1193  # FactorizedHMR section 4.2's runtime sequence

# Accuracy against compute (docs/images/pareto_<split>.png): each generative entry at several budgets on the first
# sweep_windows windows of a validation split (each curve's knee is where its operating point is chosen). Points add their overrides after the entry's own (so a key the entry already set, such as
# RoHM's model.num_steps, takes no '+').
sweep_windows = 16
sweep_metric = dict(validation_heavy='mpjpe', observation_val='g_mpjpe')
euler = [(f'Euler {n}', [f'+model.num_steps={n}']) for n in (1, 2, 5, 10, 20, 50, 100)]
rk4 = [(f'RK4 {n}', [f'+model.num_steps={n}', 'model.stages.1.sampler.solver=rk4']) for n in (1, 2, 5, 10)]
ddpm = [(f'DDPM {n}', [f'+model.num_steps={n}']) for n in (1000, 250, 100, 50, 20, 10)]
ddim = [(f'DDIM {n}', [f'+model.num_steps={n}', 'model.stages.1.kind=ddim']) for n in (50, 10)]
sweeps = {
    'FactorizedHMR': dict(split='validation_heavy', points=euler + rk4),  # 1-100 ODE steps, two solvers
    'FactorizedHMR, DDPM completion': dict(split='validation_heavy', points=ddpm + ddim),
    'MoRo': dict(split='validation_heavy', points=[(f'T = {n}', [f'model.num_steps={n}']) for n in (1, 2, 5, 10, 20)]),
    'regression + ScoreHMR': dict(split='validation_heavy', points=[  # rounds of inversion + guided denoising, and tau
        ('1 round', ['model.stages.1.max_rounds=1']), ('3 rounds', ['model.stages.1.max_rounds=3']),
        ('10 rounds', []), ('tau 20', ['model.stages.1.tau=20']), ('tau 100', ['model.stages.1.tau=100'])]),
    'RoHM': dict(split='observation_val', points=[(f'DDPM {n}', [f'model.num_steps={n}']) for n in (1000, 250, 100, 50, 20)]
                 + [(f'DDIM {n}', [f'model.num_steps={n}', 'model.stages.0.kind=ddim']) for n in (100, 20)]),
}
