"""tools/compare.py: a suite of methods evaluated on the same splits, paired against a reference, timed in one run,
written as a leaderboard; resumable through fingerprinted per-entry results."""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from unihmr.apis.compare import NetworkCalls, fingerprint, paired_rows, slug
from unihmr.apis.leaderboard import _difference
from unihmr.apis.suite import load_suite
from unihmr.models.windowing import window_spans
from unihmr.registry import BACKBONES
from unihmr.utils.validation import UserInputError

REPO = Path(__file__).resolve().parents[1]
TOOL = REPO / 'tools' / 'compare.py'
REGRESSION = dict(name='regression', paradigm='deterministic regression',
                  config='configs/gvhmr/gvhmr_cpu_keypoints_mixed.py',
                  checkpoint='checkpoints/gvhmr_cpu_keypoints_mixed/model.pth')
FLOW = dict(name='FactorizedHMR', paradigm='masked flow matching',
            config='configs/factorizedhmr/factorizedhmr_cpu_keypoints_mixed.py',
            checkpoint='checkpoints/factorizedhmr_cpu_keypoints_mixed/model.pth', overrides=['+model.num_steps=2'])
COST_FRAMES = 150  # two windows of 120 frames with 30 of overlap


def write_suite(path: Path, entries=(REGRESSION, FLOW), **extra) -> Path:
    body = dict(splits=dict(synthetic_heavy=dict(test_set='synthetic_heavy')), entries=list(entries),
                reference=dict(synthetic_heavy='regression'),
                metrics=dict(camera=['mpjpe', 'pa_mpjpe', 'mpjpe_occ'], world=['jitter']),
                num_windows=1, cost_frames=COST_FRAMES, sweep_windows=1,
                sweeps=dict(FactorizedHMR=dict(split='synthetic_heavy', points=[('1 step', ['model.num_steps=1']),
                                                                                ('3 steps', ['model.num_steps=3'])])))
    body.update(extra)
    path.write_text(''.join(f'{key} = {value!r}\n' for key, value in body.items()))
    return path


def run_tool(*args):
    return subprocess.run([sys.executable, str(TOOL), *map(str, args)], capture_output=True, text=True, cwd=REPO)


