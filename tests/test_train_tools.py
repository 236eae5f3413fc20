"""tools/train.py (fresh, --resume, two-process DDP on gloo) and tools/test.py, end to end on tiny settings."""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

REPO = Path(__file__).resolve().parents[1]
CONFIG = str(REPO / 'configs' / 'gvhmr' / 'gvhmr_cpu_synthetic.py')
TINY = ['model.encoder.width=32', 'model.stages.0.backbone.width=32', 'model.stages.0.backbone.depth=1',
        'model.stages.0.backbone.heads=2', 'train_dataloader.batch_size=2', 'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=false', 'train_dataloader.dataset.window=24',
        'val_dataloader.dataset.num_windows=2', 'val_dataloader.dataset.window=24', 'val_dataloader.batch_size=2',
        'codec_stats.num_windows=8', 'codec_stats.batch_size=4', 'default_hooks.checkpoint.interval=2',
        'default_hooks.logger.interval=1', 'train_cfg.val_interval=1000']


def _run(args, timeout=300, tool='train.py', launcher=None):
    command = ([*launcher, str(REPO / 'tools' / tool)] if launcher else [sys.executable, str(REPO / 'tools' / tool)])
    env = {**os.environ, 'OMP_NUM_THREADS': '1'}
    return subprocess.run(command + args, capture_output=True, text=True, timeout=timeout, env=env)


@pytest.fixture(scope='module')
def trained(tmp_path_factory):
    work = tmp_path_factory.mktemp('train')
    result = _run([CONFIG, *TINY, 'train_cfg.max_iters=4', '--work-dir', str(work)])
    assert result.returncode == 0, result.stderr[-3000:]
    return work


def test_train_writes_checkpoints_and_the_resolved_config(trained):
    assert (trained / 'iter_4.pth').exists() and (trained / 'config.py').exists()
    checkpoint = torch.load(trained / 'iter_4.pth', weights_only=True)
    assert checkpoint['meta']['iter'] == 4
    std = checkpoint['state_dict']['stages.0.codec.std']
    assert not torch.allclose(std, torch.ones_like(std))  # statistics were computed before training
    assert list(trained.glob('*/vis_data/events.out.tfevents.*'))  # TensorBoard scalars
    assert list(trained.glob('*/vis_data/scalars.json'))  # and JSON ones


def test_resume_continues_from_the_last_checkpoint(trained):
    result = _run([CONFIG, *TINY, 'train_cfg.max_iters=6', '--resume', '--work-dir', str(trained)])
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'resumed' in (result.stdout + result.stderr).lower()
    assert 'Iter(train) [5/6]' in result.stdout + result.stderr  # went on from iteration 4, not from 0
    assert (trained / 'iter_6.pth').exists()


def test_resume_with_nothing_to_resume_still_computes_the_statistics(tmp_path):
    """``--resume`` into an empty work dir (or after a kill before the first checkpoint) trains from scratch, and
    a fresh run needs the codec statistics (without them: mean 0, std 1 and gradient norms ~1e8)."""
    result = _run([CONFIG, *TINY, 'train_cfg.max_iters=2', '--resume', '--work-dir', str(tmp_path)])
    assert result.returncode == 0, result.stderr[-3000:]
    std = torch.load(tmp_path / 'iter_2.pth', weights_only=True)['state_dict']['stages.0.codec.std']
    assert not torch.allclose(std, torch.ones_like(std))


def test_test_tool_writes_metrics_json_and_per_sequence_csv(trained, tmp_path):
    out = tmp_path / 'results.json'
    result = _run([CONFIG, str(trained / 'iter_4.pth'), *TINY, 'test_dataloader.dataset.num_windows=2',
                   'test_dataloader.dataset.window=24', '--out', str(out)], tool='test.py')
    assert result.returncode == 0, result.stderr[-3000:]
    metrics = json.loads(out.read_text())
    for key in ('mpjpe', 'pa_mpjpe', 'accel', 'wa_mpjpe', 'w_mpjpe', 'rte', 'jitter', 'foot_sliding',
                'mpjpe_torso', 'mpjpe_nontorso'):
        assert key in metrics
    rows = out.with_suffix('.csv').read_text().strip().splitlines()
    assert len(rows) == 3 and rows[0].startswith('seq_id,num_frames')
    assert 'evaluation_seed = 0' in (tmp_path / 'results.config.py').read_text()  # the seed beside the results


def test_test_tool_names_a_checkpoint_that_does_not_fit(trained, tmp_path):
    result = _run([CONFIG, str(trained / 'iter_4.pth'), *TINY, 'model.encoder.width=48',
                   'model.stages.0.backbone.width=48', '--work-dir', str(tmp_path)], tool='test.py')
    assert result.returncode == 2
    assert 'does not match the config' in result.stderr and 'Traceback' not in result.stderr


