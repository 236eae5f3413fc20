"""Every paradigm side by side: ``python tools/compare.py SUITE [--num-windows N] [--sweep-windows N] [--seed 0]
[--no-cost] [--doc docs/leaderboard.md] [--results-dir DIR] [--device cpu] [--real-motion-root DIR]``.

Evaluates each entry of the suite (``configs/suites/*.py``; format in ``unihmr/apis/suite.py``) on its splits,
pairs it with the split's reference (per-sequence bootstrap intervals), times every entry on one long sequence in
the same run, evaluates the suite's sweeps (error against seconds; ``docs/images/pareto_<split>.png``) and writes the
leaderboard (``docs/leaderboard.md`` and a JSON beside it) atomically. Evaluations are
kept in ``--results-dir`` (default ``outputs/compare/<suite>``) under a fingerprint of what produced them, so a
killed run continues where it stopped and an unchanged entry is not evaluated twice. Paths in the suite and relative
``--doc`` / ``--results-dir`` are relative to the repository root. A bad suite, config override or checkpoint is
one line and exit code 2, before any evaluation.
"""
import argparse
import datetime
import json
import shlex
import sys
from pathlib import Path

from tqdm import tqdm

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / 'tools'))

from bench_common import machine  # noqa: E402
from unihmr.apis.cli import exit_on_user_error, stop_cleanly_on_sigterm  # noqa: E402
from unihmr.apis.compare import (entry_config, evaluate_entry, measure_cost, paired_rows,  # noqa: E402
                                 result_paths)
from unihmr.apis.leaderboard import render_json, render_markdown  # noqa: E402
from unihmr.apis.suite import load_suite  # noqa: E402
from unihmr.apis.sweeps import SIDE_METRICS, is_sweep_entry, knee, plot_pareto, sweep_entries  # noqa: E402
from unihmr.utils.io import check_writable_dir, write_text  # noqa: E402


def check_entries(suite, real_root) -> None:
    """Every (entry, split) config resolves (overrides, test sets) before the first evaluation."""
    for entry in suite.entries:
        for split in entry.splits:
            entry_config(entry, suite.splits[split], ROOT, real_root)
    for _, _, entry in sweep_entries(suite):
        entry_config(entry, suite.splits[entry.splits[0]], ROOT, real_root)


