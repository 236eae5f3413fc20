"""Training with mmengine's Runner: build it from a config, set the codec statistics, train.

Multi-stage methods (FactorizedHMR) declare ``phases`` in their config: a list of dicts, each with a ``name``
and config changes merged into the config for that phase (e.g. ``model=dict(train_stages=[1])``,
``train_cfg=dict(max_iters=...)``; the shared ``lr_schedule`` then ends at the phase's ``max_iters``). :func:`train_phases` runs them in order in
``<work_dir>/<name>/``; every phase after the first starts from the previous phase's last checkpoint
(``load_from``), so the last phase's checkpoint holds the whole model. A finished phase leaves
``phase_done.json``; ``--resume`` skips finished phases and resumes the interrupted one.
"""
import copy
import json
import time
from pathlib import Path

import torch
from mmengine.dist import get_rank
from mmengine.runner import Runner
from mmengine.runner.checkpoint import find_latest_checkpoint

import unihmr.engine  # noqa: F401  (atomic checkpoint writes, the hooks)
from unihmr.apis.config import save_config
from unihmr.apis.inference import CheckpointMismatchError, read_checkpoint
from unihmr.apis.schedules import resolve_lr_schedule
from unihmr.utils.io import write_text

PHASE_DONE = 'phase_done.json'



def build_runner(cfg, work_dir, launcher: str = 'none', resume=None) -> Runner:
    """An mmengine Runner for ``cfg`` writing to ``work_dir``; ``resume`` is None, 'auto' or a checkpoint."""
    cfg.work_dir = str(work_dir)
    cfg.launcher = launcher
    resolve_lr_schedule(cfg)
    if resume is not None:
        cfg.resume = True
        cfg.load_from = None if resume == 'auto' else str(resume)
        if cfg.load_from:
            check_resume_checkpoint(cfg.load_from)
    if launcher != 'none' and not torch.cuda.is_available():
        # mmengine 0.10.7 calls torch.cuda.set_device while joining the process group, and passes
        # device_ids=[LOCAL_RANK] to DDP, which only GPU modules accept: join the group here (the Runner
        # then skips its own set-up) and wrap CPU modules without device ids.
        if not torch.distributed.is_initialized():
            backend = cfg.get('env_cfg', {}).get('dist_cfg', {}).get('backend', 'gloo')
            torch.distributed.init_process_group(backend=backend)
        cfg.model_wrapper_cfg = dict(type='MMDistributedDataParallel', device_ids=None, broadcast_buffers=False)
    return Runner.from_cfg(cfg)


def resumes_a_checkpoint(cfg, work_dir) -> bool:
    """Whether the Runner will resume a checkpoint: ``resume`` with a given checkpoint, or one found in
    ``work_dir`` (mmengine's rule). A ``--resume`` with nothing to resume trains from scratch."""
    if not cfg.get('resume', False):
        return False
    return bool(cfg.get('load_from')) or find_latest_checkpoint(str(work_dir)) is not None


def check_load_from(model: torch.nn.Module, path) -> None:
    """``load_from`` may initialise part of a model (an ablation starts from a shipped anchor), but every tensor
    it holds must fit: a tensor the model does not have, or one of another shape (another method's checkpoint),
    raises ``CheckpointMismatchError`` before training."""
    state = read_checkpoint(path)
    state = state.get('state_dict', state)
    expected = model.state_dict()
    unexpected = sorted(key for key in state if key not in expected)
    resized = sorted(key for key in state if key in expected and state[key].shape != expected[key].shape)
    if unexpected or resized:
        def show(items):
            return f"{len(items)} ({', '.join(items[:3])}{', ...' if len(items) > 3 else ''})"
        raise CheckpointMismatchError(f'load_from={path} does not fit this model (another method\'s checkpoint?): '
                                      f'tensors it lacks {show(unexpected)}, of other shapes {show(resized)}')


def check_resume_checkpoint(path) -> None:
    """A checkpoint given to ``--resume PATH`` must be a training checkpoint (weights, optimizer state, iteration,
    logs), not a shipped model file; raise ``CheckpointMismatchError`` naming what it lacks."""
    state = read_checkpoint(path)
    missing = [key for key in ('state_dict', 'optimizer', 'meta', 'message_hub') if key not in state]
    if missing:
        raise CheckpointMismatchError(f'--resume {path}: not a training checkpoint (it has no {missing}); a shipped '
                                      'model starts a new training with load_from=PATH instead')


def train(runner: Runner, cfg) -> torch.nn.Module:
    """Compute the codec statistics (unless a checkpoint is resumed, which holds them; weights loaded by
    ``load_from`` then replace those of the codecs they cover), save the resolved config, and train."""
    if cfg.get('load_from') and not resumes_a_checkpoint(cfg, runner.work_dir):
        check_load_from(getattr(runner.model, 'module', runner.model), cfg.load_from)
    if not resumes_a_checkpoint(cfg, runner.work_dir):
        from unihmr.apis.codec_stats import fit_codec_stats
        fit_codec_stats(runner.model, cfg)
    if get_rank() == 0:
        save_config(cfg, Path(runner.work_dir))
    return runner.train()


