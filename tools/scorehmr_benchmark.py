"""Section ``scorehmr`` of ``tools/benchmark.py``: the cost of ScoreHMR refinement behind the regression model.

Seconds of ``Recoverer.recover`` on one 1193-frame synthetic sequence for the CPU-size GVHMR-style model
alone and with the ScoreHMR refiner (keypoint + temporal guidance; tau = 50, step 2), both timed in one run,
with one refinement round and with the configured maximum of rounds (the loop may stop earlier). Randomly
initialised weights: the timing does not depend on them, except through the number of rounds run.
"""
from pathlib import Path

from bench_common import median_seconds

ROOT = Path(__file__).resolve().parents[1]
REGRESSION = 'configs/gvhmr/gvhmr_cpu_synthetic.py'
REFINED = 'configs/scorehmr/gvhmr_scorehmr_cpu_synthetic.py'
FRAMES = 1193


def bench_scorehmr(args) -> dict:
    from unihmr.apis.config import load_config
    from unihmr.data.collate import collate_windows
    from unihmr.data.datasets.synthetic import SyntheticMotionDataset
    from unihmr.registry import MODELS

    sequence = collate_windows([SyntheticMotionDataset(split='test', num_windows=1, window=FRAMES,
                                                       severity='heavy')[0]])
    regression = MODELS.build(dict(load_config(ROOT / REGRESSION).model)).eval()
    rows = [{'model': 'regression', 'rounds': 0,
             'seconds': median_seconds(lambda: regression.recover(sequence), 3, warmup=1)}]
    for rounds in (1, 10):
        cfg = load_config(ROOT / REFINED, ['model.stages.1.prior_checkpoint=null',
                                           f'model.stages.1.max_rounds={rounds}', 'model.stages.1.rel_tol=0.0'])
        refined = MODELS.build(dict(cfg.model)).eval()
        rows.append({'model': 'regression + ScoreHMR', 'rounds': rounds,
                     'seconds': median_seconds(lambda: refined.recover(sequence), 1, warmup=0)})
    base = rows[0]['seconds']
    for row in rows:
        row.update(frames=FRAMES, fps=FRAMES / row['seconds'], ratio=row['seconds'] / base)
    table = [f"| {r['model']} | {r['rounds']} | {r['seconds']:.2f} | {r['fps']:,.1f} | {r['ratio']:.1f}x |"
             for r in rows]
    markdown = '\n'.join([
        f'`Recoverer.recover` on one {FRAMES}-frame synthetic sequence, CPU sizes, randomly initialised weights, '
        'timed in one run. Each ScoreHMR round is a DDIM inversion to tau = 50 and a guided DDIM pass back, '
        'step 2 (25 + 25 denoiser calls; the guided ones take the guidance gradient through the body model at the '
        "denoiser's clean estimate, not through the denoiser: ScoreHMR's released default, "
        '`grad_through_denoiser=False`).',
        '',
        '| model | rounds | seconds | frames/s | ratio to regression |',
        '|---|---|---|---|---|',
        *table,
    ])
    return {'title': 'ScoreHMR refinement cost', 'markdown': markdown, 'results': rows}
