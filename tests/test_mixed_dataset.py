"""Training on mixed motion: MixedMotionDataset draws its components at the given ratios, deterministically by
index; AMASSDataset with num_windows gives every item its own view of a motion window, and draws severities
from a mixture; the mixed-motion dataset config resolves its data root from the environment."""
from pathlib import Path

import numpy as np
import pytest
import roma
import torch
from mmengine.config import Config

from dataset_files import loader, walking_motion, write_amass
from unihmr.data.contract import validate_window
from unihmr.data.datasets import AMASSDataset, MixedMotionDataset

Y_TO_Z = roma.rotvec_to_rotmat(torch.tensor([np.pi / 2, 0.0, 0.0], dtype=torch.float64)).numpy()
CONFIG = Path(__file__).resolve().parents[1] / 'configs' / '_base_' / 'datasets' / 'mixed_real_motion.py'


@pytest.fixture(scope='module')
def amass_root(tmp_path_factory):
    root = tmp_path_factory.mktemp('real')
    for subject, seed in (('002', 0), ('003', 1)):
        params = walking_motion(97, 120.0, seed)
        rotation = roma.rotvec_to_rotmat(torch.from_numpy(params['global_orient']))
        params['global_orient'] = roma.rotmat_to_rotvec(torch.from_numpy(Y_TO_Z) @ rotation).numpy()
        params['transl'] = params['transl'] @ Y_TO_Z.T
        write_amass(root / subject / f'{subject}_01_stageii.npz', params)
    return root


class Tagged(torch.utils.data.Dataset):
    """A stand-in component: item i is a window-like dict naming its dataset and index."""

    def __init__(self, name, length):
        self.name, self.length = name, length

    def __len__(self):
        return self.length

    def __getitem__(self, index):
        return dict(meta=dict(source=self.name, index=index))


def test_components_are_drawn_at_the_ratios_deterministically():
    mixed = MixedMotionDataset([Tagged('a', 7), Tagged('b', 1000)], ratios=[1, 3], num_windows=4000, seed=3)
    sources = [mixed[i]['meta']['source'] for i in range(len(mixed))]
    share = sources.count('b') / len(sources)
    assert abs(share - 0.75) < 3 * np.sqrt(0.75 * 0.25 / 4000)  # binomial: within 3 standard deviations
    assert [mixed[i]['meta'] for i in (5, 17)] == [mixed[i]['meta'] for i in (5, 17)]
    assert all(m['meta']['index'] == i % 7 for i, m in ((i, mixed[i]) for i in range(50)) if m['meta']['source'] == 'a')
    only_a = MixedMotionDataset([Tagged('a', 7), Tagged('b', 9)], ratios=[1, 0], num_windows=20)
    assert {only_a[i]['meta']['mix_component'] for i in range(20)} == {'Tagged'}
    with pytest.raises(ValueError, match='ratios'):
        MixedMotionDataset([Tagged('a', 7)], ratios=[-1], num_windows=5)


def test_amass_items_see_one_motion_window_through_many_views(amass_root):
    views = loader(AMASSDataset, amass_root, subsets=['002'], window=16, stride=16, num_windows=6,
                   severity=dict(none=0.5, heavy=0.5), seed=4)
    motion_windows = len(views.windows)
    assert len(views) == 6 and motion_windows == 2
    first, again = views[0], views[motion_windows]  # the same motion window, another camera
    validate_window(first)
    np.testing.assert_allclose(first['smpl_params']['body_pose'], again['smpl_params']['body_pose'])
    assert not torch.allclose(first['R_w2c'], again['R_w2c'])
    severities = {views[i]['meta']['severity'] for i in range(6)}
    assert severities <= {'none', 'heavy'} and len(severities) == 2
    plain = loader(AMASSDataset, amass_root, subsets=['002'], window=16, stride=16)
    assert len(plain) == motion_windows


def test_mixed_config_reads_the_root_from_the_environment(amass_root, monkeypatch):
    monkeypatch.setenv('UNIHMR_REAL_MOTION', str(amass_root))
    cfg = Config.fromfile(str(CONFIG))
    real = cfg.train_dataloader.dataset.datasets[1]
    assert real.root == str(amass_root) and real.subsets == ['002', '005', '007']
    assert cfg.real_val.subsets == ['003', '006'] and cfg.train_dataloader.dataset.ratios == [0.5, 0.5]
    held_out = loader(AMASSDataset, cfg.real_val.root, subsets=['003'], window=16, stride=16)
    assert {held_out[i]['meta']['seq_id'].split('/')[0] for i in range(len(held_out))} == {'003'}


