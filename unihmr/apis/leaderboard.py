"""The leaderboard of ``tools/compare.py``: markdown tables and a JSON document from a suite's evaluations.

``report`` holds ``results`` (split -> entry -> metric -> value), ``windows`` (split -> entry -> evaluated windows),
``paired`` (split -> entry -> metric -> ``compare_metric`` summary against the split's reference), ``cost`` (entry ->
``measure_cost`` dict, or None for an entry that is not timed) and ``machine`` / ``command`` / ``date``.
"""
import json
import math
import os
from pathlib import Path

from unihmr.apis.compare import LEVEL, RESAMPLES
from unihmr.apis.suite import Suite
from unihmr.apis.sweeps import KNEE_TOLERANCE, SIDE_METRICS


def _number(value) -> str:
    return '–' if value is None or (isinstance(value, float) and math.isnan(value)) else f'{value:.2f}'


def _difference(row: dict) -> str:
    """'**+16.18** [12.62, 19.73]' for a real difference, '+0.41 [-0.30, 1.12]' for a tie, '–' without pairs."""
    if row is None or row['n'] < 2 or math.isnan(row['diff']):
        return '–'
    value = f"{row['diff']:+.2f}"
    tie = row['ci_low'] <= 0.0 <= row['ci_high']
    return f"{value if tie else f'**{value}**'} [{row['ci_low']:.2f}, {row['ci_high']:.2f}]"


def _table(header: list, rows: list) -> list:
    return ['| ' + ' | '.join(header) + ' |', '|' + '---|' * len(header), *('| ' + ' | '.join(r) + ' |' for r in rows)]


def entry_table(suite: Suite) -> list:
    rows = [[e.name, e.paradigm, f'`{e.config}`', f'`{e.checkpoint}`' if e.checkpoint else '–',
             ' '.join(f'`{o}`' for o in e.overrides) or '–', ', '.join(e.splits)] for e in suite.entries]
    return _table(['entry', 'paradigm', 'config', 'checkpoint', 'overrides', 'splits'], rows)


def cost_table(suite: Suite, cost: dict) -> list:
    timed = {name: row for name, row in cost.items() if row is not None}
    base = next(iter(timed.values()))['seconds'] if timed else None
    rows = [[name, f"{row['parameters'] / 1e6:.2f} M", f"{row['seconds']:.2f}", str(row.get('repeats', 1)),
             f"{row['fps']:,.1f}", str(row['network_evaluations']), f"{row['seconds'] / base:.1f}x"]
            for name, row in timed.items()]
    first = next(iter(timed), '–')
    return _table(['entry', 'parameters', f'seconds ({suite.cost_frames} frames)', 'repeats', 'frames/s',
                   'network evaluations', f'time / {first}'], rows)


def split_tables(suite: Suite, split: str, report: dict) -> list:
    """Per metric group: the values of every entry on ``split``, then the paired differences to its reference."""
    results, paired = report['results'].get(split, {}), report['paired'].get(split, {})
    windows = report['windows'].get(split, {})
    reference = suite.reference.get(split)
    lines = []
    for title, metrics in suite.metrics.items():
        shown = [m for m in metrics if any(m in values for values in results.values())]
        if not shown:
            continue
        # entries with a value in the group (the hypothesis metrics exist for S > 1 only), the reference first
        having = [name for name, values in results.items() if name == reference or any(m in values for m in shown)]
        lines += ['', f'### {title}', '']
        lines += _table(['entry', 'windows', *(f'`{m}`' for m in shown)],
                        [[name, str(windows.get(name, '–')), *(_number(results[name].get(m)) for m in shown)]
                         for name in having])
        others = [name for name in paired if name != reference and name in having
                  and any(_difference(paired[name].get(m)) != '–' for m in shown)]
        if reference and others:
            lines += ['', f'Entry − {reference} (paired by sequence; bold: the interval excludes 0):', '']
            lines += _table(['entry', *(f'`{m}`' for m in shown)],
                            [[name, *(_difference(paired[name].get(m)) for m in shown)] for name in others])
    return lines


