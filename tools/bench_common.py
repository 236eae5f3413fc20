"""Timing helpers shared by the sections of ``tools/benchmark.py`` and by ``tools/compare.py``."""
import os
import platform
import re
import statistics
import time
from importlib.metadata import version
from pathlib import Path

import numpy as np
import torch


def median_seconds(fn, repeats: int, warmup: int = 2) -> float:
    """Median wall time of ``fn()`` over ``repeats`` calls after ``warmup`` calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def ratio_table(rows: list, frames: int) -> list:
    """Markdown rows ``| model | setting | seconds | frames/s | ratio |`` of timed ``rows`` (dicts with ``model``,
    ``setting``, ``seconds`` and optionally their own ``frames``, default ``frames``), each row also given ``frames``,
    ``fps`` and ``ratio``: its seconds per frame over the first row's."""
    for row in rows:
        row.setdefault('frames', frames)
        row['fps'] = row['frames'] / row['seconds']
    base = rows[0]['seconds'] / rows[0]['frames']
    for row in rows:
        row['ratio'] = row['seconds'] / row['frames'] / base
    return [f"| {r['model']} | {r['setting']} | {r['seconds']:.2f} | {r['fps']:,.1f} | {r['ratio']:.0f}x |"
            for r in rows]


def machine() -> dict:
    """CPU model, cores, library versions and torch's thread count."""
    cpu = platform.processor() or 'unknown'
    cpuinfo = Path('/proc/cpuinfo')
    if cpuinfo.exists():
        models = re.findall(r'^model name\s*:\s*(.+)$', cpuinfo.read_text(), flags=re.MULTILINE)
        cpu = models[0].strip() if models else cpu
    return {'cpu': cpu, 'cores': os.cpu_count(), 'torch': torch.__version__, 'numpy': np.__version__,
            'mannequin_x': version('mannequin-x'), 'torch_threads': torch.get_num_threads(),
            'python': platform.python_version()}
