"""Multi-phase training (FactorizedHMR: Stage 1, then Stage 2 on the frozen Stage 1) with tools/train.py,
resuming across phases, and tools/test.py with several hypotheses."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

REPO = Path(__file__).resolve().parents[1]
CONFIG = str(REPO / 'configs' / 'factorizedhmr' / 'factorizedhmr_cpu_synthetic.py')
TINY = ['model.encoder.width=32', 'model.stages.0.backbone.width=32', 'model.stages.0.backbone.depth=1',
        'model.stages.0.backbone.heads=2', 'model.stages.1.backbone.width=32', 'model.stages.1.backbone.depth=1',
        'model.stages.1.backbone.heads=2', 'model.stages.1.encoder.width=32', 'model.stages.1.sampler.steps=2',
        'train_dataloader.batch_size=2', 'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=false', 'train_dataloader.dataset.window=24',
        'val_dataloader.dataset.num_windows=2', 'val_dataloader.dataset.window=24', 'val_dataloader.batch_size=2',
        'test_dataloader.dataset.num_windows=2', 'test_dataloader.dataset.window=24',
        'codec_stats.num_windows=8', 'codec_stats.batch_size=4', 'default_hooks.checkpoint.interval=2',
        'default_hooks.logger.interval=1',
        'phases.0.train_cfg.max_iters=2', 'phases.0.train_cfg.val_interval=1000',
        'phases.1.train_cfg.max_iters=2', 'phases.1.train_cfg.val_interval=1000']


def _run(args, tool='train.py', timeout=400):
    env = {**os.environ, 'OMP_NUM_THREADS': '1'}
    return subprocess.run([sys.executable, str(REPO / 'tools' / tool), *args], capture_output=True, text=True,
                          timeout=timeout, env=env)


@pytest.fixture(scope='module')
def trained(tmp_path_factory):
    work = tmp_path_factory.mktemp('phases')
    result = _run([CONFIG, *TINY, '--work-dir', str(work)])
    assert result.returncode == 0, result.stderr[-3000:]
    return work


def test_phases_run_in_order_and_stage2_keeps_the_frozen_stage1(trained):
    first = json.loads((trained / 'stage1' / 'phase_done.json').read_text())
    second = json.loads((trained / 'stage2' / 'phase_done.json').read_text())
    assert first['checkpoint'].endswith('iter_2.pth') and second['checkpoint'].endswith('iter_2.pth')
    stage1 = torch.load(first['checkpoint'], weights_only=True)['state_dict']
    stage2 = torch.load(second['checkpoint'], weights_only=True)['state_dict']
    anchor = [key for key in stage1 if key.startswith(('stages.0.', 'encoder.'))]
    assert anchor and all(torch.equal(stage1[key], stage2[key]) for key in anchor)  # frozen in phase 2
    flow = [key for key in stage1 if key.startswith('stages.1.') and key.endswith('weight')]
    assert any(not torch.equal(stage1[key], stage2[key]) for key in flow)  # trained in phase 2
    assert int(stage2['stages.1.loss_set.train_step']) == 2
    phase2_log = next((trained / 'stage2').glob('*/*.log')).read_text()
    assert "initialised" in phase2_log and "'stages.1.backbone' from 'stages.0.backbone'" in phase2_log


def test_resume_skips_finished_phases(trained):
    before = (trained / 'stage2' / 'phase_done.json').stat().st_mtime
    result = _run([CONFIG, *TINY, '--resume', '--work-dir', str(trained)])
    assert result.returncode == 0, result.stderr[-3000:]
    assert (trained / 'stage2' / 'phase_done.json').stat().st_mtime == before
    assert 'Iter(train)' not in result.stdout + result.stderr


def test_test_tool_reports_multi_sample_metrics(trained, tmp_path):
    out = tmp_path / 'results.json'
    checkpoint = json.loads((trained / 'stage2' / 'phase_done.json').read_text())['checkpoint']
    result = _run([CONFIG, checkpoint, *TINY, 'model.num_samples=3', '--out', str(out)], tool='test.py')
    assert result.returncode == 0, result.stderr[-3000:]
    metrics = json.loads(out.read_text())
    for key in ('mpjpe', 'pa_mpjpe', 'mpjpe_nontorso', 'min_mpjpe', 'mean_mpjpe', 'diversity', 'uncertainty_corr'):
        assert key in metrics
    assert metrics['min_mpjpe'] <= metrics['mean_mpjpe']


def test_test_tool_seed_sets_the_sampling_noise(trained, tmp_path):
    checkpoint = json.loads((trained / 'stage2' / 'phase_done.json').read_text())['checkpoint']
    runs = []
    for index, seed in enumerate((0, 0, 1)):
        out = tmp_path / f'{index}.json'
        result = _run([CONFIG, checkpoint, *TINY, '--seed', str(seed), '--out', str(out)], tool='test.py')
        assert result.returncode == 0, result.stderr[-3000:]
        runs.append(json.loads(out.read_text())['mpjpe_nontorso'])
    assert runs[0] == runs[1] != runs[2]


def test_gt_anchor_reference_completes_the_ground_truth_torso(trained, tmp_path):
    checkpoint = json.loads((trained / 'stage2' / 'phase_done.json').read_text())['checkpoint']
    results = {}
    for name, extra in (('model', []), ('gt_anchor', ['--baseline', 'gt_anchor'])):
        out = tmp_path / f'{name}.json'
        result = _run([CONFIG, checkpoint, *TINY, *extra, '--out', str(out)], tool='test.py')
        assert result.returncode == 0, result.stderr[-3000:]
        results[name] = json.loads(out.read_text())
    # torso joints come from the anchor (torso pose, shape, camera-frame root): exact when it is the GT
    assert results['gt_anchor']['mpjpe_torso'] < 1.0 < results['model']['mpjpe_torso']
    assert results['gt_anchor']['mpjpe_nontorso'] > 1.0  # Stage 2 (barely trained) still completes the limbs
    single = _run([str(REPO / 'configs' / 'gvhmr' / 'gvhmr_cpu_synthetic.py'),
                   str(REPO / 'checkpoints' / 'gvhmr_cpu_synthetic' / 'model.pth'), '--baseline', 'gt_anchor',
                   '--out', str(tmp_path / 'single.json')], tool='test.py')
    assert single.returncode == 2 and 'at least two stages' in single.stderr


def test_demo_draws_several_hypotheses(trained, tmp_path):
    import numpy as np
    checkpoint = json.loads((trained / 'stage2' / 'phase_done.json').read_text())['checkpoint']
    demo = str(REPO / 'configs' / 'demo' / 'recover_factorizedhmr_synthetic.py')
    result = _run([demo, *TINY, f'demo.checkpoint={checkpoint}', 'demo.num_frames=40', 'demo.animation_step=20',
                   'demo.num_samples=3', '--work-dir', str(tmp_path)], tool='demo.py')
    assert result.returncode == 0, result.stderr[-3000:]
    hypotheses = np.load(tmp_path / 'recovered.npz')['hypotheses_joints_c']
    assert hypotheses.shape == (3, 40, 22, 3) and np.abs(hypotheses[0] - hypotheses[1]).max() > 0
    metrics = json.loads((tmp_path / 'metrics.json').read_text())
    assert metrics['min_mpjpe'] <= metrics['mean_mpjpe'] and metrics['diversity'] > 0


def test_publish_ships_the_last_phase_and_an_anchor_that_an_ablation_starts_from(trained, tmp_path):
    shipped = tmp_path / 'shipped'
    result = subprocess.run([sys.executable, str(REPO / 'tools' / 'publish_checkpoint.py'), str(trained),
                             str(shipped)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert {p.name for p in shipped.iterdir()} == {'model.pth', 'config.py', 'train_stage1.log', 'train_stage2.log'}
    result = subprocess.run([sys.executable, str(REPO / 'tools' / 'publish_checkpoint.py'), str(trained),
                             str(shipped), '--keep', 'encoder.', 'stages.0.', '--name', 'anchor.pth',
                             '--weights-only'], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    anchor = torch.load(shipped / 'anchor.pth', weights_only=True)['state_dict']
    assert anchor and all(key.startswith(('encoder.', 'stages.0.')) for key in anchor)
    # the same anchor cut out of the shipped weights file (a shipped model has no work dir)
    result = subprocess.run([sys.executable, str(REPO / 'tools' / 'publish_checkpoint.py'), str(shipped / 'model.pth'),
                             str(tmp_path / 'cut'), '--keep', 'encoder.', 'stages.0.', '--name', 'anchor.pth',
                             '--weights-only'], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    cut = torch.load(tmp_path / 'cut' / 'anchor.pth', weights_only=True)['state_dict']
    assert cut.keys() == anchor.keys() and all(torch.equal(cut[key], anchor[key]) for key in cut)
    result = subprocess.run([sys.executable, str(REPO / 'tools' / 'publish_checkpoint.py'), str(trained),
                             str(shipped), '--name', 'half.pth', '--weights-only', '--half'], capture_output=True, text=True)
    full = torch.load(shipped / 'model.pth', weights_only=True)['state_dict']
    half = torch.load(shipped / 'half.pth', weights_only=True)['state_dict']
    assert result.returncode == 0 and half.keys() == full.keys()
    for key, value in half.items():  # networks in float16 (rounded), codec statistics exact
        expected = full[key] if '.codec.' in key or not value.is_floating_point() else full[key].half()
        assert value.dtype == expected.dtype and torch.equal(value, expected), key
    # the Table-5 ablation trains a new Stage 2 on that frozen anchor
    ablation = str(REPO / 'configs' / 'factorizedhmr' / 'ablations' / 'stage2_plain_cpu_synthetic.py')
    work = tmp_path / 'ablation'
    result = _run([ablation, *TINY[:-4], 'phases.0.train_cfg.max_iters=1', f'load_from={shipped / "anchor.pth"}',
                   '--work-dir', str(work)])
    assert result.returncode == 0, result.stderr[-3000:]
    trained_state = torch.load(work / 'stage2' / 'iter_1.pth', weights_only=True)['state_dict']
    assert all(torch.equal(trained_state[key], value) for key, value in anchor.items())
    assert trained_state['stages.1.codec.mean'].shape[0] < torch.load(
        shipped / 'model.pth', weights_only=True)['state_dict']['stages.1.codec.mean'].shape[0]  # no joint fields


def test_steps_sweep_writes_a_curve(trained, tmp_path):
    checkpoint = json.loads((trained / 'stage2' / 'phase_done.json').read_text())['checkpoint']
    result = _run([CONFIG, checkpoint, *TINY, '--steps', '1', '3', '--out', str(tmp_path)], tool='sweep_steps.py')
    assert result.returncode == 0, result.stderr[-3000:]
    rows = json.loads((tmp_path / 'steps.json').read_text())
    assert [row['steps'] for row in rows] == [1, 3] and rows[0]['mpjpe'] != rows[1]['mpjpe']
    assert (tmp_path / 'steps.png').read_bytes()[:4] == b'\x89PNG'
    bad = _run([CONFIG, checkpoint, *TINY, '--steps', '0', '--out', str(tmp_path)], tool='sweep_steps.py')
    assert bad.returncode == 2 and 'positive' in bad.stderr


def test_an_override_that_each_phase_sets_again_is_refused(tmp_path):
    """``train_cfg.max_iters=3`` on a phased config would be ignored (each phase sets its own): exit 2 before any
    work, naming the per-phase keys."""
    result = _run([CONFIG, 'train_cfg.max_iters=3', '--work-dir', str(tmp_path / 'run')])
    assert result.returncode == 2 and 'phases.0.train_cfg.max_iters (stage1: 4500)' in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not (tmp_path / 'run').exists()
    from unihmr.apis.config import load_config
    from unihmr.apis.training import check_phase_overrides
    check_phase_overrides(load_config(CONFIG), ['phases.0.train_cfg.max_iters=3', 'model.encoder.width=32'])  # fine
