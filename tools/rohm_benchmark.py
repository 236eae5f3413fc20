"""Section ``rohm`` of ``tools/benchmark.py``: the cost of RoHM at CPU size on the 1193-frame sequence.

Seconds of ``Recoverer.recover`` on one 1193-frame synthetic sequence (its 3D observation: noise level 3, lower body
masked) for RoHM's CPU-size 3D-observation config at the paper's default (K = 2 iterations, TrajNet 100 and PoseNet
1000 DDPM steps, skating guidance for t <= 50), at the tables' 100 steps and at the fast setting (``FAST``), and
for the CPU-size keypoint-only regression model on the same sequence, all timed in one run. Randomly initialised
weights: the timing does not depend on them. The paper reports about 24 frames/s on an A100 (10 clips of 144
frames in 59 s).
"""
from pathlib import Path

from bench_common import median_seconds, ratio_table

ROOT = Path(__file__).resolve().parents[1]
REGRESSION = 'configs/gvhmr/gvhmr_cpu_keypoints_mixed.py'
ROHM = 'configs/rohm/rohm_cpu_mixed.py'
FRAMES = 1193
PAPER_FPS = 10 * 144 / 59
FAST = dict(num_steps=50)  # the knee of the error-against-steps curve (docs/rohm.md, "Results")
TABLES = dict(num_steps=100)  # the step count of docs/rohm.md's Tables 1 and 4


def bench_rohm(args) -> dict:
    from unihmr.apis.config import load_config
    from unihmr.data.collate import collate_windows
    from unihmr.data.datasets import CorruptedMotionDataset
    from unihmr.data.datasets.synthetic import SyntheticMotionDataset
    from unihmr.registry import MODELS

    source = SyntheticMotionDataset(split='test', num_windows=1, window=FRAMES, severity='heavy')
    sequence = collate_windows([CorruptedMotionDataset(source, level=3, occlusion='lower_body')[0]])
    regression = MODELS.build(dict(load_config(ROOT / REGRESSION).model)).eval()
    rows = [{'model': 'keypoint-only regression', 'setting': '-',
             'seconds': median_seconds(lambda: regression.recover(sequence), 3, warmup=1)}]
    rohm = MODELS.build(dict(load_config(ROOT / ROHM).model)).eval()
    settings = [('default: K = 2, TrajNet 100, PoseNet 1000', {}),
                (f"tables: K = 2, TrajNet 100, PoseNet {TABLES['num_steps']} (respaced DDPM)", TABLES),
                (f"fast: K = 2, TrajNet 100, PoseNet {FAST['num_steps']} (respaced DDPM)", FAST)]
    for name, setting in settings:
        steps = {key: value for key, value in setting.items() if key != 'num_steps'}
        rows.append({'model': 'RoHM (CPU size)', 'setting': name,
                     'seconds': median_seconds(lambda: rohm.recover(sequence, num_steps=setting.get('num_steps'),
                                                                    **steps), 1, warmup=0)})
    table = ratio_table(rows, FRAMES)
    markdown = '\n'.join([
        f'`Recoverer.recover` on one {FRAMES}-frame synthetic sequence (RoHM: its 3D observation, noise level 3, '
        'lower body masked), CPU sizes, randomly initialised weights, timed in one run. RoHM denoises every '
        '120-frame window (overlap 30) of the sequence in one batch; the skating guidance (t <= 50) takes its '
        f'gradient through the body model. The paper: about {PAPER_FPS:.0f} frames/s on an A100 at paper size.',
        '',
        '| model | setting | seconds | frames/s | ratio to regression |',
        '|---|---|---|---|---|',
        *table,
    ])
    return {'title': 'RoHM cost', 'markdown': markdown, 'results': rows}
