"""ScoreHMR with the repo's tools: the prior trains with tools/train.py, and tools/test.py evaluates the
regression model followed by the ScoreHMR refiner (the prior loaded from its own checkpoint)."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

REPO = Path(__file__).resolve().parents[1]
PRIOR = str(REPO / 'configs' / 'scorehmr' / 'scorehmr_prior_cpu_synthetic.py')
REFINED = str(REPO / 'configs' / 'scorehmr' / 'gvhmr_scorehmr_cpu_synthetic.py')
REGRESSION = str(REPO / 'configs' / 'gvhmr' / 'gvhmr_cpu_synthetic.py')
DATA = ['train_dataloader.batch_size=2', 'train_dataloader.num_workers=0', 'train_dataloader.persistent_workers=false',
        'train_dataloader.dataset.window=24', 'codec_stats.num_windows=8', 'codec_stats.batch_size=4',
        'default_hooks.checkpoint.interval=2', 'default_hooks.logger.interval=1']
PRIOR_TINY = ['model.stages.0.denoiser.width=32', 'model.stages.0.denoiser.hidden=32', 'train_cfg.max_iters=2',
              'train_dataloader.dataset.num_windows=8']  # the config caches 3,000 windows: ~1 min here
STAGE_TINY = ['model.encoder.width=32', 'model.stages.0.backbone.width=32', 'model.stages.0.backbone.depth=1',
              'model.stages.0.backbone.heads=2']


def _run(args, tool='train.py'):
    env = {**os.environ, 'OMP_NUM_THREADS': '1'}
    return subprocess.run([sys.executable, str(REPO / 'tools' / tool), *args], capture_output=True, text=True,
                          timeout=400, env=env)


@pytest.fixture(scope='module')
def checkpoints(tmp_path_factory):
    work = tmp_path_factory.mktemp('scorehmr')
    prior = _run([PRIOR, *DATA, *PRIOR_TINY, '--work-dir', str(work / 'prior')])
    assert prior.returncode == 0, prior.stderr[-3000:]
    stage = _run([REGRESSION, *DATA, *STAGE_TINY, 'train_cfg.max_iters=2', 'train_cfg.val_interval=1000',
                  '--work-dir', str(work / 'stage')])
    assert stage.returncode == 0, stage.stderr[-3000:]
    return work / 'prior' / 'iter_2.pth', work / 'stage' / 'iter_2.pth'


def test_prior_checkpoint_holds_the_denoiser_and_raw_codec_statistics(checkpoints):
    """The training tool fits codec statistics for every trained stage; the prior's codec keeps its 6D values raw
    (issue 14: ScoreHMR diffuses rotations), so they stay mean 0, std 1."""
    state = torch.load(checkpoints[0], weights_only=True)['state_dict']
    assert any(key.startswith('stages.0.denoiser.') for key in state)
    std, mean = state['stages.0.codec.std'], state['stages.0.codec.mean']
    assert std.shape == (132,) and torch.equal(std, torch.ones_like(std)) and torch.equal(mean, torch.zeros_like(mean))


def test_regression_plus_scorehmr_evaluates_with_the_regression_checkpoint(checkpoints, tmp_path):
    prior, stage = checkpoints
    out = tmp_path / 'refined.json'
    refiner = ['model.stages.1.prior.denoiser.width=32', 'model.stages.1.prior.denoiser.hidden=32',
               f'model.stages.1.prior_checkpoint={prior}', 'model.stages.1.max_rounds=1',
               'model.stages.1.tau=10', 'model.stages.1.step=5',
               'test_dataloader.dataset.num_windows=2', 'test_dataloader.dataset.window=24']
    result = _run([REFINED, str(stage), *STAGE_TINY, *refiner, '--out', str(out)], tool='test.py')
    assert result.returncode == 0, result.stderr[-3000:]
    assert {'pa_mpjpe', 'accel', 'mpjpe_nontorso'} <= set(json.loads(out.read_text()))
    missing = _run([REFINED, str(stage), *STAGE_TINY, *refiner[:2], 'model.stages.1.prior_checkpoint=nowhere.pth',
                    '--out', str(out)], tool='test.py')
    assert missing.returncode == 2 and 'prior checkpoint not found' in missing.stderr


def test_steps_sweep_takes_the_refiner_and_refuses_a_deterministic_model(checkpoints, tmp_path):
    """``tools/sweep_steps.py`` takes any generative stage (here the refiner's DDIM steps from tau), not only the
    flow head; a model without one is refused with exit code 2."""
    prior, stage = checkpoints
    refiner = ['model.stages.1.prior.denoiser.width=32', 'model.stages.1.prior.denoiser.hidden=32',
               f'model.stages.1.prior_checkpoint={prior}', 'model.stages.1.max_rounds=1', 'model.stages.1.tau=10',
               'model.stages.1.step=5', 'test_dataloader.dataset.num_windows=2', 'test_dataloader.dataset.window=24']
    result = _run([REFINED, str(stage), *STAGE_TINY, *refiner, '--steps', '1', '5', '--out', str(tmp_path)],
                  tool='sweep_steps.py')
    assert result.returncode == 0, result.stderr[-3000:]
    rows = json.loads((tmp_path / 'steps.json').read_text())
    assert [row['steps'] for row in rows] == [1, 5] and rows[0]['reproj_px'] != rows[1]['reproj_px']
    plain = _run([REGRESSION, str(stage), *STAGE_TINY, 'test_dataloader.dataset.num_windows=2', '--steps', '1',
                  '--out', str(tmp_path)], tool='sweep_steps.py')
    assert plain.returncode == 2 and 'no generative' in plain.stderr
