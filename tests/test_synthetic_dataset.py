"""SyntheticMotionDataset / CachedSyntheticDataset: contract, determinism, paired splits, cache, batching."""
import pytest
import torch
from torch.utils.data import DataLoader

from unihmr.data.collate import collate_windows
from unihmr.data.contract import validate_window
from unihmr.data.datasets.synthetic import CachedSyntheticDataset, SyntheticMotionDataset
from unihmr.registry import DATASETS

WINDOW = 40


@pytest.fixture(scope='module')
def body_model():
    from unihmr.body import EmbeddedSMPLX
    return EmbeddedSMPLX()


def _dataset(body_model, **kwargs):
    dataset = SyntheticMotionDataset(**{'split': 'test', 'num_windows': 4, 'window': WINDOW, 'feat_dim': 16, **kwargs})
    dataset._body_model = body_model  # share one model across the tests
    return dataset


def _equal(a, b):
    if isinstance(a, dict):
        return all(_equal(a[k], b[k]) for k in a)
    return torch.equal(a, b)


def test_windows_follow_the_contract_and_are_deterministic(body_model):
    dataset = _dataset(body_model, severity='mild')
    first, again, other = dataset[0], dataset[0], dataset[1]
    assert validate_window(first) == WINDOW
    assert first['img_feat'].shape == (WINDOW, 16)
    assert first['meta']['seq_id'] == 'test-000000' and first['meta']['dataset'] == 'synthetic'
    assert _equal({k: first[k] for k in ('kp2d', 'K', 'smpl_params', 'vis')},
                  {k: again[k] for k in ('kp2d', 'K', 'smpl_params', 'vis')})
    assert not torch.equal(first['smpl_params']['body_pose'], other['smpl_params']['body_pose'])


def test_splits_use_separate_streams(body_model):
    test, train = _dataset(body_model)[0], _dataset(body_model, split='train')[0]
    assert not torch.equal(test['smpl_params']['body_pose'], train['smpl_params']['body_pose'])


def test_clean_and_heavy_hold_the_same_motion_and_camera(body_model):
    clean, heavy = _dataset(body_model, severity='none')[2], _dataset(body_model, severity='heavy')[2]
    assert _equal(clean['smpl_params'], heavy['smpl_params'])
    assert torch.equal(clean['K'], heavy['K']) and torch.equal(clean['R_w2c'], heavy['R_w2c'])
    assert clean['vis'].all()
    assert heavy['vis'].float().mean() < clean['vis'].float().mean()


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="unknown \\['extreme'\\]"):
        SyntheticMotionDataset(severity='extreme')
    with pytest.raises(ValueError, match="split: unknown 'dev'"):
        SyntheticMotionDataset(split='dev')
    with pytest.raises(IndexError):
        SyntheticMotionDataset(num_windows=2)[5]


def test_severity_mixture_draws_every_named_severity(body_model):
    dataset = _dataset(body_model, severity=dict(none=1, heavy=1), num_windows=40)
    drawn = {dataset._severity(i) for i in range(40)}
    assert drawn == {'none', 'heavy'}


def test_cached_dataset_equals_on_the_fly_and_reloads(body_model, tmp_path, monkeypatch):
    kwargs = dict(split='test', num_windows=3, window=WINDOW, feat_dim=16, severity='heavy')
    monkeypatch.setattr(SyntheticMotionDataset, 'body_model', property(lambda self: body_model))
    cached = CachedSyntheticDataset(cache_dir=str(tmp_path), progress=False, **kwargs)
    live = SyntheticMotionDataset(**kwargs)
    for index in range(3):
        window = cached[index]
        validate_window(window)
        assert _equal({k: window[k] for k in ('kp2d', 'vis', 'smpl_params')},
                      {k: live[index][k] for k in ('kp2d', 'vis', 'smpl_params')})
    files = list(tmp_path.glob('synthetic-*.pt'))
    assert len(files) == 1
    reloaded = CachedSyntheticDataset(cache_dir=str(tmp_path), progress=False, **kwargs)
    assert torch.equal(reloaded[1]['kp2d'], cached[1]['kp2d'])


def test_dataloader_batches_windows_and_keeps_meta(body_model):
    dataset = _dataset(body_model, severity='heavy')
    batch = next(iter(DataLoader(dataset, batch_size=2, collate_fn=collate_windows)))
    assert batch['kp2d'].shape == (2, WINDOW, 17, 3)
    assert batch['smpl_params']['body_pose'].shape == (2, WINDOW, 21, 3)
    assert [m['seq_id'] for m in batch['meta']] == ['test-000000', 'test-000001']


def test_registry_builds_the_dataset():
    dataset = DATASETS.build(dict(type='SyntheticMotionDataset', num_windows=2, window=8))
    assert len(dataset) == 2


def test_collate_rejects_windows_of_different_length():
    with pytest.raises(ValueError, match='kp2d: windows in a batch must share a shape'):
        collate_windows([{'kp2d': torch.zeros(3, 17, 3)}, {'kp2d': torch.zeros(4, 17, 3)}])
