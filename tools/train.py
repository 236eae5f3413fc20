"""Train: ``python tools/train.py CONFIG [key=value ...] [--resume [CKPT]] [--launcher pytorch]``.

Uses mmengine's Runner (checkpoints, logs, validation on the synthetic splits). Before the first
iteration the codecs' normalisation statistics are computed from the training data (the same code as
``tools/compute_stats.py``) unless the run resumes; they are saved in every checkpoint. Distributed:
``torchrun --nproc_per_node=2 tools/train.py CONFIG --launcher pytorch`` (gloo on CPU). A config with
``phases`` (FactorizedHMR) trains them in order, each in ``<work-dir>/<phase name>/``.
"""
import sys

from unihmr.apis.cli import parse_tool_args, tool_parser
from unihmr.apis.training import build_runner, check_phase_overrides, train, train_phases


def main(argv=None):
    parser = tool_parser(__doc__.splitlines()[0])
    parser.add_argument('--resume', nargs='?', const='auto', default=None,
                        help='resume from the latest checkpoint in the work dir, or from the given one')
    parser.add_argument('--launcher', choices=['none', 'pytorch'], default='none', help='job launcher')
    args, cfg, work_dir = parse_tool_args(parser, 'train', argv)
    try:
        check_phase_overrides(cfg, args.overrides)
    except ValueError as error:
        print(f'error: {error}', file=sys.stderr)
        raise SystemExit(2) from None
    if cfg.get('phases'):  # multi-stage methods: one Runner per phase, in <work_dir>/<phase name>/
        train_phases(cfg, work_dir, launcher=args.launcher, resume=args.resume)
        return
    runner = build_runner(cfg, work_dir, launcher=args.launcher, resume=args.resume)
    train(runner, cfg)


if __name__ == '__main__':
    main()
