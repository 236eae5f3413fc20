"""The command line shared by ``tools/prepare_<dataset>.py``: read a dataset folder, write its cached form.

``prepare_<dataset>.py INPUT OUTPUT [--fps 30] [options]`` parses every file of INPUT in the dataset's
published format (progress bar on stderr), writes one ``.npz`` per prepared sequence and ``index.json``
to OUTPUT (``cache``), and prints a one-line summary. The loader then reads OUTPUT as its ``root`` with
the same settings (a mismatch is reported by name). A missing input exits with status 2 and one line.
"""
import argparse
import json
import sys

from unihmr.data.datasets.format_checks import DatasetFormatError


def prepare_parser(description: str) -> argparse.ArgumentParser:
    """Parser with the arguments every dataset shares; tools add their own (e.g. ``--split``)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument('input', help='the dataset folder in its published layout')
    parser.add_argument('output', help='folder for the cached form (created; files are replaced)')
    parser.add_argument('--fps', type=float, default=30.0, help='target frame rate (default 30)')
    parser.add_argument('--no-ground', dest='ground', action='store_false',
                        help='keep the height of the data instead of putting the lowest mesh point at y = 0')
    parser.add_argument('--body-model', default='{"type": "EmbeddedSMPLX"}',
                        help='body model config as JSON (default: the embedded SMPL-X)')
    return parser


def run_prepare(dataset_cls, args: argparse.Namespace, **options) -> int:
    """Build ``dataset_cls(args.input, ...)``, write its cache to ``args.output``; return the sequence count."""
    try:
        dataset = dataset_cls(args.input, fps=args.fps, ground=args.ground, body_model=json.loads(args.body_model),
                              **options)
        index = dataset.write_cache(args.output, progress=True)
    except (FileNotFoundError, DatasetFormatError) as error:
        print(f'error: {error}', file=sys.stderr)
        raise SystemExit(2) from None
    count = len(json.loads(index.read_text())['sequences'])
    print(f'{dataset_cls.dataset_name}: {count} sequences prepared in {args.output} (index: {index})')
    return count
