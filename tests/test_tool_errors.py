"""Bad input to the tools gives one line naming the file, key or value and exit code 2, never a traceback:
config syntax errors, an unknown head type, batch_size 0, an unknown severity, a CUDA device on a CPU build, a
torchrun start without ``--launcher pytorch``, and training from another method's checkpoint (issue 13)."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from mmengine.config import Config

REPO = Path(__file__).resolve().parents[1]
REGRESSION = REPO / 'configs' / 'gvhmr' / 'gvhmr_cpu_synthetic.py'
SHIPPED = REPO / 'checkpoints' / 'gvhmr_cpu_synthetic' / 'model.pth'
FACTORIZED = REPO / 'configs' / 'factorizedhmr' / 'factorizedhmr_cpu_synthetic.py'


def _tool(tool, *args, env=None):
    environment = {**os.environ, 'OMP_NUM_THREADS': '1', **(env or {})}
    return subprocess.run([sys.executable, str(REPO / 'tools' / tool), *map(str, args)], capture_output=True,
                          text=True, timeout=400, env=environment)


def _one_line(result, *words):
    assert result.returncode == 2, result.stderr[-2000:]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and 'Traceback' not in result.stderr, result.stderr[-2000:]
    for word in words:
        assert word in lines[0], lines[0]


def test_a_config_with_a_syntax_error_is_named(tmp_path):
    broken = tmp_path / 'broken.py'
    broken.write_text("model = dict(type='Recoverer'\n")
    _one_line(_tool('test.py', broken, SHIPPED), 'broken.py', 'syntax')


@pytest.mark.parametrize('override, words', [
    ('model.stages.0.type=NoSuchHead', ['NoSuchHead']),
    ('test_dataloader.batch_size=0', ['batch_size', '0']),
    ('test_dataloader.dataset.severity=extreme', ['severity', 'extreme']),
])
def test_bad_test_settings_are_named(tmp_path, override, words):
    _one_line(_tool('test.py', REGRESSION, SHIPPED, override, '--out', tmp_path / 'r.json'), *words)
    assert not (tmp_path / 'r.json').exists()


def test_a_real_test_set_without_its_data_is_named(tmp_path):
    missing = tmp_path / 'no_such_folder'
    _one_line(_tool('test.py', REGRESSION, SHIPPED, '--test-set', 'real_heavy', '--real-motion-root', missing,
                    '--out', tmp_path / 'r.json'), 'real_heavy', str(missing), 'prepare_bvh')
    assert not (tmp_path / 'r.json').exists()


@pytest.mark.skipif(torch.cuda.is_available(), reason='checks the message of a CPU-only build')
def test_a_cuda_device_without_cuda_is_named(tmp_path):
    _one_line(_tool('test.py', REGRESSION, SHIPPED, '--device', 'cuda', '--out', tmp_path / 'r.json'), 'cuda')


def test_torchrun_without_the_launcher_is_refused(tmp_path):
    result = _tool('train.py', REGRESSION, '--work-dir', tmp_path / 'run', env=dict(WORLD_SIZE='2', RANK='0'))
    _one_line(result, '--launcher pytorch')
    assert not (tmp_path / 'run').exists()


def test_training_from_another_method_s_checkpoint_is_refused(tmp_path):
    tiny = ['model.encoder.width=32', 'train_dataloader.num_workers=0', 'train_dataloader.persistent_workers=false',
            'codec_stats.num_windows=4', 'codec_stats.batch_size=4', 'train_dataloader.batch_size=2',
            'train_dataloader.dataset.window=24', 'phases.0.train_cfg.max_iters=1']
    result = _tool('train.py', FACTORIZED, *tiny, f'load_from={SHIPPED}', '--work-dir', tmp_path / 'run')
    _one_line(result, 'load_from', str(SHIPPED.name))


def test_a_malformed_override_value_is_named(tmp_path):
    _one_line(_tool('test.py', REGRESSION, SHIPPED, 'model.window=[1,', '--out', tmp_path / 'r.json'),
              'model.window=[1,', 'cannot parse')


def test_resume_from_a_shipped_model_file_is_refused(tmp_path):
    _one_line(_tool('train.py', REGRESSION, '--resume', SHIPPED, '--work-dir', tmp_path / 'run'),
              'not a training checkpoint', 'load_from')
    assert not (tmp_path / 'run').exists()


def test_sigterm_leaves_no_temporary_outputs(tmp_path):
    """A scheduler's SIGTERM ends the demo like Ctrl-C: the staging folder of its outputs is removed."""
    import signal
    import time
    out = tmp_path / 'out'
    process = subprocess.Popen([sys.executable, str(REPO / 'tools' / 'demo.py'),
                                str(REPO / 'configs' / 'demo' / 'recover_synthetic.py'), '--work-dir', str(out)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, 'OMP_NUM_THREADS': '1'})
    deadline = time.time() + 240
    while time.time() < deadline and not list(out.glob('.unihmr-outputs-*')) and process.poll() is None:
        time.sleep(0.2)
    assert list(out.glob('.unihmr-outputs-*')), 'the demo never started writing'
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=120) == 128 + signal.SIGTERM
    assert 'stopped by SIGTERM' in process.stderr.read().decode().splitlines()[-1]
    assert list(out.iterdir()) == []  # no hidden staging folder, no partial set


