"""Prepare AMASS for fast loading: ``python tools/prepare_amass.py AMASS_ROOT OUT_DIR [--fps 30]``.

Reads every SMPL-X ``*_stageii.npz`` below AMASS_ROOT (or ``--pattern``), converts it to our world (y up,
grounded), resamples it and labels contacts (``unihmr.data.datasets.amass``), and writes one ``.npz`` per
sequence plus ``index.json`` to OUT_DIR. Then use ``AMASSDataset(root=OUT_DIR)``.
"""
from unihmr.data.datasets.amass import AMASSDataset
from unihmr.data.datasets.prepare_cli import prepare_parser, run_prepare


def main(argv=None):
    parser = prepare_parser(__doc__.splitlines()[0])
    parser.add_argument('--pattern', default='**/*_stageii.npz', help='glob of the motion files below AMASS_ROOT')
    parser.add_argument('--subsets', nargs='*', default=None, help='only these top-level folders (e.g. ACCAD CMU)')
    args = parser.parse_args(argv)
    return run_prepare(AMASSDataset, args, pattern=args.pattern, subsets=args.subsets)


if __name__ == '__main__':
    main()