def test_two_process_distributed_training(tmp_path):
    torchrun = [sys.executable, '-m', 'torch.distributed.run', '--standalone', '--nproc_per_node=2']
    result = _run([CONFIG, *TINY, 'train_cfg.max_iters=2', '--launcher', 'pytorch', '--work-dir', str(tmp_path)],
                  launcher=torchrun, timeout=400)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    assert (tmp_path / 'iter_2.pth').exists()
    assert 'Distributed training: True' in result.stdout + result.stderr


DEMO = str(REPO / 'configs' / 'demo' / 'recover_synthetic.py')


def test_demo_recovers_a_synthetic_sequence_with_metrics(trained, tmp_path):
    result = _run([DEMO, *TINY, f'demo.checkpoint={trained / "iter_4.pth"}', 'demo.num_frames=40',
                   'demo.animation_step=10', '--work-dir', str(tmp_path)], tool='demo.py')
    assert result.returncode == 0, result.stderr[-3000:]
    data = np.load(tmp_path / 'recovered.npz')
    assert data['poses'].shape == (40, 165) and data['transl_c'].shape == (40, 3) and data['betas'].shape == (10,)
    assert 'pa_mpjpe' in json.loads((tmp_path / 'metrics.json').read_text())
    assert (tmp_path / 'recovered.gif').read_bytes()[:3] == b'GIF'
    from unihmr.body.embedded import EmbeddedSMPLX  # the BVH export reads back to the recovered world joints
    from unihmr.data.bvh.reader import read_bvh
    from unihmr.data.bvh.retarget import IKSettings, retarget
    body = EmbeddedSMPLX(dtype=torch.float64)
    betas = torch.as_tensor(data['betas'], dtype=torch.float64)[None]
    rest = body(betas=betas, return_verts=False).joints[0].numpy()
    back = retarget(read_bvh(tmp_path / 'recovered.bvh'), rest, settings=IKSettings(limit_weight=0.0))  # as written

    def joints(orient, pose, transl):
        args = [torch.as_tensor(np.asarray(v), dtype=torch.float64) for v in (orient, pose, transl)]
        return body(global_orient=args[0], body_pose=args[1], transl=args[2], betas=betas, return_verts=False).joints

    expected = joints(data['global_orient_w'], data['body_pose'], data['transl_w'])
    assert (joints(back.global_orient, back.body_pose, back.transl) - expected).norm(dim=-1).max() < 1e-3


def test_demo_on_a_keypoint_file_and_a_bad_one(trained, tmp_path):
    from unihmr.data.datasets.synthetic import SyntheticMotionDataset
    window = SyntheticMotionDataset(split='test', num_windows=1, window=30, feat_dim=64)[0]
    good = tmp_path / 'kp.npz'
    np.savez(good, kp2d=window['kp2d'].numpy(), K=window['K'][0].numpy())
    out = tmp_path / 'out'
    result = _run([DEMO, *TINY, f'demo.checkpoint={trained / "iter_4.pth"}', f'demo.input={good}',
                   'demo.animation_step=10', '--work-dir', str(out)], tool='demo.py')
    assert result.returncode == 0, result.stderr[-3000:]
    assert np.load(out / 'recovered.npz')['poses'].shape == (30, 165) and not (out / 'metrics.json').exists()
    bad = tmp_path / 'bad.npz'
    np.savez(bad, kp2d=window['kp2d'].numpy()[:, :10])
    failed = _run([DEMO, *TINY, f'demo.checkpoint={trained / "iter_4.pth"}', f'demo.input={bad}',
                   '--work-dir', str(tmp_path / 'bad_out')], tool='demo.py')
    assert failed.returncode == 2 and "missing keys ['K']" in failed.stderr and 'Traceback' not in failed.stderr
    assert not (tmp_path / 'bad_out' / 'recovered.npz').exists()


def test_codec_statistics_spread_over_the_dataset():
    # a dataset listing its windows clip by clip: the statistics' windows span all of it, not its first clips
    from unihmr.apis.codec_stats import stats_indices
    assert stats_indices(1000, 4) == [0, 333, 666, 999]
    assert stats_indices(20000, 256)[-1] == 19999 and len(stats_indices(20000, 256)) == 256
    assert stats_indices(3, 256) == [0, 1, 2] and stats_indices(0, 8) == []


def test_fit_codec_stats_reads_the_spread_windows(monkeypatch):
    # the windows fit_codec_stats hands to its loader are stats_indices', not the dataset's first ones
    from mmengine.config import Config

    import unihmr.apis.codec_stats as codec_stats
    seen = {}

    class Stop(Exception):
        pass

    def record(dataset, indices):
        seen['indices'] = list(indices)
        raise Stop

    monkeypatch.setattr(codec_stats, 'Subset', record)
    monkeypatch.setattr(codec_stats.DATASETS, 'build', lambda cfg: list(range(1000)))
    cfg = Config(dict(train_dataloader=dict(dataset=dict(type='AnyDataset')), codec_stats=dict(num_windows=4)))
    with pytest.raises(Stop):
        codec_stats.fit_codec_stats(None, cfg)
    assert seen['indices'] == [0, 333, 666, 999]
