"""Config loading: _base_ inheritance, validated dotlist overrides, the saved resolved config."""
import subprocess
import sys
from pathlib import Path

import pytest
from mmengine.config import Config

from unihmr.apis.config import ConfigOverrideError, load_config, save_config

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def config_file(tmp_path):
    (tmp_path / 'base.py').write_text(
        "model = dict(type='Recoverer', head=dict(type='RegressionHead', depth=4, dropout=0.1, act='gelu',"
        " dims=[64, 64]), refiner=None)\ntrain_cfg = dict(max_iters=100, val=True)\n")
    (tmp_path / 'method.py').write_text("_base_ = ['./base.py']\nmodel = dict(head=dict(depth=2))\n")
    return tmp_path / 'method.py'


def test_base_inheritance_and_typed_overrides(config_file):
    cfg = load_config(config_file, ['model.head.depth=3', 'model.head.dropout=0', 'train_cfg.val=false',
                                    'model.head.dims=[8,16,32]', 'model.head.dims.0=4', 'model.refiner=abc'])
    assert cfg.model.type == 'Recoverer'  # from _base_
    assert cfg.model.head.depth == 3
    assert cfg.model.head.dropout == 0.0 and isinstance(cfg.model.head.dropout, float)
    assert cfg.train_cfg.val is False
    assert cfg.model.head.dims == [4, 16, 32]
    assert cfg.model.refiner == 'abc'  # None accepts any value


def test_unknown_key_names_key_and_allowed_keys(config_file):
    with pytest.raises(ConfigOverrideError) as error:
        load_config(config_file, ['model.head.dept=2'])
    message = str(error.value)
    assert "'model.head.dept'" in message and "Did you mean 'depth'" in message
    for allowed in ('act', 'depth', 'dims', 'dropout', 'type'):
        assert allowed in message


@pytest.mark.parametrize('override, expected', [
    ('model.head.depth=1.5', 'expected int'),
    ('model.head.depth=true', 'expected int'),
    ('train_cfg.val=1', 'expected bool'),
    ('model.head.act=[1]', 'expected str'),
    ('model.head.dims=3', 'expected list'),
    ('model.head=3', 'is a section'),
    ('model.head.dims.7=1', 'not an index'),
    ('depth', 'must look like key=value'),
])
def test_wrong_values_fail_with_a_named_reason(config_file, override, expected):
    with pytest.raises(ConfigOverrideError, match=expected):
        load_config(config_file, [override])


def test_plus_prefix_adds_new_keys(config_file):
    cfg = load_config(config_file, ['+model.head.num_steps=20', '+extra.nested.flag=true'])
    assert cfg.model.head.num_steps == 20 and cfg.extra.nested.flag is True


def test_saved_config_reloads_to_the_same_values(config_file, tmp_path):
    cfg = load_config(config_file, ['model.head.depth=7'])
    path = save_config(cfg, tmp_path / 'out')
    reloaded = Config.fromfile(str(path))
    assert reloaded.model.head.depth == 7 and reloaded.model.type == 'Recoverer'
    assert reloaded.to_dict() == cfg.to_dict()


def test_missing_config_file(tmp_path):
    with pytest.raises(FileNotFoundError, match='config file not found'):
        load_config(tmp_path / 'nope.py')


def test_tool_rejects_bad_override_before_work(tmp_path):
    result = subprocess.run(
        [sys.executable, str(REPO / 'tools' / 'demo.py'), str(REPO / 'configs/demo/body_motion_demo.py'),
         'motion.num_frame=3', '--work-dir', str(tmp_path / 'out')],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "unknown config key 'motion.num_frame'" in result.stderr
    assert 'Traceback' not in result.stderr
    assert not (tmp_path / 'out').exists()


def test_tool_reports_a_missing_smplx_file_in_one_message(tmp_path, monkeypatch):
    monkeypatch.setenv('UNIHMR_SMPLX_PATH', str(tmp_path / 'nowhere' / 'SMPLX_NEUTRAL.npz'))
    result = subprocess.run(
        [sys.executable, str(REPO / 'tools' / 'demo.py'), str(REPO / 'configs/demo/body_motion_demo.py'),
         'body_model.type=SMPLXBody', '--work-dir', str(tmp_path / 'out')],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert 'smpl-x.is.tue.mpg.de' in result.stderr and 'UNIHMR_SMPLX_PATH' in result.stderr
    assert 'Traceback' not in result.stderr
    assert not (tmp_path / 'out').exists()
