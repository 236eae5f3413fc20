"""Prepare 3DPW for fast loading: ``python tools/prepare_3dpw.py 3DPW_ROOT OUT_DIR [--split test]``.

Reads ``sequenceFiles/<split>/*.pkl`` below 3DPW_ROOT, converts each actor to SMPL-X parameters in our
world with cameras and COCO-17 keypoints (``unihmr.data.datasets.threedpw``), and writes one ``.npz`` per
sequence plus ``index.json`` to OUT_DIR. Then use ``ThreeDPWDataset(root=OUT_DIR, split=...)``.
"""
from unihmr.data.datasets.prepare_cli import prepare_parser, run_prepare
from unihmr.data.datasets.threedpw import ThreeDPWDataset


def main(argv=None):
    parser = prepare_parser(__doc__.splitlines()[0])
    parser.add_argument('--split', default='test', choices=('train', 'validation', 'test'))
    parser.add_argument('--world-up', default='y', help="up in 3DPW's world: an axis, 'camera' or 'body'")
    parser.add_argument('--bbox-scale', type=float, default=1.2)
    parser.add_argument('--vis-threshold', type=float, default=0.3)
    args = parser.parse_args(argv)
    return run_prepare(ThreeDPWDataset, args, split=args.split, world_up=args.world_up, bbox_scale=args.bbox_scale,
                       vis_threshold=args.vis_threshold)


if __name__ == '__main__':
    main()
