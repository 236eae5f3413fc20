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
import csv
import json
import math
import sys
from pathlib import Path
from typing import Dict, List, NamedTuple

import numpy as np

from unihmr.utils.io import OutputPathError, check_writable_dir, write_text

ID_COLUMNS = ('seq_id', 'num_frames')


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

class InputError(ValueError):
    """Bad input in paired mode: reported as one line on stderr, exit code 2."""


class SequenceTable(NamedTuple):
    """One per-sequence CSV: ``seq_ids`` (N,) str, ``num_frames`` (N,) float64, ``metrics`` name -> (N,) float64
    (empty cells NaN), metric names in file order."""
    path: str
    seq_ids: List[str]
    num_frames: np.ndarray
    metrics: Dict[str, np.ndarray]


def parse_spec(spec: str):
    """``LABEL=path.csv`` -> (label, path)."""
    label, sep, path = spec.partition('=')
    if not sep or not label or not path:
        raise InputError(f'expected LABEL=path.csv, got {spec!r}')
    return label, path


def _number(text: str, path: str, column: str, seq_id: str) -> float:
    if text is None or text.strip() == '':
        return math.nan
    try:
        return float(text)
    except ValueError:
        raise InputError(f'{path}: column {column!r}, seq_id {seq_id!r}: not a number: {text!r}') from None


def read_sequence_csv(path: str) -> SequenceTable:
    """Read a ``tools/test.py`` per-sequence CSV; InputError naming the file (and column / seq_id) if malformed."""
    if not Path(path).is_file():
        raise InputError(f'per-sequence CSV not found: {path}')
    try:
        with open(path, newline='') as handle:
            rows = list(csv.reader(handle))
    except (UnicodeDecodeError, csv.Error) as error:
        raise InputError(f'{path}: not a readable CSV ({error})') from None
    if not rows:
        raise InputError(f'{path}: empty file, expected a header starting with seq_id,num_frames')
    header, body = rows[0], rows[1:]
    if tuple(header[:2]) != ID_COLUMNS:
        raise InputError(f'{path}: header must start with seq_id,num_frames, got {",".join(header[:2])!r}')
    if len(set(header)) != len(header):
        raise InputError(f'{path}: repeated column names in the header')
    seq_ids, seen = [], set()
    for line, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise InputError(f'{path}: line {line} has {len(row)} cells, the header {len(header)}')
        if row[0] in seen:
            raise InputError(f'{path}: seq_id {row[0]!r} appears more than once, pairing would be ambiguous')
        seen.add(row[0])
        seq_ids.append(row[0])
    columns = {name: np.array([_number(row[j], path, name, row[0]) for row in body], dtype=np.float64)
               for j, name in enumerate(header) if j >= 1}
    num_frames = columns.pop('num_frames')
    if not np.all(np.isfinite(num_frames) & (num_frames >= 0)):
        bad = seq_ids[int(np.flatnonzero(~(np.isfinite(num_frames) & (num_frames >= 0)))[0])]
        raise InputError(f'{path}: column \'num_frames\', seq_id {bad!r}: expected a count >= 0')
    return SequenceTable(path, seq_ids, num_frames, columns)


def read_averaged_csvs(spec_path: str) -> SequenceTable:
    """``a.csv+b.csv+...`` (e.g. one evaluation per training seed) -> one table whose metrics are the per-sequence
    means over the files (a cell non-finite in any file is NaN). Every file must hold the same seq_ids and
    num_frames; one path reads that file alone."""
    paths = spec_path.split('+')
    tables = [read_sequence_csv(path) for path in paths]
    first = tables[0]
    for table in tables[1:]:
        if table.seq_ids != first.seq_ids or not np.array_equal(table.num_frames, first.num_frames):
            raise InputError(f'{table.path}: its seq_ids / num_frames differ from {first.path}; files averaged '
                             'with + must evaluate the same sequences in the same order')
        missing = [name for name in first.metrics if name not in table.metrics]
        if missing:
            raise InputError(f'{table.path}: no column {missing[0]!r} (present in {first.path})')
    metrics = {name: np.mean([table.metrics[name] for table in tables], axis=0) for name in first.metrics}
    return SequenceTable(spec_path, first.seq_ids, first.num_frames, metrics)


