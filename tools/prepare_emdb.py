"""Prepare EMDB for fast loading: ``python tools/prepare_emdb.py EMDB_ROOT OUT_DIR [--split emdb1]``.

Reads every ``P*/<sequence>/*_data.pkl`` below EMDB_ROOT in the split, converts it to SMPL-X parameters in
our world with cameras and COCO-17 keypoints (``unihmr.data.datasets.emdb``), and writes one ``.npz`` per
sequence plus ``index.json`` to OUT_DIR. Then use ``EMDBDataset(root=OUT_DIR, split=...)``.
"""
from unihmr.data.datasets.emdb import EMDBDataset
from unihmr.data.datasets.prepare_cli import prepare_parser, run_prepare


def main(argv=None):
    parser = prepare_parser(__doc__.splitlines()[0])
    parser.add_argument('--split', default='emdb1', choices=('emdb1', 'emdb2', 'all'))
    parser.add_argument('--world-up', default='y', help="up in EMDB's world: an axis, 'camera' or 'body'")
    parser.add_argument('--bbox-scale', type=float, default=1.2)
    args = parser.parse_args(argv)
    return run_prepare(EMDBDataset, args, split=args.split, world_up=args.world_up, bbox_scale=args.bbox_scale)


if __name__ == '__main__':
    main()
