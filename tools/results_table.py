"""Markdown tables of results: result JSONs side by side, or a paired per-sequence comparison of two CSVs.

Side by side: ``python tools/results_table.py LABEL=results.json ... [--metrics mpjpe pa_mpjpe ...]``
(default: every metric present in any file, in the order of the first). Rows are metrics, columns the
labelled files; a metric missing from a file, or NaN, shows as '–'. Used to write docs/results.md from
the files ``tools/test.py`` produced, without copying numbers by hand.

Paired: ``python tools/results_table.py --paired A=a.csv B=b.csv [--metrics m1 m2 ...] [--resamples 10000]
[--seed 0] [--level 0.95] [--weight frames|none] [--json OUT]`` reads the per-sequence CSVs ``tools/test.py``
writes beside its JSONs (columns ``seq_id``, ``num_frames``, then one per metric; default metrics: every
metric column of both files, in A's order). Per metric, rows are paired by ``seq_id`` (those in both files
with finite values in both; the table's ``n``; ``A=s0.csv+s1.csv+s2.csv`` first averages each sequence over the
files, e.g. the evaluations of several training seeds), and it reports mean A, mean B, the mean difference B - A,
a percentile bootstrap interval of that difference (pairs resampled with replacement; a fresh
``default_rng(seed)`` per metric, so a row does not depend on the others), on how many pairs B is lower,
and the verdict: 'tie' when the interval contains 0, else which is lower. ``--json OUT`` writes the same
numbers (NaN as null), atomically.

Means: ``tools/test.py`` pools the per-frame values of all sequences, so long sequences weigh more, and
each CSV cell is the mean over one sequence. By default (``--weight frames``) the per-sequence values
(and resampled pairs) are weighted by ``num_frames``, which reproduces the JSON exactly for metrics with
one value per frame (mpjpe, pa_mpjpe, ...) when all sequences pair up, and closely for differences over
time (accel, jitter: T-2 / T-3 values each). It cannot for metrics pooled over selected joints or events
(``*_vis``/``*_occ``, foot_sliding, contact_acc) nor for ``uncertainty_corr`` (a pooled correlation): there
it is the frame-weighted mean of per-sequence means, not the JSON value. ``--weight none`` gives the plain
mean over the paired sequences.

Bad input in paired mode (file, column, cell, no seq_id overlap, unknown metric, option value) is one
line on stderr and exit code 2.
"""
import argparse
import json
import math
import sys
from pathlib import Path

from unihmr.evaluation.paired import (InputError, choose_metrics, compare_metric, pair_indices, pair_weights,
                                      parse_spec, read_averaged_csvs)
from unihmr.utils.io import OutputPathError, check_writable_dir, write_text


def load(specs):
    columns = []
    for spec in specs:
        label, sep, path = spec.partition('=')
        if not sep or not label or not path:
            raise SystemExit(f'error: expected LABEL=path.json, got {spec!r}')
        if not Path(path).is_file():
            raise SystemExit(f'error: results file not found: {path}')
        columns.append((label, json.loads(Path(path).read_text())))
    return columns


def table(columns, metrics=None) -> str:
    if metrics is None:
        metrics = []
        for _, values in columns:
            metrics += [name for name in values if name not in metrics and not name.endswith('_nonfinite_frames')]

    def cell(values, name):
        value = values.get(name)
        return '–' if value is None or (isinstance(value, float) and math.isnan(value)) else f'{value:.2f}'

    lines = ['| metric | ' + ' | '.join(label for label, _ in columns) + ' |',
             '|---|' + '---|' * len(columns)]
    lines += [f'| `{name}` | ' + ' | '.join(cell(values, name) for _, values in columns) + ' |' for name in metrics]
    return '\n'.join(lines)


# ---------------------------------------------------------------- paired per-sequence comparison

def paired_table(rows: dict, labels, level: float) -> str:
    """Markdown table of ``rows`` (metric -> ``compare_metric`` result)."""
    a, b = labels
    percent = f'{100 * level:g}%'
    lines = [f'| metric | n | mean {a} | mean {b} | {b} - {a} | {percent} CI low | {percent} CI high | '
             f'{b} lower on | verdict |', '|---|' + '---|' * 8]
    for name, row in rows.items():
        numbers = ['–' if math.isnan(row[key]) else f'{row[key]:.2f}'
                   for key in ('mean_a', 'mean_b', 'diff', 'ci_low', 'ci_high')]
        lines.append(f'| `{name}` | {row["n"]} | ' + ' | '.join(numbers) +
                     f' | {row["b_lower_on"]}/{row["n"]} | {row["verdict"]} |')
    return '\n'.join(lines)