def pair_indices(a: SequenceTable, b: SequenceTable):
    """Row indices ``(ia, ib)``, each (P,) int, of the seq_ids in both tables, in A's row order."""
    row_b = {seq_id: i for i, seq_id in enumerate(b.seq_ids)}
    shared = [(i, row_b[seq_id]) for i, seq_id in enumerate(a.seq_ids) if seq_id in row_b]
    if not shared:
        raise InputError(f'no seq_id in both {a.path} and {b.path} (nothing to pair)')
    ia, ib = (np.array(index, dtype=np.int64) for index in zip(*shared))
    return ia, ib


def choose_metrics(a: SequenceTable, b: SequenceTable, requested=None):
    """The metric names to compare: ``requested`` (each must be a column of both files), else the shared
    columns in A's order."""
    if requested is None:
        return [name for name in a.metrics if name in b.metrics]
    for name in requested:
        missing = [table.path for table in (a, b) if name not in table.metrics]
        if len(missing) == 2:
            shared = [n for n in a.metrics if n in b.metrics]
            raise InputError(f'unknown metric {name!r}: not a column of either CSV (shared: {", ".join(shared)})')
        if missing:
            raise InputError(f'{missing[0]}: no column {name!r}')
    return list(requested)


def pair_weights(a: SequenceTable, b: SequenceTable, ia: np.ndarray, ib: np.ndarray, weight: str) -> np.ndarray:
    """Weights (P,) float64 of the paired rows: ``num_frames`` (equal in both files) or ones."""
    if weight == 'none':
        return np.ones(len(ia))
    frames_a, frames_b = a.num_frames[ia], b.num_frames[ib]
    differ = np.flatnonzero(frames_a != frames_b)
    if differ.size:
        seq_id = a.seq_ids[int(ia[differ[0]])]
        raise InputError(f'seq_id {seq_id!r}: num_frames {frames_a[differ[0]]:g} in {a.path} but '
                         f'{frames_b[differ[0]]:g} in {b.path}; use --weight none to compare anyway')
    return frames_a


def weighted_mean(values: np.ndarray, weights: np.ndarray, axis=-1) -> np.ndarray:
    """Mean of ``values`` (..., n) weighted by ``weights`` (..., n) along ``axis``; NaN where the weights sum to 0."""
    total = weights.sum(axis)
    with np.errstate(invalid='ignore', divide='ignore'):
        return (values * weights).sum(axis) / total


def bootstrap_interval(diff: np.ndarray, weights: np.ndarray, resamples: int, level: float, seed: int):
    """Percentile bootstrap interval of the weighted mean of ``diff`` (n,), resampling pairs with replacement.

    Draws one index matrix (resamples, n) from ``np.random.default_rng(seed)``; returns ``(low, high)``.
    """
    index = np.random.default_rng(seed).integers(0, len(diff), size=(resamples, len(diff)))
    means = weighted_mean(diff[index], weights[index])  # (resamples,)
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(means, [tail, 1.0 - tail])
    return float(low), float(high)


def compare_metric(values_a: np.ndarray, values_b: np.ndarray, weights: np.ndarray, labels,
                   resamples: int, level: float, seed: int) -> dict:
    """Paired summary of one metric from row-aligned ``values_a``, ``values_b``, ``weights`` (P,); pairs with a
    non-finite value on either side, or weight 0, are dropped. NaN numbers when no pair is left."""
    keep = np.isfinite(values_a) & np.isfinite(values_b) & (weights > 0)
    a, b, w = values_a[keep], values_b[keep], weights[keep]
    n = int(keep.sum())
    result = {'n': n, 'mean_a': math.nan, 'mean_b': math.nan, 'diff': math.nan, 'ci_low': math.nan,
              'ci_high': math.nan, 'b_lower_on': int((b < a).sum()), 'verdict': 'no pairs'}
    if n == 0:
        return result
    diff = b - a
    low, high = bootstrap_interval(diff, w, resamples, level, seed)
    result.update(mean_a=float(weighted_mean(a, w)), mean_b=float(weighted_mean(b, w)),
                  diff=float(weighted_mean(diff, w)), ci_low=low, ci_high=high)
    result['verdict'] = verdict(low, high, labels) if n >= 2 else 'n<2'
    return result


def verdict(low: float, high: float, labels) -> str:
    """'tie' when [low, high] contains 0, else '<label> lower' for the lower side (B - A < 0: B lower)."""
    if low <= 0.0 <= high:
        return 'tie'
    return f'{labels[1]} lower' if high < 0.0 else f'{labels[0]} lower'


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
