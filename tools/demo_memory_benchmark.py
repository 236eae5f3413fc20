"""``tools/benchmark.py --only demo_memory``: peak memory and wall time of the recovery demo against the length
of a keypoint file (1k, 5k, 20k frames).

Each length runs ``tools/demo.py`` in its own process on a keypoint file that repeats the 300 frames of the
synthetic demo sequence (its keypoints, camera and boxes), with the shipped regression model; the process's peak
resident memory comes from ``os.wait4``. The GIF draws about 100 frames at every length
(``demo.animation_step`` = length / 100), so the table shows how inference, posing and the npz scale, and that
the streamed rendering (``recover_demo._animation``) keeps memory flat. Target (DESIGN section 10): 20,000 frames
under 2 GB.
"""
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
LENGTHS = (1000, 5000, 20000)
DRAWN_FRAMES = 100


def _keypoint_file(path: Path, num_frames: int) -> None:
    from unihmr.apis.config import load_config
    from unihmr.apis.recover_demo import demo_window
    cfg = load_config(ROOT / 'configs' / 'demo' / 'recover_synthetic.py')
    window = demo_window(dict(cfg.demo), int(cfg.model.encoder.feat_dim))
    repeats = -(-num_frames // window['kp2d'].shape[0])
    tile = lambda value: np.concatenate([value.numpy()] * repeats)[:num_frames]  # noqa: E731
    np.savez(path, kp2d=tile(window['kp2d']), K=tile(window['K']), bbox=tile(window['bbox']),
             R_w2c=tile(window['R_w2c']), img_feat=tile(window['img_feat']), fps=float(window['meta']['fps']))


def _run(num_frames: int, folder: Path) -> dict:
    path = folder / f'keypoints_{num_frames}.npz'
    _keypoint_file(path, num_frames)
    command = [sys.executable, str(ROOT / 'tools' / 'demo.py'), str(ROOT / 'configs' / 'demo' / 'recover_synthetic.py'),
               f'demo.input={path}', f'demo.animation_step={max(1, num_frames // DRAWN_FRAMES)}',
               '--work-dir', str(folder / f'out_{num_frames}')]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f'demo on {num_frames} frames failed: {process.stderr.read().decode()[-2000:]}')
    return dict(frames=num_frames, seconds=seconds, peak_mb=usage.ru_maxrss / 1024.0,  # Linux: kilobytes
                drawn=len(range(0, num_frames, max(1, num_frames // DRAWN_FRAMES))))


def bench_demo_memory(args) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        results = [_run(num_frames, Path(folder)) for num_frames in LENGTHS]
    rows = [f"| {r['frames']:,} | {r['drawn']} | {r['seconds']:.1f} | {r['peak_mb']:.0f} |" for r in results]
    markdown = '\n'.join([
        '`tools/demo.py configs/demo/recover_synthetic.py demo.input=<keypoint file>`, one process per length, the '
        'shipped CPU regression model, a keypoint file repeating the synthetic demo sequence; about 100 GIF frames at '
        'every length. Peak resident memory of the process (`os.wait4`), wall time including start-up and model '
        'loading. Target: 20,000 frames under 2 GB.',
        '',
        '| frames | GIF frames | wall s | peak MB |',
        '|---|---|---|---|',
        *rows,
    ])
    return {'title': 'Demo memory and time against sequence length', 'markdown': markdown, 'results': results}
