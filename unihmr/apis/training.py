"""Training with mmengine's Runner: build it from a config, set the codec statistics, train."""
from pathlib import Path

import torch
from mmengine.dist import get_rank
from mmengine.runner import Runner

from unihmr.apis.config import save_config


def build_runner(cfg, work_dir, launcher: str = 'none', resume=None) -> Runner:
    """An mmengine Runner for ``cfg`` writing to ``work_dir``; ``resume`` is None, 'auto' or a checkpoint."""
    cfg.work_dir = str(work_dir)
    cfg.launcher = launcher
    if resume is not None:
        cfg.resume = True
        cfg.load_from = None if resume == 'auto' else str(resume)
    if launcher != 'none' and not torch.cuda.is_available():
        # mmengine 0.10.7 calls torch.cuda.set_device while joining the process group, and passes
        # device_ids=[LOCAL_RANK] to DDP, which only GPU modules accept: join the group here (the Runner
        # then skips its own set-up) and wrap CPU modules without device ids.
        if not torch.distributed.is_initialized():
            backend = cfg.get('env_cfg', {}).get('dist_cfg', {}).get('backend', 'gloo')
            torch.distributed.init_process_group(backend=backend)
        cfg.model_wrapper_cfg = dict(type='MMDistributedDataParallel', device_ids=None, broadcast_buffers=False)
    return Runner.from_cfg(cfg)


def train(runner: Runner, cfg) -> torch.nn.Module:
    """Compute the codec statistics (fresh runs only), save the resolved config, and train."""
    if not cfg.get('resume', False):
        from unihmr.apis.codec_stats import fit_codec_stats
        fit_codec_stats(runner.model, cfg)
    if get_rank() == 0:
        save_config(cfg, Path(runner.work_dir))
    return runner.train()
