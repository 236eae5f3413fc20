"""Every paradigm side by side: ``python tools/compare.py SUITE [--num-windows N] [--seed 0] [--no-cost]
[--doc docs/leaderboard.md] [--results-dir DIR] [--device cpu] [--real-motion-root DIR]``.

Evaluates each entry of the suite (``configs/suites/*.py``; format in ``unihmr/apis/suite.py``) on its splits,
pairs it with the split's reference (per-sequence bootstrap intervals), times every entry on one long sequence in
the same run, and writes the leaderboard (``docs/leaderboard.md`` and a JSON beside it) atomically. Evaluations are
kept in ``--results-dir`` (default ``outputs/compare/<suite>``) under a fingerprint of what produced them, so a
killed run continues where it stopped and an unchanged entry is not evaluated twice. Paths in the suite and relative
``--doc`` / ``--results-dir`` are relative to the repository root. A bad suite, config override or checkpoint is
one line and exit code 2, before any evaluation.
"""
import argparse
import datetime
import shlex
import sys
from pathlib import Path

from tqdm import tqdm

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / 'tools'))

from bench_common import machine  # noqa: E402
from unihmr.apis.cli import exit_on_user_error, stop_cleanly_on_sigterm  # noqa: E402
from unihmr.apis.compare import (entry_config, evaluate_entry, measure_cost, paired_rows,  # noqa: E402
                                 result_paths, stored_windows)
from unihmr.apis.leaderboard import render_json, render_markdown  # noqa: E402
from unihmr.apis.suite import load_suite  # noqa: E402
from unihmr.utils.io import check_writable_dir, write_text  # noqa: E402


def check_entries(suite, real_root) -> None:
    """Every (entry, split) config resolves (overrides, test sets) before the first evaluation."""
    for entry in suite.entries:
        for split in entry.splits:
            entry_config(entry, suite.splits[split], ROOT, real_root)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('suite', help='suite file, e.g. configs/suites/cpu_synthetic.py')
    parser.add_argument('--num-windows', type=int, default=None, help="first N windows of each split (default: the "
                        "suite's num_windows, else all)")
    parser.add_argument('--seed', type=int, default=0, help='evaluation seed (noise of the sampling heads; default 0)')
    parser.add_argument('--no-cost', action='store_true', help='skip the timing pass (the cost table stays empty)')
    parser.add_argument('--doc', default=None, help="leaderboard markdown (default: the suite's doc)")
    parser.add_argument('--results-dir', default=None, help="evaluation files (default: the suite's results_dir)")
    parser.add_argument('--device', default='cpu', help="torch device, e.g. 'cpu' or 'cuda'")
    parser.add_argument('--real-motion-root', default=None, help='converted real motion for the real_* splits')
    args = parser.parse_args(argv)
    stop_cleanly_on_sigterm()
    if args.num_windows is not None and args.num_windows < 1:
        parser.exit(2, f'error: --num-windows must be a positive integer, got {args.num_windows}\n')
    suite = exit_on_user_error(load_suite, args.suite, ROOT)
    suite = suite._replace(num_windows=args.num_windows or suite.num_windows, doc=args.doc or suite.doc,
                           results_dir=args.results_dir or suite.results_dir)
    doc, results_dir = ROOT / suite.doc, ROOT / suite.results_dir  # an absolute path stays as it is
    exit_on_user_error(check_writable_dir, doc.parent)
    exit_on_user_error(check_writable_dir, results_dir)
    exit_on_user_error(check_entries, suite, args.real_motion_root)

    jobs = [(entry, split) for entry in suite.entries for split in entry.splits]
    results, windows = {}, {}
    for entry, split in tqdm(jobs, desc='evaluating', unit='run'):
        metrics = exit_on_user_error(evaluate_entry, entry, suite.splits[split], suite, ROOT, results_dir, args.seed,
                                     args.device, args.real_motion_root)
        results.setdefault(split, {})[entry.name] = metrics
        windows[split] = stored_windows(result_paths(results_dir, entry, split)[0])
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
              'windows': windows, 'results': results, 'paired': paired, 'cost': cost}
    write_text(doc.with_suffix('.json'), render_json(report))
    write_text(doc, render_markdown(suite, report))
    print(f'wrote {doc} and {doc.with_suffix(".json")} ({len(jobs)} evaluations, {len(cost)} entries timed)')


if __name__ == '__main__':
    main()
