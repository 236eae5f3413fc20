"""Compare the procedural motion with real mocap joint by joint: ``python tools/motion_stats.py REAL_DIR [--out DIR]``.

REAL_DIR holds AMASS-style SMPL-X files (``tools/prepare_bvh.py`` output, or AMASS itself), read with
``AMASSDataset``'s reader at 30 fps. The synthetic side is ``--windows`` training windows of the generator
(``sample_motion``, seed 0, 120 frames at 30 fps). Prints a markdown table (rotation range and angular speed
per joint, and the share of real frames inside the synthetic range: ``unihmr.data.motion_stats``) and writes
``DIR/motion_stats.png`` and ``DIR/motion_stats.md``; ``--secondary`` adds the generator's secondary motion (as
the real-motion training mix does) and names the files ``motion_stats_secondary.*``. A missing or empty
REAL_DIR exits with status 2.
"""
import argparse
import sys
from pathlib import Path

import numpy as np

from unihmr.data.datasets.format_checks import DatasetFormatError

FPS = 30.0


def synthetic_sequences(num_windows: int, seed: int, body_model, secondary: bool = False) -> list:
    from tqdm import tqdm

    from unihmr.data.synthetic.motion import sample_motion
    return [sample_motion(120, FPS, np.random.default_rng([seed, i]), body_model, secondary=secondary)['body_pose']
            .numpy()
            for i in tqdm(range(num_windows), desc='synthetic motion', unit='window')]


def real_sequences(root, body_model) -> list:
    from unihmr.data.datasets.amass import find_amass_files, iter_amass_sequences
    root = Path(root)
    files = find_amass_files(root)
    return [seq['body_pose'] for seq in iter_amass_sequences(files, root, body_model, fps=FPS, ground=False)]


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('real', help='folder of AMASS-style SMPL-X files (e.g. tools/prepare_bvh.py output)')
    parser.add_argument('--out', default='outputs/motion_stats', help='folder for motion_stats.png and .md')
    parser.add_argument('--windows', type=int, default=200, help='synthetic 120-frame windows (default 200)')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--secondary', action='store_true', help="the generator's secondary motion on")
    args = parser.parse_args(argv)
    from unihmr.body import EmbeddedSMPLX
    from unihmr.data.motion_stats import figure, summarize, table
    from unihmr.utils.io import write_text
    body_model = EmbeddedSMPLX()
    try:
        real = summarize(real_sequences(args.real, body_model), FPS)
    except (FileNotFoundError, DatasetFormatError) as error:
        print(f'error: {error}', file=sys.stderr)
        raise SystemExit(2) from None
    synthetic = summarize(synthetic_sequences(args.windows, args.seed, body_model, args.secondary), FPS)
    text = table(synthetic, real)
    out = Path(args.out)
    name = 'motion_stats_secondary' if args.secondary else 'motion_stats'
    figure(synthetic, real, out / f'{name}.png')
    write_text(out / f'{name}.md', text + '\n')
    print(text)
    return dict(synthetic=synthetic, real=real)


if __name__ == '__main__':
    main()
