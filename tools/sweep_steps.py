"""Error vs steps of a generative model: ``python tools/sweep_steps.py CONFIG CHECKPOINT [key=value ...]
[--steps 1 2 5 10 20 50 100] [--out DIR]``.

Evaluates a checkpoint over ``cfg.test_dataloader`` once per step count, set as ``model.num_steps`` (the one
budget knob of every generative stage: ODE steps of the flow head, FactorizedHMR Fig. 7; DDIM steps of a
diffusion prior or refiner), with the same noise seed each time, and writes ``steps.json`` (steps -> metrics), ``steps.csv`` and ``steps.png``
(MPJPE, WA-MPJPE, PA-MPJPE and non-torso MPJPE against the step count, log axis) into ``--out``.
"""
import csv
import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402

from unihmr.apis.cli import exit_on_user_error, parse_tool_args, tool_parser  # noqa: E402
from unihmr.apis.config import save_config  # noqa: E402
from unihmr.utils.io import check_writable_dir  # noqa: E402
from unihmr.apis.inference import build_dataloader, build_model, evaluate  # noqa: E402
from unihmr.utils.io import atomic_path, write_text  # noqa: E402

PLOTTED = ('mpjpe', 'wa_mpjpe', 'pa_mpjpe', 'mpjpe_nontorso')  # the paper's Fig. 7 shows MPJPE and WA-MPJPE
PAPER_STEPS = [1, 2, 5, 10, 20, 50, 100]


def plot(rows: list, path: Path, title: str) -> None:
    fig, axes = plt.subplots(1, len(PLOTTED), figsize=(3.4 * len(PLOTTED), 3.0))
    steps = [row['steps'] for row in rows]
    for ax, name in zip(axes, PLOTTED):
        ax.plot(steps, [row[name] for row in rows], marker='o')
        ax.set_xscale('log')
        ax.set_xticks(steps, [str(s) for s in steps])
        ax.set_xlabel('steps (num_steps)')
        ax.set_ylabel(f'{name} (mm)')
        ax.grid(alpha=0.3)
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=110, format='png')
    plt.close(fig)


def main(argv=None):
    parser = tool_parser(__doc__.splitlines()[0], positionals=[('checkpoint', 'checkpoint file (.pth)')])
    parser.add_argument('--steps', type=int, nargs='+', default=PAPER_STEPS, help='step counts to evaluate')
    parser.add_argument('--out', default=None, help='output folder (default: the work dir)')
    parser.add_argument('--seed', type=int, default=0, help='noise seed, the same for every step count')
    args, cfg, work_dir = parse_tool_args(parser, 'sweep_steps', argv)
    if any(steps <= 0 for steps in args.steps):
        print(f'error: --steps must be positive integers, got {args.steps}', file=sys.stderr)
        raise SystemExit(2)
    model = exit_on_user_error(build_model, cfg, args.checkpoint)
    if not any(stage.takes_steps for stage in model.stages):
        print('error: no stage of this model takes a step count (num_steps): it has no generative head',
              file=sys.stderr)
        raise SystemExit(2)
    out = Path(args.out or work_dir)
    exit_on_user_error(check_writable_dir, out)  # before the evaluations, not after them
    cfg.evaluation_seed = args.seed  # written beside the curve with the config
    rows = []
    for steps in args.steps:
        model.num_steps = steps
        metrics, _ = evaluate(model, exit_on_user_error(build_dataloader, cfg.test_dataloader), cfg.test_evaluator,
                              progress=False, seed=args.seed)
        rows.append({'steps': steps, **{k: float(v) for k, v in metrics.items()}})
        print(f'steps {steps:>4}: ' + ', '.join(f'{name} {rows[-1][name]:.2f}' for name in PLOTTED))
    write_text(out / 'steps.json', json.dumps(rows, indent=2) + '\n')
    with atomic_path(out / 'steps.csv') as tmp, open(tmp, 'w', newline='') as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    plot(rows, out / 'steps.png', f'{Path(args.config).stem}: error vs steps')
    save_config(cfg, out)
    print(f'wrote {out}/steps.json, steps.csv and steps.png')


if __name__ == '__main__':
    main()