def paired_json(rows: dict, specs, settings: dict) -> str:
    """The paired numbers as JSON text (NaN as null)."""
    def clean(value):
        return None if isinstance(value, float) and math.isnan(value) else value
    document = {'a': {'label': specs[0][0], 'path': specs[0][1]}, 'b': {'label': specs[1][0], 'path': specs[1][1]},
                **settings, 'metrics': {name: {k: clean(v) for k, v in row.items()} for name, row in rows.items()}}
    return json.dumps(document, indent=2, allow_nan=False) + '\n'


def check_settings(resamples: int, level: float, json_out) -> None:
    """Option values, and the ``--json`` target's folder, before any work."""
    if json_out is not None:
        if Path(json_out).is_dir():
            raise InputError(f'--json {json_out} is a folder, expected a file name')
        try:
            check_writable_dir(Path(json_out).parent)
        except OutputPathError as error:
            raise InputError(f'--json: {error}') from None
    if resamples < 1:
        raise InputError(f'--resamples must be >= 1, got {resamples}')
    if not 0.0 < level < 1.0:
        raise InputError(f'--level must be between 0 and 1 (exclusive), got {level}')


def run_paired(args) -> str:
    """Paired mode: returns the markdown text; writes ``args.json`` if given. InputError on bad input."""
    check_settings(args.resamples, args.level, args.json)
    specs = [parse_spec(spec) for spec in args.paired]
    labels = (specs[0][0], specs[1][0])
    if labels[0] == labels[1]:
        raise InputError(f'the two labels must differ, got {labels[0]!r} twice')
    a, b = (read_averaged_csvs(path) for _, path in specs)
    ia, ib = pair_indices(a, b)
    weights = pair_weights(a, b, ia, ib, args.weight)
    metrics = choose_metrics(a, b, args.metrics)
    rows = {name: compare_metric(a.metrics[name][ia], b.metrics[name][ib], weights, labels,
                                 args.resamples, args.level, args.seed) for name in metrics}
    weighting = 'weighted by num_frames' if args.weight == 'frames' else 'unweighted'
    caption = (f'Paired by seq_id: {len(ia)} in both ({labels[0]}: {len(a.seq_ids)} rows, {labels[1]}: '
               f'{len(b.seq_ids)}); n = pairs finite in both. Means {weighting}; {100 * args.level:g}% percentile '
               f'bootstrap over sequences of {labels[1]} - {labels[0]}, {args.resamples} resamples, seed {args.seed}.')
    if args.json:
        settings = {'pairs_by_seq_id': len(ia), 'weight': args.weight, 'resamples': args.resamples,
                    'seed': args.seed, 'level': args.level}
        write_text(args.json, paired_json(rows, specs, settings))
    return caption + '\n\n' + paired_table(rows, labels, args.level)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('results', nargs='*', help='LABEL=path.json (side-by-side mode)')
    parser.add_argument('--metrics', nargs='+', default=None, help='rows, in order (default: all)')
    parser.add_argument('--paired', nargs=2, metavar='LABEL=CSV', default=None,
                        help='paired mode: compare two per-sequence CSVs (B - A)')
    parser.add_argument('--resamples', type=int, default=10000, help='paired: bootstrap resamples (default 10000)')
    parser.add_argument('--seed', type=int, default=0, help='paired: bootstrap seed (default 0)')
    parser.add_argument('--level', type=float, default=0.95, help='paired: interval level (default 0.95)')
    parser.add_argument('--weight', choices=('frames', 'none'), default='frames',
                        help='paired: weight sequences by num_frames, as the JSON pools frames (default), or not')
    parser.add_argument('--json', default=None, metavar='OUT', help='paired: also write the numbers to this JSON')
    args = parser.parse_args(argv)
    if args.paired is None:
        if args.json:
            parser.error('--json is for the paired mode (--paired A=a.csv B=b.csv)')
        if not args.results:
            parser.error('give LABEL=results.json ... or --paired A=a.csv B=b.csv')
        sys.stdout.write(table(load(args.results), args.metrics) + '\n')
        return
    if args.results:
        parser.error('--paired takes exactly two LABEL=CSV; no other positional arguments')
    try:
        text = run_paired(args)
    except (InputError, OSError) as error:
        message = str(error) if isinstance(error, InputError) else f'{error.filename or ""}: {error.strerror or error}'
        sys.stderr.write(f'error: {message}\n')
        raise SystemExit(2) from None
    sys.stdout.write(text + '\n')


if __name__ == '__main__':
    main()
