"""tools/prepare_{amass,3dpw,emdb,rich}.py: the cached form gives the same windows as the raw files."""
import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest
import torch

from dataset_files import loader, shared_body_model, walking_motion, write_3dpw, write_amass, write_emdb, write_rich
from unihmr.data.contract import validate_window
from unihmr.data.datasets import AMASSDataset, EMDBDataset, RICHDataset, ThreeDPWDataset
from unihmr.data.datasets.base import MotionWindowDataset

TOOLS = Path(__file__).resolve().parents[1] / 'tools'


def tool(name):
    spec = importlib.util.spec_from_file_location(name, TOOLS / f'{name}.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main


@pytest.fixture(autouse=True)
def shared_model(monkeypatch):
    monkeypatch.setattr(MotionWindowDataset, 'body_model', property(lambda self: shared_body_model()))


def same(a, b):
    if isinstance(a, dict):
        return all(same(a[key], b[key]) for key in a)
    if isinstance(a, torch.Tensor):  # exactly equal; NaN (absent occluders in AMASS meta) equals NaN
        return a.shape == b.shape and bool(((a == b) | (a != a) & (b != b)).all())
    return a == b


def check_cache(raw, cached, out):
    index = json.loads((out / 'index.json').read_text())
    assert [entry['seq_id'] for entry in index['sequences']] == [s[0] for s in raw.sequences]
    assert all((out / entry['file']).exists() for entry in index['sequences'])
    assert len(cached) == len(raw) > 0
    for number in range(len(raw)):
        window = cached[number]
        validate_window(window)
        assert same(window, raw[number])


def test_prepare_3dpw(tmp_path, capsys):
    folder = tmp_path / '3dpw' / 'sequenceFiles' / 'train'
    folder.mkdir(parents=True)
    for seed in range(2):
        write_3dpw(folder / f'seq_{seed}.pkl', shared_body_model(), walking_motion(30, 30.0, seed),
                   sequence=f'seq_{seed}')
    assert tool('prepare_3dpw')([str(tmp_path / '3dpw'), str(tmp_path / 'out'), '--split', 'train']) == 2
    captured = capsys.readouterr()
    assert '3dpw: 2 sequences prepared' in captured.out and '3DPW' in captured.err  # summary, progress bar
    kwargs = dict(split='train', window=16, feat_dim=8)
    check_cache(ThreeDPWDataset(tmp_path / '3dpw', **kwargs), ThreeDPWDataset(tmp_path / 'out', **kwargs),
                tmp_path / 'out')
    with pytest.raises(ValueError, match="prepared with fps=30.0, this loader asks for fps=15.0.*prepare_3dpw"):
        ThreeDPWDataset(tmp_path / 'out', split='train', fps=15.0)


def test_prepare_emdb(tmp_path):
    write_emdb(tmp_path / 'emdb' / 'P1' / 'a' / 'P1_a_data.pkl', shared_body_model(), walking_motion(30, 30.0, 1),
               name='P1_a')
    assert tool('prepare_emdb')([str(tmp_path / 'emdb'), str(tmp_path / 'out')]) == 1
    kwargs = dict(window=12, stride=6, feat_dim=8)
    check_cache(EMDBDataset(tmp_path / 'emdb', **kwargs), EMDBDataset(tmp_path / 'out', **kwargs), tmp_path / 'out')


def test_prepare_rich(tmp_path):
    write_rich(tmp_path / 'rich', shared_body_model(), walking_motion(30, 30.0, 4))
    assert tool('prepare_rich')([str(tmp_path / 'rich'), str(tmp_path / 'out')]) == 1
    kwargs = dict(window=12, stride=6, feat_dim=8)
    check_cache(RICHDataset(tmp_path / 'rich', **kwargs), RICHDataset(tmp_path / 'out', **kwargs), tmp_path / 'out')


def test_prepare_amass(tmp_path):
    params = walking_motion(60, 120.0, 2)
    write_amass(tmp_path / 'amass' / 'CMU' / '01' / 'a_stageii.npz', params)
    write_amass(tmp_path / 'amass' / 'KIT' / '02' / 'b_stageii.npz', dict(params, transl=params['transl'] + 1.0))
    assert tool('prepare_amass')([str(tmp_path / 'amass'), str(tmp_path / 'out'), '--subsets', 'CMU']) == 1
    assert (tmp_path / 'out' / 'CMU__01__a_stageii.npz').exists()
    kwargs = dict(window=8, feat_dim=8, subsets=['CMU'])
    check_cache(AMASSDataset(tmp_path / 'amass', **kwargs), AMASSDataset(tmp_path / 'out', **kwargs), tmp_path / 'out')
    cached = loader(AMASSDataset, tmp_path / 'out', window=8, subsets=['CMU'], cache_size=1)
    assert np.array_equal(cached.sequence(0)['contact'], cached.sequence(0)['contact'])


def test_missing_input_exits_with_one_line(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        tool('prepare_emdb')([str(tmp_path / 'missing'), str(tmp_path / 'out')])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.count('\n') == 0 and 'missing' in err and err.startswith('error:')
    assert not (tmp_path / 'out').exists()
