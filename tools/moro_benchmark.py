"""Section ``moro`` of ``tools/benchmark.py``: the cost of MoRo on the 1193-frame sequence.

Seconds of ``Recoverer.recover`` on one 1193-frame synthetic sequence (heavy occlusion) for MoRo at CPU size
(32 tokens, width 128) at T = 1 and T = 5 MaskGIT passes, the same split into decoding and the SMPL-X fit, and for
the CPU-size keypoint-only regression model, all timed in one run; with ``--moro-paper`` also the paper-size
config (87 tokens, width 1024) at T = 5, once, on the first ``--moro-paper-frames`` frames (default all: about an hour
on this CPU). Randomly initialised weights: the timing does not depend on them. Ratios are per frame.
The paper reports 70 frames/s on an H200, without a breakdown.
"""
from pathlib import Path

from bench_common import median_seconds, ratio_table

ROOT = Path(__file__).resolve().parents[1]
REGRESSION = 'configs/gvhmr/gvhmr_cpu_keypoints_mixed.py'
MORO = 'configs/moro/moro_cpu_keypoints_mixed.py'
MORO_PAPER = 'configs/moro/moro_paper_mixed.py'
FRAMES = 1193
PAPER_FPS = 70.0


def bench_moro(args) -> dict:
    from unihmr.apis.config import load_config
    from unihmr.data.collate import collate_windows
    from unihmr.data.datasets.synthetic import SyntheticMotionDataset
    from unihmr.models.batch_ops import slice_time
    from unihmr.registry import MODELS

    sequence = collate_windows([SyntheticMotionDataset(split='test', num_windows=1, window=FRAMES,
                                                       severity='heavy')[0]])
    regression = MODELS.build(dict(load_config(ROOT / REGRESSION).model)).eval()
    rows = [{'model': 'keypoint-only regression', 'setting': '-',
             'seconds': median_seconds(lambda: regression.recover(sequence), 3, warmup=1)}]
    moro = MODELS.build(dict(load_config(ROOT / MORO).model)).eval()
    head = moro.stages[0]
    fit_iters = head.fit['iters']
    for steps in (1, 5):
        rows.append({'model': 'MoRo (CPU size)', 'setting': f'T = {steps}, fit {fit_iters} iterations',
                     'seconds': median_seconds(lambda: moro.recover(sequence, num_steps=steps), 1, warmup=1)})
    head.fit['iters'] = 0
    rows.append({'model': 'MoRo (CPU size)', 'setting': 'T = 5, closed-form fit start only (no iterations)',
                 'seconds': median_seconds(lambda: moro.recover(sequence, num_steps=5), 1, warmup=0)})
    head.fit['iters'] = fit_iters
    if getattr(args, 'moro_paper', False):
        paper = MODELS.build(dict(load_config(ROOT / MORO_PAPER).model)).eval()
        frames = min(int(getattr(args, 'moro_paper_frames', None) or FRAMES), FRAMES)
        part = slice_time(sequence, 0, frames)
        rows.append({'model': 'MoRo (paper size)', 'setting': f'T = 5, the first {frames} frames', 'frames': frames,
                     'seconds': median_seconds(lambda: paper.recover(part, num_steps=5), 1, warmup=0)})
    table = ratio_table(rows, FRAMES)
    markdown = '\n'.join([
        f'`Recoverer.recover` on one {FRAMES}-frame synthetic sequence (heavy occlusion), randomly initialised '
        'weights, timed in one run. MoRo decodes each 120-frame window (overlap 30) in T passes of T_M and T_D, then '
        'smooths, decodes the meshes and fits SMPL-X to all frames at once. The paper: '
        f'{PAPER_FPS:.0f} frames/s on an H200 at paper size, no breakdown.',
        '',
        '| model | setting | seconds | frames/s | time per frame / regression |',
        '|---|---|---|---|---|',
        *table,
    ])
    return {'title': 'MoRo cost', 'markdown': markdown, 'results': rows}
