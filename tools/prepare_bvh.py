"""Convert BVH mocap to AMASS-style SMPL-X files: ``python tools/prepare_bvh.py SRC OUT [--rig auto]``.

SRC is a ``.bvh`` file or a folder searched for them. Each clip is retargeted to the embedded SMPL-X body
(``unihmr.data.bvh.retarget``: up axis detected, rest alignment, rescaled joints, IK fit within the joint
limits) and written to ``OUT/<subject>/<clip>_stageii.npz`` in AMASS's layout and z-up world; read them with
``AMASSDataset(root=OUT)``. ``OUT/report.json`` holds the per-clip report (bone-direction error, joint-
position error, limit violations); a summary is printed. Rigs: ``cc`` (Character Creator, ``CC_Base_*``),
``cmu`` (cgspeed CMU), ``smplx`` (our own export), or ``--rig-map FILE.json`` mapping each SMPL-X body
joint name to a BVH joint name. A bad input exits with status 2 and one line, before anything is written.
"""
import argparse
import json
import sys

from unihmr.data.bvh.prepare import prepare_bvh
from unihmr.data.bvh.rigs import RIGS
from unihmr.data.datasets.format_checks import DatasetFormatError
from unihmr.registry import BODY_MODELS


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('source', help='a .bvh file or a folder of them')
    parser.add_argument('output', help='folder for the AMASS-style files and report.json')
    parser.add_argument('--rig', default='auto', choices=['auto', *RIGS], help='joint-name map (default: detected)')
    parser.add_argument('--rig-map', default=None, help='JSON file: SMPL-X body joint name -> BVH joint name')
    parser.add_argument('--rest', default=None, choices=['auto', 'zero', 'standing'],
                        help="reference pose of the rest alignment (default: the rig's)")
    parser.add_argument('--per-clip-alignment', action='store_true',
                        help='each clip takes its own rest alignment instead of one shared by all clips')
    parser.add_argument('--body-model', default='{"type": "EmbeddedSMPLX"}', help='body model config as JSON')
    return parser.parse_args(argv)


def load_rig_map(path):
    try:
        with open(path) as handle:
            rig_map = json.load(handle)
    except OSError as error:
        raise FileNotFoundError(f"--rig-map: cannot read '{path}' ({error.strerror})") from None
    except json.JSONDecodeError as error:
        raise DatasetFormatError(f"--rig-map: '{path}' is not JSON ({error.msg}, line {error.lineno})") from None
    if not isinstance(rig_map, dict) or not all(isinstance(v, str) for v in rig_map.values()):
        raise DatasetFormatError(f"--rig-map: '{path}' must hold an object of joint-name strings")
    return rig_map


def main(argv=None) -> dict:
    args = parse_args(argv)
    try:
        rig = load_rig_map(args.rig_map) if args.rig_map else args.rig
        body_model = BODY_MODELS.build(json.loads(args.body_model))
        report = prepare_bvh(args.source, args.output, body_model, rig=rig, rest=args.rest,
                             shared=not args.per_clip_alignment)
    except (FileNotFoundError, DatasetFormatError) as error:
        print(f'error: {error}', file=sys.stderr)
        raise SystemExit(2) from None
    summary = report['summary']
    print(f"{summary['clips']} clips, {summary['frames']} frames -> {args.output} (report: {args.output}/report.json); "
          f"bone direction {summary['bone_direction_deg_mean']:.2f} deg mean (worst clip p95 "
          f"{summary['bone_direction_deg_p95_max']:.1f}), joint position {summary['joint_position_mm_mean']:.1f} mm "
          f"mean (worst clip p95 {summary['joint_position_mm_p95_max']:.1f}), limit violations "
          f"{100 * summary['limit_violation_fraction']:.1f}% of joint-frames; "
          f"{summary['clips_cut_at_jumps']} clips cut to their longest stretch without a jump (kept_frames)")
    return report


if __name__ == '__main__':
    main()
