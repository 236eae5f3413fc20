"""Prepare EgoBody for fast loading: ``python tools/prepare_egobody.py EGOBODY_ROOT OUT_DIR [--split test]``.

Reads the per-frame SMPL-X fits ``smplx_<person>_<split>/<recording>/body_idx_<k>/results/frame_<id>/000.pkl``,
the Kinect calibrations (``calibrations/``, ``kinect_cam_params/``) and the per-view OpenPose keypoints
(RoHM's ``keypoints_cleaned/<recording>/<view>/``) below EGOBODY_ROOT. Each selected body and view becomes one
sequence of SMPL-X parameters in our world, with cameras and COCO-17 keypoints (``unihmr.data.datasets.egobody``).
Writes one ``.npz`` per sequence plus ``index.json`` to OUT_DIR. Then use
``EgoBodyDataset(root=OUT_DIR, ...)`` with the same options. RoHM's occluded evaluation set: ``--subset
egobody_rohm_info.csv --people interactee camera_wearer`` (see docs/data.md).
"""
from unihmr.data.datasets.egobody import EgoBodyDataset
from unihmr.data.egobody_files import PEOPLE, SPLITS, VIEWS
from unihmr.data.datasets.prepare_cli import prepare_parser, run_prepare


def main(argv=None):
    parser = prepare_parser(__doc__.splitlines()[0])
    parser.add_argument('--split', default='test', choices=SPLITS)
    parser.add_argument('--people', nargs='+', default=['interactee'], choices=PEOPLE)
    parser.add_argument('--recordings', nargs='+', default=None, help='recording names to keep (default: all)')
    parser.add_argument('--views', nargs='+', default=None, choices=VIEWS,
                        help='Kinect views to keep (default: every view with keypoints)')
    parser.add_argument('--subset', default=None,
                        help='CSV of recording_name, view[, target_idx] rows to keep (RoHM: egobody_rohm_info.csv); '
                             'relative to EGOBODY_ROOT or absolute')
    parser.add_argument('--keypoints-dir', default='keypoints_cleaned')
    parser.add_argument('--vis-threshold', type=float, default=0.2)
    parser.add_argument('--undistort-keypoints', action='store_true',
                        help="undistort the keypoints with Color.json's camera_mtx and k")
    parser.add_argument('--joint-mask', action='store_true', help="AND vis with RoHM's mask_joint/<rec>/<view>")
    parser.add_argument('--source-fps', type=float, default=30.0, help='frame rate of the Kinect frames')
    parser.add_argument('--world-up', default='y', help="up in EgoBody's scene frame: an axis, 'camera' or 'body'")
    parser.add_argument('--bbox-scale', type=float, default=1.2)
    args = parser.parse_args(argv)
    return run_prepare(EgoBodyDataset, args, split=args.split, people=args.people, recordings=args.recordings,
                       views=args.views, subset=args.subset, keypoints_dir=args.keypoints_dir,
                       vis_threshold=args.vis_threshold, undistort_keypoints=args.undistort_keypoints,
                       joint_mask=args.joint_mask, source_fps=args.source_fps, world_up=args.world_up,
                       bbox_scale=args.bbox_scale)


if __name__ == '__main__':
    main()
