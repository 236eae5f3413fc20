"""Outputs are complete or absent: the demo writes its set into a temporary folder and moves it in at the end
(an interrupted run leaves the previous set as it was), output folders are checked before any work, and the
demo of a generative model gives the same numbers on every run (``demo.noise_seed``)."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from unihmr.apis import recover_demo
from unihmr.apis.config import load_config
from unihmr.utils.io import OutputPathError, check_writable_dir, output_set

REPO = Path(__file__).resolve().parents[1]
SHORT = ['demo.num_frames=40', 'demo.animation_step=20']


def _tool(tool, *args):
    env = {**os.environ, 'OMP_NUM_THREADS': '1'}
    return subprocess.run([sys.executable, str(REPO / 'tools' / tool), *map(str, args)], capture_output=True,
                          text=True, timeout=400, env=env)


def test_an_output_set_replaces_the_previous_one_or_leaves_it(tmp_path):
    with output_set(tmp_path, members=('a.txt', 'b.txt')) as staging:
        (staging / 'a.txt').write_text('1')
        (staging / 'b.txt').write_text('1')
    with output_set(tmp_path, members=('a.txt', 'b.txt')) as staging:  # this run writes no b.txt
        (staging / 'a.txt').write_text('2')
    assert sorted(p.name for p in tmp_path.iterdir()) == ['a.txt']  # no stale b.txt from the first run
    with pytest.raises(KeyboardInterrupt):
        with output_set(tmp_path, members=('a.txt',)) as staging:
            (staging / 'a.txt').write_text('3')
            raise KeyboardInterrupt
    assert [p.name for p in tmp_path.iterdir()] == ['a.txt'] and (tmp_path / 'a.txt').read_text() == '2'


def test_unwritable_output_folders_are_named(tmp_path):
    (tmp_path / 'file').write_text('x')
    with pytest.raises(OutputPathError, match='is a file'):
        check_writable_dir(tmp_path / 'file')
    with pytest.raises(OutputPathError, match='not writable'):
        check_writable_dir(tmp_path / 'file' / 'below')


def test_test_tool_checks_its_output_before_any_work(tmp_path):
    (tmp_path / 'file').write_text('x')
    result = _tool('test.py', REPO / 'configs/gvhmr/gvhmr_cpu_synthetic.py', tmp_path / 'no_such_checkpoint.pth',
                   '--out', tmp_path / 'file' / 'results.json')
    assert result.returncode == 2 and 'output folder' in result.stderr  # named before the missing checkpoint


def test_an_interrupted_demo_keeps_the_previous_outputs(tmp_path, monkeypatch):
    cfg = load_config(REPO / 'configs/demo/recover_synthetic.py', SHORT)
    cfg.demo.checkpoint = str(REPO / cfg.demo.checkpoint)
    recover_demo.run_recovery_demo(cfg, tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert set(before) == {'recovered.npz', 'recovered.bvh', 'recovered.gif', 'metrics.json', 'config.py'}

    def interrupted(*args, **kwargs):  # Ctrl-C while the GIF is drawn, after the new npz was written
        raise KeyboardInterrupt

    monkeypatch.setattr(recover_demo, '_animation', interrupted)
    with pytest.raises(KeyboardInterrupt):
        recover_demo.run_recovery_demo(load_config(REPO / 'configs/demo/recover_synthetic.py',
                                                   SHORT + ['demo.seed=1', f'demo.checkpoint={cfg.demo.checkpoint}']),
                                       tmp_path)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before  # nothing new, nothing hidden left


@pytest.mark.slow
def test_the_generative_demo_is_repeatable(tmp_path):
    metrics = []
    for run in ('first', 'second'):
        result = _tool('demo.py', REPO / 'configs/demo/recover_factorizedhmr_synthetic.py', *SHORT,
                       'demo.num_samples=3', '--work-dir', tmp_path / run)
        assert result.returncode == 0, result.stderr[-2000:]
        metrics.append(json.loads((tmp_path / run / 'metrics.json').read_text()))
    assert metrics[0] == metrics[1] and metrics[0]['diversity'] > 0
    assert 'noise_seed = 0' in (tmp_path / 'first' / 'config.py').read_text() or \
        "noise_seed=0" in (tmp_path / 'first' / 'config.py').read_text()


@pytest.mark.parametrize('content', [b'', b'PK\x03\x04\x00\x00', b'hello, I am text\n', bytes(range(256)) * 4])
def test_unreadable_checkpoints_are_named_in_one_line(tmp_path, content):
    path = tmp_path / 'model.pth'
    path.write_bytes(content)
    result = _tool('test.py', REPO / 'configs/gvhmr/gvhmr_cpu_synthetic.py', path, '--out', tmp_path / 'r.json')
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert 'cannot be read' in result.stderr and 'weights_only=False' not in result.stderr
