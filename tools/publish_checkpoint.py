"""Ship a trained model: ``python tools/publish_checkpoint.py WORK_DIR OUT_DIR [--checkpoint iter_N.pth]``.

Copies, from a ``tools/train.py`` work dir, the weights of a checkpoint (the ``state_dict`` and ``meta``,
without the optimizer state, so the file is small; loads with ``weights_only=True``), the resolved
config and the training log (the newest ``<timestamp>/<timestamp>.log``) into ``OUT_DIR``.
"""
import argparse
import shutil
from pathlib import Path

import torch

from unihmr.utils.io import atomic_path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('work_dir', type=Path)
    parser.add_argument('out_dir', type=Path)
    parser.add_argument('--checkpoint', default=None, help='checkpoint file name (default: the last one)')
    args = parser.parse_args(argv)
    if not args.work_dir.is_dir():
        raise SystemExit(f'error: work dir not found: {args.work_dir}')
    name = args.checkpoint or (args.work_dir / 'last_checkpoint').read_text().strip().split('/')[-1]
    checkpoint = torch.load(args.work_dir / name, map_location='cpu', weights_only=True)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    with atomic_path(args.out_dir / 'model.pth') as tmp:
        torch.save({'state_dict': checkpoint['state_dict'], 'meta': checkpoint.get('meta', {})}, tmp)
    shutil.copyfile(args.work_dir / 'config.py', args.out_dir / 'config.py')
    logs = sorted(args.work_dir.glob('*/*.log'))
    if logs:
        shutil.copyfile(logs[-1], args.out_dir / 'train.log')
    size = (args.out_dir / 'model.pth').stat().st_size / 2 ** 20
    print(f'{args.out_dir}/model.pth ({size:.1f} MiB) from {name}; config.py; train.log')


if __name__ == '__main__':
    main()