def test_an_override_of_a_helper_variable_is_refused(tmp_path):
    """``max_iters`` is a helper variable of the config file (it set train_cfg.max_iters while the file was parsed):
    overriding it would change nothing."""
    _one_line(_tool('train.py', REGRESSION, 'max_iters=20', '--work-dir', tmp_path / 'run'), "'max_iters'",
              'train_cfg.max_iters')
    assert not (tmp_path / 'run').exists()


def test_overrides_refine_a_named_test_set(tmp_path):
    """--test-set first, then the overrides: they reach the named set's dataset (here: one window)."""
    out = tmp_path / 'r.json'
    result = _tool('test.py', REGRESSION, SHIPPED, '--test-set', 'synthetic_heavy',
                   'test_dataloader.dataset.num_windows=1', '--out', out)
    assert result.returncode == 0, result.stderr[-2000:]
    saved = Config.fromfile(str(tmp_path / 'r.config.py')).test_dataloader.dataset
    assert (saved.severity, saved.num_windows, saved.split) == ('heavy', 1, 'test')


def test_rohm_on_a_test_set_without_a_3d_observation_is_named(tmp_path):
    from unihmr.apis.config import load_config
    from unihmr.registry import MODELS
    config = REPO / 'configs' / 'rohm' / 'rohm_cpu_mixed.py'
    checkpoint = tmp_path / 'rohm.pth'
    torch.save({'state_dict': MODELS.build(dict(load_config(config).model)).state_dict()}, checkpoint)
    result = _tool('test.py', config, checkpoint, '--test-set', 'synthetic_clean', '--out', tmp_path / 'r.json')
    # checked on the first batch, so the test windows' progress bar comes first; then one line, no traceback
    errors = [line for line in result.stderr.splitlines() if line.startswith('error:')]
    assert result.returncode == 2 and 'Traceback' not in result.stderr, result.stderr[-2000:]
    assert len(errors) == 1 and 'motion_obs' in errors[0] and result.stderr.strip().endswith(errors[0])
    assert not (tmp_path / 'r.json').exists()


MORO = REPO / 'configs' / 'moro' / 'moro_cpu_keypoints_mixed.py'
MORO_TOKENIZER = REPO / 'configs' / 'moro' / 'moro_tokenizer_cpu_mixed.py'


@pytest.fixture(scope='module')
def tokenizer_checkpoint(tmp_path_factory):
    """A tokenizer-only checkpoint of another hierarchy (64 -> 24 -> 8 regions) than the MoRo config's."""
    from unihmr.apis.config import load_config
    from unihmr.registry import MODELS
    import unihmr.models  # noqa: F401
    cfg = load_config(MORO_TOKENIZER, ['model.stages.0.tokenizer.levels=[64,24,8]',
                                       'model.stages.0.tokenizer.channels=[4,8,8]'])
    path = tmp_path_factory.mktemp('tokenizer') / 'tokenizer.pth'
    torch.save({'state_dict': MODELS.build(cfg.model.to_dict()).state_dict()}, path)
    return path


@pytest.mark.slow
def test_moro_bad_inputs_are_named(tmp_path, tokenizer_checkpoint):
    """MoRo: a tokenizer checkpoint of another hierarchy (as load_from) and an inference window shorter than the
    attention band each give one line and exit 2 before any work (num_steps 0: tests/test_recoverer*.py)."""
    _one_line(_tool('train.py', MORO, f'load_from={tokenizer_checkpoint}', '--work-dir', tmp_path / 'run',
                    env=dict(UNIHMR_REAL_MOTION=str(tmp_path))), 'load_from', 'of other shapes', 'stages.0.tokenizer')
    _one_line(_tool('test.py', MORO, tokenizer_checkpoint, 'model.window=40', 'model.overlap=10',
                    'test_dataloader.dataset.num_windows=1', '--out', tmp_path / 'r.json'),
              'window (40 frames)', 'band (60 frames)')
    assert not (tmp_path / 'r.json').exists()