@pytest.mark.slow
def test_tiny_suite_end_to_end_then_resumes_only_what_changed(tmp_path):
    suite = write_suite(tmp_path / 'tiny.py')
    doc, results = tmp_path / 'board' / 'leaderboard.md', tmp_path / 'results'
    first = run_tool(suite, '--doc', doc, '--results-dir', results)
    assert first.returncode == 0, first.stderr
    report = json.loads(doc.with_suffix('.json').read_text())
    assert report['windows'] == {'synthetic_heavy': {'regression': 1, 'FactorizedHMR': 1}}
    stored = {name: json.loads((results / slug(name) / 'synthetic_heavy.json').read_text())
              for name in ('regression', 'FactorizedHMR')}
    for name, document in stored.items():
        assert report['results']['synthetic_heavy'][name] == document['metrics']
        # the per-sequence CSV holds the one window, and its frame-pooled mpjpe is the JSON's
        rows = (results / slug(name) / 'synthetic_heavy.csv').read_text().splitlines()
        assert len(rows) == 2 and rows[0].startswith('seq_id,num_frames')
        header, values = rows[0].split(','), rows[1].split(',')
        assert float(values[header.index('mpjpe')]) == pytest.approx(document['metrics']['mpjpe'], rel=1e-5)
    # one window: n = 1 pair, the difference is exact and has no interval
    pair = report['paired']['synthetic_heavy']['FactorizedHMR']['mpjpe']
    metrics = report['results']['synthetic_heavy']
    assert pair['n'] == 1 and pair['diff'] == pytest.approx(metrics['FactorizedHMR']['mpjpe'] - metrics['regression']['mpjpe'])
    # cost: the regression calls its transformer once per window of the timed sequence; the flow head adds its
    # Stage-1 anchor and 2 ODE steps per window (FactorizedHMR: one Stage-1 pass, then num_steps Stage-2 passes)
    windows = len(window_spans(COST_FRAMES, 120, 30))
    assert report['cost']['regression']['network_evaluations'] == windows
    assert report['cost']['FactorizedHMR']['network_evaluations'] == windows * (1 + 2)
    text = doc.read_text()
    assert '## synthetic_heavy' in text and '| FactorizedHMR |' in text and 'seconds (150 frames)' in text
    # accuracy against compute: one point per sweep setting, the reference on the same window, a figure
    sweep = report['sweeps']['synthetic_heavy']
    points = sweep['curves']['FactorizedHMR']
    assert [p['label'] for p in points] == ['1 step', '3 steps'] and set(sweep['reference']) == {'regression'}
    assert sweep['reference']['regression']['mpjpe'] == pytest.approx(metrics['regression']['mpjpe'])  # same window
    cheapest_good = min((p for p in points if p['mpjpe'] <= 1.01 * min(q['mpjpe'] for q in points)),
                        key=lambda p: p['seconds_per_window'])
    assert sweep['knees']['FactorizedHMR'] == cheapest_good['label']
    assert (doc.parent / 'images' / 'pareto_synthetic_heavy.png').stat().st_size > 10000
    assert '![error against seconds, synthetic_heavy](images/pareto_synthetic_heavy.png)' in text

    rendered = run_tool(suite, '--doc', doc, '--render-only')  # the markdown again from the JSON, nothing evaluated
    assert rendered.returncode == 0, rendered.stderr
    assert doc.read_text() == text

    mtimes = {name: (results / slug(name) / 'synthetic_heavy.json').stat().st_mtime_ns for name in stored}
    (results / 'factorizedhmr' / 'synthetic_heavy.json').unlink()  # as if killed before this evaluation finished
    second = run_tool(suite, '--doc', doc, '--results-dir', results, '--no-cost')
    assert second.returncode == 0, second.stderr
    assert (results / 'regression' / 'synthetic_heavy.json').stat().st_mtime_ns == mtimes['regression']
    again = json.loads((results / 'factorizedhmr' / 'synthetic_heavy.json').read_text())
    assert again['metrics'] == stored['FactorizedHMR']['metrics']  # same seed, same numbers
    # a changed operating point is a different evaluation: its fingerprint no longer matches (so it is redone)
    loaded = load_suite(suite, REPO)
    flow, split = loaded.entries[1], loaded.splits['synthetic_heavy']
    assert fingerprint(flow, split, 1, 0, REPO) == again['fingerprint']
    assert fingerprint(flow._replace(overrides=('+model.num_steps=1',)), split, 1, 0, REPO) != again['fingerprint']
    assert fingerprint(flow, split, 2, 0, REPO) != again['fingerprint']  # another window count
    assert not list(tmp_path.rglob('*.tmp*'))  # nothing half-written


@pytest.mark.parametrize('change, message', [
    (dict(reference=dict(synthetic_heavy='nobody')), "reference.synthetic_heavy: no entry 'nobody'"),
    (dict(entries=[REGRESSION, REGRESSION]), "entry name 'regression' appears more than once"),
    (dict(entries=[dict(REGRESSION, checkpoint='checkpoints/none.pth')]), 'checkpoint checkpoints/none.pth not found'),
    (dict(entries=[dict(REGRESSION, splits=['real_heavy'])]), "unknown split 'real_heavy'"),
    (dict(splits=dict(synthetic_heavy=dict(test_set='heavy'))), "splits.synthetic_heavy.test_set: unknown 'heavy'"),
    (dict(entries=[dict(REGRESSION, baseline='oracle')]), "baseline: unknown 'oracle'"),
    (dict(num_windows=0), 'num_windows: expected a positive integer'),
])
def test_a_bad_suite_names_file_and_key(tmp_path, change, message):
    suite = write_suite(tmp_path / 'bad.py', **change)
    with pytest.raises(UserInputError, match='bad.py') as error:
        load_suite(suite, REPO)
    assert message in str(error.value)


def test_a_bad_override_exits_2_before_any_evaluation(tmp_path):
    suite = write_suite(tmp_path / 'suite.py', entries=(REGRESSION, dict(FLOW, overrides=['model.num_stepz=2'])))
    result = run_tool(suite, '--doc', tmp_path / 'lb.md', '--results-dir', tmp_path / 'results')
    assert result.returncode == 2
    assert result.stderr.strip().count('\n') == 0 and "entry 'FactorizedHMR'" in result.stderr
    assert "'model.num_stepz'" in result.stderr
    assert not (tmp_path / 'results' / 'regression').exists()  # the first entry was not evaluated either