def sweep_tables(report: dict, doc_dir: Path) -> list:
    """Per sweep split: the figure and a table of every point (the knee in bold)."""
    lines = []
    for split, section in report.get('sweeps', {}).items():
        metric = section['metric']
        shown = os.path.relpath(section['figure'], doc_dir)
        lines += ['', f'### {split}', '', f'![error against seconds, {split}]({shown})', '']
        side = [name for name in SIDE_METRICS if name != metric]

        def row(name, label, p):
            return [name, label, str(p['windows']), f"{p['seconds_per_window']:.3f}", _number(p[metric]),
                    *(_number(p.get(other)) for other in side)]

        rows = [row(name, 'reference', p) for name, p in section['reference'].items()]
        for name, points in section['curves'].items():
            for p in points:
                label = f"**{p['label']}** (knee)" if p['label'] == section['knees'].get(name) else p['label']
                rows.append(row(name, label, p))
        lines += _table(['entry', 'setting', 'windows', 'seconds / window', f'`{metric}`',
                         *(f'`{other}`' for other in side)], rows)
    return lines


def render_markdown(suite: Suite, report: dict, doc) -> str:
    """The leaderboard text; ``doc``: where it will be written (figure links are relative to it)."""
    machine = report['machine']
    lines = [
        '# Leaderboard', '',
        f"Written by `{report['command']}` on {report['date']}; rerun the command to regenerate it (the numbers are "
        f'also in `{suite.doc.rsplit(".", 1)[0]}.json`). Every entry is a shipped checkpoint of this repository '
        'evaluated with the same data, body model and metrics; one training seed each, evaluation seed '
        f"{report['seed']}. Differences are entry − reference over the sequences both evaluated, frame-weighted, "
        f'with a {100 * LEVEL:g} % percentile bootstrap interval over sequences ({RESAMPLES} resamples, as in '
        'docs/results.md); a difference whose interval contains 0 is a tie. Units: docs/metrics.md.', '',
        '## Entries', '', *entry_table(suite), '',
        '## Cost', '',
        f'`Recoverer.recover` on one {suite.cost_frames}-frame sequence of the entry\'s first split, after one '
        'warm-up window, at the entry\'s operating point: the median of up to 5 passes (as many as fit in 20 s; '
        '`repeats`); every entry timed in the same run on '
        f"{machine['cpu']} ({machine['cores']} cores, {machine['torch_threads']} torch threads, torch "
        f"{machine['torch']}). Network evaluations: outermost calls of a backbone (denoiser, transformer, smoother); "
        'one call that batches windows, samples or guidance branches counts once.', '',
        *cost_table(suite, report['cost']),
    ]
    for split in suite.splits:
        if split not in report['results']:
            continue
        reference = suite.reference.get(split)
        counts = sorted(set(report['windows'][split].values()))
        lines += ['', f'## {split}', '',
                  f"{' or '.join(map(str, counts))} windows (the first of the split; per entry in the tables)"
                  + (f'; reference: {reference}.' if reference else '.')]
        lines += split_tables(suite, split, report)
    if report.get('sweeps'):
        lines += ['', '## Accuracy against compute', '',
                  f'Each generative entry at several budgets (`num_steps`, solvers, rounds), on the first '
                  f'{suite.sweep_windows} windows of the split; seconds: predict time per window while evaluating '
                  '(a point read back from an earlier run keeps that run\'s time). The knee of a curve is its cheapest '
                  f'point within {100 * KNEE_TOLERANCE:g} % of its lowest error; the last columns show what that point costs in '
                  'smoothness.']
        lines += sweep_tables(report, Path(doc).parent)
    return '\n'.join(lines) + '\n'


def render_json(report: dict) -> str:
    def clean(value):
        if isinstance(value, float) and math.isnan(value):
            return None
        if isinstance(value, dict):
            return {key: clean(item) for key, item in value.items()}
        return value
    return json.dumps(clean(report), indent=2, allow_nan=False) + '\n'
