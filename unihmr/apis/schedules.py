"""The learning-rate schedule every training config shares, written once (``lr_schedule`` in a config).

``lr_schedule = dict(warmup=..., start_factor=..., eta_min=...)`` stands for mmengine's two ``param_scheduler``
entries: a linear warm-up from ``start_factor`` over the first ``warmup`` iterations, then cosine annealing to
``eta_min`` at the run's (or the phase's) ``train_cfg.max_iters``. :func:`resolve_lr_schedule` writes them into
``cfg.param_scheduler`` when the Runner is built, so an override of ``train_cfg.max_iters`` (or a phase's own
iteration count) moves the end of the schedule with it. A config that wants other schedulers sets
``lr_schedule = None`` and writes ``param_scheduler`` itself.
"""

LR_SCHEDULE_KEYS = ('warmup', 'start_factor', 'eta_min')


def warmup_cosine(end: int, warmup: int = 500, start_factor: float = 0.1, eta_min: float = 1e-6) -> list:
    """mmengine ``param_scheduler`` entries: linear warm-up over ``warmup`` iterations, cosine to ``end``. A run
    shorter than its warm-up (a smoke test) is all warm-up: the cosine part is left out."""
    if warmup <= 0 or end <= 0:
        raise ValueError(f'lr_schedule: need warmup > 0 and max_iters > 0, got warmup={warmup}, max_iters={end}')
    linear = dict(type='LinearLR', start_factor=start_factor, by_epoch=False, begin=0, end=warmup)
    if warmup >= end:
        return [linear]
    return [linear, dict(type='CosineAnnealingLR', by_epoch=False, begin=warmup, end=end, eta_min=eta_min)]


def resolve_lr_schedule(cfg):
    """Set ``cfg.param_scheduler`` from ``cfg.lr_schedule`` and ``cfg.train_cfg.max_iters`` (no-op without
    ``lr_schedule``); returns ``cfg``."""
    schedule = cfg.get('lr_schedule')
    if not schedule:
        return cfg
    unknown = sorted(set(schedule) - set(LR_SCHEDULE_KEYS))
    if unknown:
        raise ValueError(f'lr_schedule: unknown keys {unknown}; known: {list(LR_SCHEDULE_KEYS)}')
    cfg.param_scheduler = warmup_cosine(int(cfg.train_cfg.max_iters), **dict(schedule))
    return cfg