def _last_checkpoint(work_dir: Path) -> str:
    """The checkpoint mmengine recorded as the last one saved in ``work_dir``."""
    record = work_dir / 'last_checkpoint'
    if not record.is_file():
        raise FileNotFoundError(f'no checkpoint was saved in {work_dir} (missing {record.name})')
    return record.read_text().strip()


def phase_config(cfg, phase: dict):
    """A copy of ``cfg`` with one phase's changes merged in (lists such as ``param_scheduler`` are replaced)."""
    phase = dict(phase)
    name = phase.pop('name', None)
    if not name:
        raise ValueError(f'phases: every phase needs a name, got {phase}')
    out = copy.deepcopy(cfg)
    out.merge_from_dict(phase)
    out.phase = name
    return out


def _flat_keys(node: dict, prefix: str = '') -> dict:
    """Nested dict -> {'a.b.c': value} of its leaves (dicts are walked; lists are leaves)."""
    out = {}
    for key, value in node.items():
        if isinstance(value, dict) and value:
            out.update(_flat_keys(value, f'{prefix}{key}.'))
        else:
            out[f'{prefix}{key}'] = value
    return out


# Top-level config keys that training reads: mmengine's Runner.from_cfg, and ours. Any other top-level key is a
# helper variable of the config file (``max_iters``, ``model_width``), used while the file was parsed.
TRAINING_KEYS = ('auto_scale_lr', 'custom_hooks', 'data_preprocessor', 'default_hooks', 'default_scope', 'env_cfg',
                 'experiment_name', 'launcher', 'load_from', 'log_level', 'log_processor', 'model', 'optim_wrapper',
                 'param_scheduler', 'randomness', 'resume', 'test_cfg', 'test_dataloader', 'test_evaluator',
                 'train_cfg', 'train_dataloader', 'val_cfg', 'val_dataloader', 'val_evaluator', 'visualizer',
                 'work_dir', 'codec_stats', 'lr_schedule', 'phases', 'model_wrapper_cfg')


def check_training_overrides(cfg, overrides) -> None:
    """Raise ``ValueError`` for an override that training would silently ignore: a top-level helper variable of the
    config file (read only while the file was parsed), or a key that every phase sets again."""
    for override in overrides:
        top = override.split('=', 1)[0].lstrip('+').split('.')[0]
        if top not in TRAINING_KEYS:
            raise ValueError(f"override {override.split('=', 1)[0]!r}: training does not read {top!r} (a helper "
                             'variable of the config file, used while the file was parsed); override the keys it '
                             'set instead, e.g. train_cfg.max_iters or model.encoder.width')
    check_phase_overrides(cfg, overrides)


def check_phase_overrides(cfg, overrides) -> None:
    """Raise ``ValueError`` for an override of a key that every phase sets again (it would be silently ignored,
    e.g. ``train_cfg.max_iters`` of a phased config), naming the per-phase keys to override instead."""
    if not cfg.get('phases'):
        return
    per_phase = [_flat_keys({k: v for k, v in dict(phase).items() if k != 'name'}) for phase in cfg.phases]
    for override in overrides:
        key = override.split('=', 1)[0].lstrip('+')
        hits = [(index, flat_key) for index, flat in enumerate(per_phase) for flat_key in flat
                if flat_key == key or flat_key.startswith(key + '.') or key.startswith(flat_key + '.')]
        if hits:
            names = ', '.join(f"phases.{index}.{flat_key} ({cfg.phases[index]['name']}: "
                              f"{per_phase[index][flat_key]!r})" for index, flat_key in hits)
            raise ValueError(f'override {key!r}: this config sets it per phase, so it would be ignored; '
                             f'override {names} instead')


def train_phases(cfg, work_dir, launcher: str = 'none', resume=None) -> list:
    """Run ``cfg.phases`` in order (see the module docstring); returns the last checkpoint of each phase."""
    work_dir, checkpoints, previous = Path(work_dir), [], None
    for index, phase in enumerate(cfg.phases):
        phase_cfg = phase_config(cfg, phase)
        phase_dir = work_dir / phase_cfg.phase
        done = phase_dir / PHASE_DONE
        if resume is not None and done.is_file():
            previous = json.loads(done.read_text())['checkpoint']
            checkpoints.append(previous)
            continue
        phase_resume = 'auto' if resume is not None and (phase_dir / 'last_checkpoint').is_file() else None
        if previous is not None:
            phase_cfg.load_from = previous
        phase_cfg.experiment_name = f'{phase_cfg.phase}_{time.strftime("%Y%m%d_%H%M%S")}'
        runner = build_runner(phase_cfg, phase_dir, launcher=launcher, resume=phase_resume)
        train(runner, phase_cfg)
        previous = _last_checkpoint(phase_dir)
        checkpoints.append(previous)
        if get_rank() == 0:
            write_text(done, json.dumps(dict(phase=phase_cfg.phase, index=index, checkpoint=previous), indent=2))
    return checkpoints