def test_named_test_sets(amass_root, monkeypatch):
    """--test-set: the synthetic splits as the benchmark defines them; the real sets on the held-out subjects,
    from --real-motion-root or the environment; a missing folder or an unknown name is a UserInputError."""
    from unihmr.apis.test_sets import test_set_dataset
    from unihmr.utils.validation import UserInputError
    repo = CONFIG.parents[3]
    heavy = test_set_dataset('synthetic_heavy', repo)
    assert (heavy['type'], heavy['split'], heavy['severity'], heavy['num_windows']) == \
        ('CachedSyntheticDataset', 'test', 'heavy', 64)
    real = test_set_dataset('real_clean', repo, real_root=amass_root)
    assert (real['root'], real['subsets'], real['severity'], real['stride']) == (str(amass_root), ['003', '006'],
                                                                                'none', 120)
    monkeypatch.setenv('UNIHMR_REAL_MOTION', str(amass_root))
    assert test_set_dataset('real_heavy', repo)['root'] == str(amass_root)
    with pytest.raises(UserInputError, match='nowhere.*prepare_bvh'):
        test_set_dataset('real_heavy', repo, real_root=amass_root / 'nowhere')
    with pytest.raises(UserInputError, match="unknown 'real'"):
        test_set_dataset('real', repo)


def test_in_memory_dataset_serves_the_wrapped_windows(amass_root):
    """InMemoryDataset(dataset=cfg): built from the registry, every window equal to the wrapped dataset's."""
    from unihmr.data.datasets import InMemoryDataset
    cfg = dict(type='MixedMotionDataset', num_windows=5, ratios=[1, 1], seed=2, datasets=[
        dict(type='SyntheticMotionDataset', num_windows=3, window=16, feat_dim=8, secondary_motion=True),
        dict(type='AMASSDataset', root=str(amass_root), subsets=['002'], window=16, stride=16, num_windows=4,
             feat_dim=8)])
    cached = InMemoryDataset(dataset=cfg, progress=False)
    direct = MixedMotionDataset(**{k: v for k, v in cfg.items() if k != 'type'})
    assert len(cached) == len(direct) == 5
    for index in (0, 3, 4):
        a, b = cached[index], direct[index]
        for key in ('kp2d', 'bbox', 'K', 'img_feat'):
            torch.testing.assert_close(a[key], torch.as_tensor(b[key]))
        torch.testing.assert_close(a['smpl_params']['body_pose'], torch.as_tensor(b['smpl_params']['body_pose']))
        assert a['meta']['mix_component'] == b['meta']['mix_component']
    with pytest.raises(IndexError):
        cached[5]


def test_amass_detector_option_gives_exact_keypoints(amass_root):
    """AMASSDataset(detector=...) reaches the keypoint model: with no noise, outliers or swaps the visible
    keypoints are the projections of the body's COCO-17 points (camera-frame GT parameters)."""
    from unihmr.body import EmbeddedSMPLX
    from unihmr.geometry import project_points
    exact = dict(noise_scale=0.0, outlier_rate=0.0, swap_rate=0.0)
    window = loader(AMASSDataset, amass_root, subsets=['002'], window=16, stride=16, detector=exact)[0]
    params = window['smpl_params']
    body = EmbeddedSMPLX()(global_orient=params['global_orient_c'], body_pose=params['body_pose'],
                           betas=params['betas'], transl=params['transl_c'])
    expected = project_points(body.coco17, window['K'])
    seen = window['kp2d'][..., 2] > 0
    assert seen.float().mean() > 0.5
    torch.testing.assert_close(window['kp2d'][..., :2][seen], expected[seen].to(window['kp2d'].dtype),
                               atol=0.05, rtol=0)
    noisy = loader(AMASSDataset, amass_root, subsets=['002'], window=16, stride=16)[0]
    assert (noisy['kp2d'][..., :2][seen] - expected[seen]).abs().max() > 0.5


def test_in_memory_windows_are_generated_once_per_config():
    """The codec statistics and the training loader (and every later phase) build the same InMemoryDataset config:
    the second build serves the windows of the first; another config generates its own."""
    from unihmr.data.datasets.in_memory import InMemoryDataset
    config = dict(type='SyntheticMotionDataset', split='train', num_windows=3, window=20, feat_dim=8, seed=5)
    first, again = InMemoryDataset(dict(config), progress=False), InMemoryDataset(dict(config), progress=False)
    other = InMemoryDataset(dict(config, seed=6), progress=False)
    assert again.data is first.data and other.data is not first.data
    assert not torch.equal(other[0]['kp2d'], first[0]['kp2d'])
