"""Train: ``python tools/train.py CONFIG [key=value ...] [--resume [CKPT]] [--launcher pytorch]``.

Uses mmengine's Runner (checkpoints, logs, validation on the synthetic splits). Before the first
iteration the codecs' normalisation statistics are computed from the training data (the same code as
``tools/compute_stats.py``) unless the run resumes; they are saved in every checkpoint. Distributed:
``torchrun --nproc_per_node=2 tools/train.py CONFIG --launcher pytorch`` (gloo on CPU). A config with
``phases`` (FactorizedHMR) trains them in order, each in ``<work-dir>/<phase name>/``.
"""
import os
import sys

from unihmr.apis.cli import exit_on_user_error, parse_tool_args, tool_parser
from unihmr.apis.training import build_runner, check_training_overrides, train, train_phases


def main(argv=None):
    parser = tool_parser(__doc__.splitlines()[0])
    parser.add_argument('--resume', nargs='?', const='auto', default=None,
                        help='resume from the latest checkpoint in the work dir, or from the given one')
    parser.add_argument('--launcher', choices=['none', 'pytorch'], default='none', help='job launcher')
    args, cfg, work_dir = parse_tool_args(parser, 'train', argv)
    world_size = int(os.environ.get('WORLD_SIZE', '1'))
    if args.launcher == 'none' and world_size > 1:  # torchrun started N copies that would each train alone
        print(f'error: started by torchrun (WORLD_SIZE={world_size}) without --launcher pytorch: each process would '
              'train alone into the same folder; add --launcher pytorch', file=sys.stderr)
        raise SystemExit(2)
    try:
        check_training_overrides(cfg, args.overrides)
    except ValueError as error:
        print(f'error: {error}', file=sys.stderr)
        raise SystemExit(2) from None
    if cfg.get('phases'):  # multi-stage methods: one Runner per phase, in <work_dir>/<phase name>/
        exit_on_user_error(train_phases, cfg, work_dir, launcher=args.launcher, resume=args.resume)
        return
    runner = exit_on_user_error(build_runner, cfg, work_dir, launcher=args.launcher, resume=args.resume)
    exit_on_user_error(train, runner, cfg)


if __name__ == '__main__':
    main()
