"""Evaluate a checkpoint: ``python tools/test.py CONFIG CHECKPOINT [key=value ...] [--out results.json]``.

Runs the model over ``cfg.test_dataloader`` with a progress bar, and writes every applicable metric
(DESIGN section 8) as a flat JSON of metric -> value, a per-sequence CSV and the resolved config
(``<results>.config.py``, beside the JSON).
Evaluate the heavy split with ``test_dataloader.dataset.severity=heavy``, or pick a named set with
``--test-set`` (``synthetic_clean``, ``synthetic_heavy``, ``real_clean``, ``real_heavy``: the held-out real
motion, read from ``--real-motion-root`` or ``UNIHMR_REAL_MOTION``; ``unihmr/apis/test_sets.py``).
"""
from pathlib import Path

from unihmr.apis.baselines import BASELINES
from unihmr.apis.cli import exit_on_user_error, parse_tool_args, tool_parser
from unihmr.apis.config import ConfigOverrideError, apply_overrides, load_config, save_config
from unihmr.apis.inference import build_dataloader, build_model, evaluate, write_results
from unihmr.apis.test_sets import TEST_SETS, test_set_dataset
from unihmr.utils.io import check_writable_dir


def main(argv=None):
    parser = tool_parser(__doc__.splitlines()[0], positionals=[('checkpoint', 'checkpoint file (.pth)')])
    parser.add_argument('--out', default=None, help='results JSON (default: <work-dir>/results.json)')
    parser.add_argument('--device', default='cpu', help="torch device, e.g. 'cpu' or 'cuda'")
    parser.add_argument('--seed', type=int, default=0,
                        help='torch seed set before evaluating (the noise of sampling heads; default 0)')
    parser.add_argument('--baseline', choices=sorted(BASELINES), default=None,
                        help='evaluate a reference built on the checkpoint instead of the model: mean_pose_gt_root '
                             '(training-mean pose at the GT root), gt_anchor (the later stages given the GT anchor) or '
                             'observation (the 3D observation of the test set itself: RoHM Table 1, "Input")')
    parser.add_argument('--test-set', choices=TEST_SETS, default=None,
                        help="evaluate on a named set instead of the config's test_dataloader.dataset")
    parser.add_argument('--real-motion-root', default=None,
                        help='folder of converted real motion for the real_* test sets (default: $UNIHMR_REAL_MOTION, '
                             'else data/cmu_amass)')
    args, cfg, work_dir = parse_tool_args(parser, 'test', argv)
    if args.test_set:  # the named set first, then the overrides (they may refine it: test_dataloader.dataset.*)
        repo_root = Path(__file__).resolve().parents[1]
        cfg = exit_on_user_error(load_config, args.config)
        cfg.test_dataloader.dataset = exit_on_user_error(test_set_dataset, args.test_set, repo_root,
                                                         args.real_motion_root)
        try:
            apply_overrides(cfg, args.overrides)
        except ConfigOverrideError as error:
            parser.exit(2, f'error: {error}\n')
    out = Path(args.out) if args.out else Path(work_dir) / 'results.json'
    exit_on_user_error(check_writable_dir, out.parent)  # before the evaluation, not after it
    model = exit_on_user_error(build_model, cfg, args.checkpoint, args.device)
    if args.baseline:
        try:
            model = BASELINES[args.baseline](model)
        except ValueError as error:  # the reference does not apply to this model
            parser.error(str(error))
    loader = exit_on_user_error(build_dataloader, cfg.test_dataloader)
    if hasattr(model, 'check_inputs'):  # what the stages need from a batch, checked on the first one before any work
        exit_on_user_error(model.check_inputs, next(iter(loader)))
    metrics, per_sequence = evaluate(model, loader, cfg.test_evaluator, args.device, seed=args.seed)
    write_results(metrics, per_sequence, out, out.with_suffix('.csv'))
    # beside the results, named after them: never over a shipped model's training config.py
    cfg.evaluation_seed = args.seed  # written beside the results with the config
    config_path = save_config(cfg, out.parent, name=f'{out.stem}.config.py')
    for name, value in metrics.items():
        print(f'{name:>22}: {value:.4f}')
    print(f'wrote {out}, {out.with_suffix(".csv")} and {config_path}')


if __name__ == '__main__':
    main()
