"""Paired per-sequence comparison of two evaluations: the statistics behind ``tools/results_table.py --paired``
and ``tools/compare.py`` (docs/results.md, "Claims and intervals").

Each evaluation is a per-sequence CSV as ``tools/test.py`` writes it (``seq_id``, ``num_frames``, one column per
metric). Rows pair by ``seq_id``; a metric's summary is the frame-weighted mean of each side, the mean difference
B - A and its percentile bootstrap interval over sequences; a difference whose interval contains 0 is a tie.
"""
import csv
import math
from pathlib import Path
from typing import Dict, List, NamedTuple

import numpy as np

ID_COLUMNS = ('seq_id', 'num_frames')


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
