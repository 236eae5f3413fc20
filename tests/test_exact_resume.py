"""A phased training (FactorizedHMR) killed in phase 2 and resumed ends with the same weights and losses as an
uninterrupted run: the checkpoints carry the random-number states, validation does not consume the training
stream, and a resume continues the saved stream (``unihmr.engine.safe_checkpoint``)."""
import json
from pathlib import Path

import pytest
import torch
from mmengine.hooks import Hook

from unihmr.apis import training
from unihmr.apis.config import load_config

REPO = Path(__file__).resolve().parents[1]


CONFIG = REPO / 'configs' / 'factorizedhmr' / 'factorizedhmr_cpu_synthetic.py'
TINY = ['model.encoder.width=32', 'model.stages.0.backbone.width=32', 'model.stages.0.backbone.depth=1',
        'model.stages.0.backbone.heads=2', 'model.stages.1.backbone.width=32', 'model.stages.1.backbone.depth=1',
        'model.stages.1.backbone.heads=2', 'model.stages.1.encoder.width=32', 'model.stages.1.sampler.steps=2',
        'train_dataloader.batch_size=2', 'train_dataloader.num_workers=0', 'train_dataloader.persistent_workers=false',
        'train_dataloader.dataset.window=24', 'val_dataloader.dataset.num_windows=2',
        'val_dataloader.dataset.window=24', 'val_dataloader.batch_size=2', 'codec_stats.num_windows=8',
        'codec_stats.batch_size=4', 'default_hooks.checkpoint.interval=2', 'default_hooks.logger.interval=1',
        'phases.0.train_cfg.max_iters=2', 'phases.0.train_cfg.val_interval=1000',
        'phases.1.train_cfg.max_iters=5', 'phases.1.train_cfg.val_interval=2']  # validation at 2 and 4


class _KilledAfter(Hook):
    """Raises after the checkpoint of iteration ``iters`` of the phase ``phase`` is saved (as a kill would)."""

    priority = 'LOWEST'

    def __init__(self, phase: str, iters: int):
        self.phase, self.iters = phase, iters

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        if runner.cfg.get('phase') == self.phase and runner.iter + 1 == self.iters:
            raise KeyboardInterrupt('killed')


def _train(work_dir, resume=None, kill=None, monkeypatch=None):
    cfg = load_config(CONFIG, TINY)
    if kill is not None:
        build = training.build_runner

        def build_and_kill(*args, **kwargs):
            runner = build(*args, **kwargs)
            runner.register_hook(kill)
            return runner
        monkeypatch.setattr(training, 'build_runner', build_and_kill)
    try:
        return training.train_phases(cfg, work_dir, resume=resume)
    finally:
        if kill is not None:
            monkeypatch.setattr(training, 'build_runner', build)


def _losses(phase_dir):
    rows = [json.loads(line) for path in sorted(phase_dir.glob('*/vis_data/scalars.json'))
            for line in path.read_text().splitlines()]
    return {row['iter']: row['loss'] for row in rows if 'loss' in row}


@pytest.mark.slow
def test_a_phase_2_kill_and_resume_ends_where_an_uninterrupted_run_ends(tmp_path, monkeypatch):
    torch.set_num_threads(1)
    whole = _train(tmp_path / 'whole')
    with pytest.raises(KeyboardInterrupt):
        _train(tmp_path / 'killed', kill=_KilledAfter('stage2', 2), monkeypatch=monkeypatch)
    assert (tmp_path / 'killed' / 'stage2' / 'iter_2.pth').exists()
    assert not (tmp_path / 'killed' / 'stage2' / 'iter_4.pth').exists()
    resumed = _train(tmp_path / 'killed', resume='auto')
    final_whole = torch.load(whole[-1], weights_only=True)['state_dict']
    final_resumed = torch.load(resumed[-1], weights_only=True)['state_dict']
    assert whole[-1].endswith('iter_5.pth') and resumed[-1].endswith('iter_5.pth')
    assert sorted(final_whole) == sorted(final_resumed)
    for key, value in final_whole.items():
        assert torch.equal(value, final_resumed[key]), key
    uninterrupted, continued = _losses(tmp_path / 'whole' / 'stage2'), _losses(tmp_path / 'killed' / 'stage2')
    assert set(continued) >= {3, 4, 5} and all(continued[i] == uninterrupted[i] for i in (3, 4, 5))