def collect_sweeps(suite, sweep_points, documents: dict, image_dir: Path) -> dict:
    """split -> the curves of its sweeps (points with label, windows, seconds per window and the split's sweep
    metric), the reference point, each curve's knee and the figure's path (written here)."""
    sweeps = {}
    for name, label, entry in sweep_points:
        split = entry.splits[0]
        metric = suite.sweep_metric.get(split, 'mpjpe')
        document = documents[entry.name]
        point = {'label': label, 'windows': document['windows'], 'seconds_per_window': document['seconds_per_window'],
                 **{name: document['metrics'].get(name) for name in (metric, *SIDE_METRICS)}}
        section = sweeps.setdefault(split, {'metric': metric, 'curves': {}, 'reference': {}, 'knees': {}})
        if label == 'reference':
            section['reference'][name] = point
        else:
            section['curves'].setdefault(name, []).append(point)
    for split, section in sweeps.items():
        section['knees'] = {name: knee(points, section['metric']) for name, points in section['curves'].items()}
        section['figure'] = str(image_dir / f'pareto_{split}.png')
        plot_pareto(section['curves'], section['reference'], section['metric'], Path(section['figure']),
                    f"{suite.name}: {split}, first {suite.sweep_windows} windows")
    return sweeps


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('suite', help='suite file, e.g. configs/suites/cpu_synthetic.py')
    parser.add_argument('--num-windows', type=int, default=None, help="first N windows of each split for every entry "
                        "(default: the entry's or the suite's num_windows, else all)")
    parser.add_argument('--sweep-windows', type=int, default=None,
                        help="windows of each sweep point (default: the suite's sweep_windows, else 16)")
    parser.add_argument('--seed', type=int, default=0, help='evaluation seed (noise of the sampling heads; default 0)')
    parser.add_argument('--no-cost', action='store_true', help='skip the timing pass (the cost table stays empty)')
    parser.add_argument('--doc', default=None, help="leaderboard markdown (default: the suite's doc)")
    parser.add_argument('--results-dir', default=None, help="evaluation files (default: the suite's results_dir)")
    parser.add_argument('--device', default='cpu', help="torch device, e.g. 'cpu' or 'cuda'")
    parser.add_argument('--real-motion-root', default=None, help='converted real motion for the real_* splits')
    parser.add_argument('--render-only', action='store_true',
                        help="rewrite the markdown and figures from the leaderboard's JSON (no evaluation, no timing)")
    args = parser.parse_args(argv)
    stop_cleanly_on_sigterm()
    for option in ('num_windows', 'sweep_windows'):
        value = getattr(args, option)
        if value is not None and value < 1:
            parser.exit(2, f"error: --{option.replace('_', '-')} must be a positive integer, got {value}\n")
    suite = exit_on_user_error(load_suite, args.suite, ROOT)
    if args.num_windows:  # every entry's window count, its own included
        suite = suite._replace(entries=tuple(entry._replace(num_windows=None) for entry in suite.entries))
    suite = suite._replace(num_windows=args.num_windows or suite.num_windows, doc=args.doc or suite.doc,
                           sweep_windows=args.sweep_windows or suite.sweep_windows,
                           results_dir=args.results_dir or suite.results_dir)
    doc, results_dir = ROOT / suite.doc, ROOT / suite.results_dir  # an absolute path stays as it is
    exit_on_user_error(check_writable_dir, doc.parent)
    if args.render_only:
        if not doc.with_suffix('.json').is_file():
            parser.exit(2, f'error: --render-only: {doc.with_suffix(".json")} not found (run the suite first)\n')
        report = json.loads(doc.with_suffix('.json').read_text())
        for split, section in report.get('sweeps', {}).items():  # the figures too, from the stored points
            plot_pareto(section['curves'], section['reference'], section['metric'], Path(section['figure']),
                        f'{suite.name}: {split}, first {suite.sweep_windows} windows')
        write_text(doc, render_markdown(suite, report, doc))
        print(f'wrote {doc} (and its figures) from {doc.with_suffix(".json")}')
        return
    exit_on_user_error(check_writable_dir, results_dir)
    exit_on_user_error(check_entries, suite, args.real_motion_root)

    sweep_points = sweep_entries(suite)
    jobs = [(entry, split) for entry in suite.entries for split in entry.splits]
    jobs += [(entry, entry.splits[0]) for _, _, entry in sweep_points]
    results, windows, documents = {}, {}, {}
    for entry, split in tqdm(jobs, desc='evaluating', unit='run'):
        document = exit_on_user_error(evaluate_entry, entry, suite.splits[split], suite, ROOT, results_dir,
                                      args.seed, args.device, args.real_motion_root)
        documents[entry.name] = document
        if not is_sweep_entry(entry):
            results.setdefault(split, {})[entry.name] = document['metrics']
            windows.setdefault(split, {})[entry.name] = document['windows']
    sweeps = collect_sweeps(suite, sweep_points, documents, doc.parent / 'images')
    shown = [metric for group in suite.metrics.values() for metric in group]
    paired = {}
    for split, reference in suite.reference.items():
        entries = {e.name: e for e in suite.entries}
        reference_csv = result_paths(results_dir, entries[reference], split)[1]
        paired[split] = {name: paired_rows(reference_csv, result_paths(results_dir, entries[name], split)[1], shown)
                         for name in results.get(split, {}) if name != reference}
    cost = {}
    if not args.no_cost:
        timed = [entry for entry in suite.entries if entry.baseline is None]
        for entry in tqdm(timed, desc='timing', unit='entry'):
            cost[entry.name] = exit_on_user_error(measure_cost, entry, suite.splits[entry.splits[0]], suite, ROOT,
                                                  args.device, args.seed)
    report = {'suite': suite.path, 'command': 'python tools/compare.py ' + shlex.join(argv or sys.argv[1:]),
              'date': datetime.date.today().isoformat(), 'seed': args.seed, 'machine': machine(),
              'windows': windows, 'results': results, 'paired': paired, 'cost': cost, 'sweeps': sweeps}
    write_text(doc.with_suffix('.json'), render_json(report))
    write_text(doc, render_markdown(suite, report, doc))
    print(f'wrote {doc} and {doc.with_suffix(".json")} ({len(jobs)} evaluations, {len(cost)} entries timed)')


if __name__ == '__main__':
    main()
