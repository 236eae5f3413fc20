"""Prepare RICH for fast loading: ``python tools/prepare_rich.py RICH_ROOT OUT_DIR [--split test] [--camera 0]``.

Reads every sequence of the split under ``RICH_ROOT/bodies/<split>/`` (per-frame SMPL-X fits) with the chosen camera
of ``RICH_ROOT/scan_calibration/``, converts it to SMPL-X parameters in our world with the camera and COCO-17
keypoints (``unihmr.data.datasets.rich``), and writes one ``.npz`` per sequence plus ``index.json`` to OUT_DIR.
Then use ``RICHDataset(root=OUT_DIR, split=..., camera=...)``.
"""
from unihmr.data.datasets.prepare_cli import prepare_parser, run_prepare
from unihmr.data.datasets.rich import RICHDataset


def main(argv=None):
    parser = prepare_parser(__doc__.splitlines()[0])
    parser.add_argument('--split', default='test', choices=('train', 'val', 'test'))
    parser.add_argument('--camera', type=int, default=0, help='camera view (its scan_calibration/<SCENE>/calibration '
                                                              'file <camera:03d>.xml)')
    parser.add_argument('--world-up', default='body', help="up in the scan's world: an axis, 'camera' or 'body'")
    parser.add_argument('--bbox-scale', type=float, default=1.2)
    args = parser.parse_args(argv)
    return run_prepare(RICHDataset, args, split=args.split, camera=args.camera, world_up=args.world_up,
                       bbox_scale=args.bbox_scale)


if __name__ == '__main__':
    main()
