"""Section ``factorizedhmr`` of ``tools/benchmark.py``: FactorizedHMR vs the GVHMR-style regression model.

Inference seconds of ``Recoverer.recover`` on one 1193-frame synthetic sequence (FactorizedHMR section 4.2:
3.92 s vs 0.41 s on an RTX A5000, 50 denoising steps), both models timed side by side in one run, with the
flow head at 50 Euler steps and guidance 1.5 (conditional and unconditional branch in one batched forward)
and, for scale, at 10 steps. CPU size with ``--repeats`` timings; paper size with one timing each (a
paper-size 50-step run takes minutes on a CPU).
"""
from pathlib import Path

from bench_common import median_seconds

ROOT = Path(__file__).resolve().parents[1]
PAIRS = {'CPU': ('configs/gvhmr/gvhmr_cpu_synthetic.py', 'configs/factorizedhmr/factorizedhmr_cpu_synthetic.py'),
         'paper': ('configs/gvhmr/gvhmr_paper_synthetic.py', 'configs/factorizedhmr/factorizedhmr_paper_synthetic.py')}
FRAMES = 1193


def bench_factorizedhmr(args) -> dict:
    from unihmr.apis.config import load_config
    from unihmr.data.collate import collate_windows
    from unihmr.data.datasets.synthetic import SyntheticMotionDataset
    from unihmr.registry import MODELS

    sequence = collate_windows([SyntheticMotionDataset(split='test', num_windows=1, window=FRAMES,
                                                       severity='heavy')[0]])
    results = []
    for size, (regression_path, factorized_path) in PAIRS.items():
        repeats, warmup = (max(3, args.repeats // 2), 1) if size == 'CPU' else (1, 0)
        regression = MODELS.build(dict(load_config(ROOT / regression_path).model)).eval()
        factorized = MODELS.build(dict(load_config(ROOT / factorized_path).model)).eval()
        row = {'size': size, 'frames': FRAMES,
               'regression_s': median_seconds(lambda: regression.recover(sequence), repeats, warmup)}
        for steps in (50, 10):
            row[f'factorized_{steps}_s'] = median_seconds(lambda: factorized.recover(sequence, num_steps=steps),
                                                          repeats, warmup)
        row['ratio_50'] = row['factorized_50_s'] / row['regression_s']
        results.append(row)
    rows = [f"| {r['size']} | {r['regression_s']:.2f} | {r['factorized_50_s']:.2f} | {r['ratio_50']:.1f}x | "
            f"{r['factorized_10_s']:.2f} | {FRAMES / r['factorized_50_s']:,.0f} |" for r in results]
    markdown = '\n'.join([
        f'`Recoverer.recover` on one {FRAMES}-frame synthetic sequence (120-frame windows, 30 overlapping; float32, '
        '`torch.no_grad`; randomly initialised weights), both models in the same run. FactorizedHMR runs its '
        'Stage-1 regression, then the flow head (Euler, guidance 1.5: two branches per step in one forward). '
        'The paper reports 3.92 s vs 0.41 s (9.6x) on an RTX A5000 at 50 steps.',
        '',
        '| size | regression (s) | FactorizedHMR, 50 steps (s) | ratio | FactorizedHMR, 10 steps (s) | '
        'frames/s at 50 steps |',
        '|---|---|---|---|---|---|',
        *rows,
    ])
    return {'title': 'FactorizedHMR vs regression (inference)', 'markdown': markdown, 'results': results}
