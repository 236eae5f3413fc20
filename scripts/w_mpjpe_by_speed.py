"""Diagnostic (docs/results.md, issue 15): per-window world error against the ground-truth root speed.

Reads the per-window CSVs that ``tools/test.py --out`` writes for the synthetic test split and bins ``w_mpjpe`` by
the window's mean root speed (m/s, from the test windows of the config's test loader).

    .venv/bin/python scripts/w_mpjpe_by_speed.py configs/gvhmr/gvhmr_cpu_synthetic.py \
        synthetic_only=checkpoints/gvhmr_cpu_synthetic/results_clean.csv \
        keypoints_mix=checkpoints/gvhmr_cpu_keypoints_mixed/results_synthetic_clean.csv
"""
import argparse
import csv

import numpy as np
import torch
from mmengine.config import Config

import unihmr.data  # noqa: F401  (registers the datasets)
from unihmr.registry import DATASETS

BINS = (0.0, 0.3, 0.8, 1.3, float('inf'))  # m/s


def root_speeds(config: str) -> dict:
    """seq_id -> mean root speed (m/s) of the config's test windows."""
    cfg = Config.fromfile(config)
    dataset = DATASETS.build(cfg.test_dataloader.dataset)
    speeds = {}
    for index in range(len(dataset)):
        window = dataset[index]
        transl = window['smpl_params']['transl_w']  # (T, 3) metres
        fps = float(window['meta'].get('fps', 30.0))
        speeds[window['meta']['seq_id']] = float((transl[1:] - transl[:-1]).norm(dim=-1).mean()) * fps
    return speeds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='a config whose test loader gives the windows of the CSVs')
    parser.add_argument('results', nargs='+', help='NAME=per-window CSV of tools/test.py')
    args = parser.parse_args()
    torch.set_num_threads(1)
    speeds = root_speeds(args.config)
    columns = {}
    for item in args.results:
        name, path = item.split('=', 1)
        with open(path) as handle:
            columns[name] = {row['seq_id']: float(row['w_mpjpe']) for row in csv.DictReader(handle)}
    ids = sorted(speeds)
    speed = np.array([speeds[i] for i in ids])
    print('| root speed (m/s) | windows | ' + ' | '.join(columns) + ' |')
    print('|---|---|' + '---|' * len(columns))
    for low, high in zip(BINS[:-1], BINS[1:]):
        inside = (speed >= low) & (speed < high)
        means = [np.mean([column[i] for i, keep in zip(ids, inside) if keep]) for column in columns.values()]
        label = f'{low:g}-{high:g}' if np.isfinite(high) else f'{low:g} and faster'
        print(f'| {label} | {inside.sum()} | ' + ' | '.join(f'{m:.0f}' for m in means) + ' |')


if __name__ == '__main__':
    main()