def test_paired_rows_against_a_hand_computed_difference(tmp_path):
    reference, entry = tmp_path / 'a.csv', tmp_path / 'b.csv'
    reference.write_text('seq_id,num_frames,mpjpe,jitter\ns0,1,1.0,5\ns1,1,2.0,5\ns2,2,3.0,5\n')
    entry.write_text('seq_id,num_frames,mpjpe,jitter\ns2,2,5.0,5\ns0,1,2.0,5\ns1,1,2.0,5\n')  # rows out of order
    rows = paired_rows(reference, entry, ['mpjpe', 'jitter', 'absent'])
    assert set(rows) == {'mpjpe', 'jitter'}
    # pairs by seq_id: differences 1, 0, 2 with frame weights 1, 1, 2 -> (1 + 0 + 4) / 4
    assert rows['mpjpe']['diff'] == pytest.approx(1.25)
    assert rows['mpjpe']['ci_low'] >= 0.0 and rows['mpjpe']['ci_high'] <= 2.0  # resampled means stay in [0, 2]
    assert rows['jitter']['diff'] == 0.0 and rows['jitter']['verdict'] == 'tie'


def test_a_difference_is_bold_only_when_its_interval_excludes_zero():
    row = dict(n=10, diff=1.5, ci_low=0.5, ci_high=2.5)
    assert _difference(row) == '**+1.50** [0.50, 2.50]'
    assert _difference(dict(row, ci_low=-0.5)) == '+1.50 [-0.50, 2.50]'
    assert _difference(dict(row, diff=-1.5, ci_low=-2.5, ci_high=-0.5)) == '**-1.50** [-2.50, -0.50]'
    assert _difference(dict(row, n=1)) == '–'


class _Inner(torch.nn.Module):
    def forward(self, x):
        return x + 1


class _Outer(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.inner = _Inner()

    def forward(self, x):
        return self.inner(self.inner(x))  # two nested backbone calls inside one


def test_network_calls_count_outermost_backbone_calls_only():
    BACKBONES.register_module(name='_TestInner', module=_Inner)
    BACKBONES.register_module(name='_TestOuter', module=_Outer)
    try:
        model = torch.nn.ModuleDict(dict(outer=_Outer(), alone=_Inner()))
        calls = NetworkCalls(model)
        x = torch.zeros(3)
        for _ in range(4):
            model['outer'](x)
        model['alone'](x)
        assert calls.count == 4 + 1  # the outer calls' inner ones are part of them
        calls.remove()
        model['alone'](x)
        assert calls.count == 5
    finally:
        for name in ('_TestInner', '_TestOuter'):
            BACKBONES._module_dict.pop(name)


def test_the_shipped_suite_loads():
    suite = load_suite(REPO / 'configs' / 'suites' / 'cpu_synthetic.py', REPO)
    names = [entry.name for entry in suite.entries]
    assert names[0] == suite.reference['synthetic_heavy'] == 'regression'
    assert {'FactorizedHMR', 'MoRo', 'RoHM', 'MDM++', 'regression + ScoreHMR'} <= set(names)
    assert all(split in suite.splits for entry in suite.entries for split in entry.splits)
    assert np.all([entry.checkpoint is None or (REPO / entry.checkpoint).is_file() for entry in suite.entries])


def test_a_refiners_own_networks_count_as_parameters_and_network_calls():
    from unihmr.apis.compare import parameter_count
    from unihmr.apis.config import load_config
    from unihmr.apis.inference import build_model
    model = build_model(load_config(REPO / 'configs' / 'scorehmr' / 'gvhmr_scorehmr_cpu_keypoints_mixed.py'))
    prior = model.stages[1].prior  # held outside the module tree (its weights come from prior_checkpoint)
    assert not any(module is prior for module in model.modules())
    assert parameter_count(model) == (sum(p.numel() for p in model.parameters())
                                      + sum(p.numel() for p in prior.parameters()))
    calls = NetworkCalls(model)
    hooked = len(calls.handles)
    calls.remove()
    tree_only = sum(isinstance(m, tuple(BACKBONES.module_dict.values())) for m in model.modules())
    assert hooked == 2 * (tree_only + 1)  # the regression's transformer and the prior's denoiser, two hooks each
