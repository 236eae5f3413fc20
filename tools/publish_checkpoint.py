"""Ship a trained model: ``python tools/publish_checkpoint.py WORK_DIR OUT_DIR [--checkpoint iter_N.pth]``.

Copies, from a ``tools/train.py`` work dir, the weights of a checkpoint (the ``state_dict`` and ``meta``,
without the optimizer state, so the file is small; loads with ``weights_only=True``), the resolved
config and the training log (the newest ``<timestamp>/<timestamp>.log``) into ``OUT_DIR``. For a multi-phase
work dir (``phases``, e.g. FactorizedHMR) the last phase's checkpoint and config are shipped, with one
``train_<phase>.log`` per phase. ``--keep PREFIX ...`` keeps only the weights whose names start with a
prefix (e.g. ``--keep encoder. stages.0. --name anchor.pth --weights-only`` ships a Stage-1 anchor). WORK_DIR may
also be a shipped weights file (``model.pth``): with ``--keep`` and ``--weights-only`` it cuts a part out of a
shipped model (the anchor of ``checkpoints/factorizedhmr_cpu_keypoints_mixed/anchor.pth``). ``--half``
stores the network weights in float16 (codec statistics stay float32) to keep a file under the repository's 10 MB
limit; they load into the float32 model as they are (RoHM's CPU model: docs/rohm.md says what it costs).
"""
import argparse
import json
import shutil
from pathlib import Path

import torch

from unihmr.apis.training import PHASE_DONE
from unihmr.utils.io import atomic_path


def _phases(work_dir: Path) -> list:
    """(name, phase dir) of every finished phase in ``work_dir``, in order; [] for a single-phase run."""
    done = [json.loads(path.read_text()) for path in work_dir.glob(f'*/{PHASE_DONE}')]
    return [(record['phase'], work_dir / record['phase']) for record in sorted(done, key=lambda r: r['index'])]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('work_dir', type=Path)
    parser.add_argument('out_dir', type=Path)
    parser.add_argument('--checkpoint', default=None, help='checkpoint file name (default: the last one)')
    parser.add_argument('--name', default='model.pth', help='file name of the shipped weights')
    parser.add_argument('--keep', nargs='+', default=None, help='ship only weights starting with these prefixes')
    parser.add_argument('--weights-only', action='store_true', help='do not copy the config and logs')
    parser.add_argument('--half', action='store_true', help='network weights in float16 (codec statistics kept)')
    args = parser.parse_args(argv)
    if args.work_dir.is_file():
        if not args.weights_only:
            raise SystemExit(f'error: {args.work_dir} is a weights file: it has no config or logs to copy '
                             '(add --weights-only)')
        phases, run_dir, name = [], args.work_dir.parent, args.work_dir.name
    elif not args.work_dir.is_dir():
        raise SystemExit(f'error: work dir not found: {args.work_dir}')
    else:
        phases = _phases(args.work_dir)
        run_dir = phases[-1][1] if phases else args.work_dir
        if not args.checkpoint and not (run_dir / 'last_checkpoint').is_file():
            raise SystemExit(f'error: no checkpoint recorded in {run_dir} (missing last_checkpoint)')
        name = args.checkpoint or (run_dir / 'last_checkpoint').read_text().strip().split('/')[-1]
    checkpoint = torch.load(run_dir / name, map_location='cpu', weights_only=True)
    state = checkpoint['state_dict']
    if args.keep:
        state = {key: value for key, value in state.items() if key.startswith(tuple(args.keep))}
        if not state:
            raise SystemExit(f'error: no weights start with {args.keep}')
    if args.half:
        state = {key: value.half() if value.is_floating_point() and '.codec.' not in key else value
                 for key, value in state.items()}
    args.out_dir.mkdir(parents=True, exist_ok=True)
    with atomic_path(args.out_dir / args.name) as tmp:
        torch.save({'state_dict': state, 'meta': checkpoint.get('meta', {})}, tmp)
    copied = []
    if not args.weights_only:
        shutil.copyfile(run_dir / 'config.py', args.out_dir / 'config.py')
        copied.append('config.py')
        for phase, phase_dir in phases or [(None, args.work_dir)]:
            logs = sorted(phase_dir.glob('*/*.log'))
            if logs:
                target = 'train.log' if phase is None else f'train_{phase}.log'
                shutil.copyfile(logs[-1], args.out_dir / target)
                copied.append(target)
    size = (args.out_dir / args.name).stat().st_size / 2 ** 20
    print(f'{args.out_dir}/{args.name} ({size:.1f} MiB) from {run_dir / name}; ' + '; '.join(copied))


if __name__ == '__main__':
    main()
