"""Accuracy against compute for ``tools/compare.py``: a suite's ``sweeps`` expanded into evaluations, each curve's
knee, and the figure ``docs/images/pareto_<split>.png``.

A sweep point is an entry of its own (the base entry's overrides, then the point's) evaluated on the first
``sweep_windows`` windows of the sweep's split; its cost is the predict time per window measured while it was
evaluated. The split's reference entry is evaluated on the same windows, as the figure's reference point.
"""
import re
from pathlib import Path

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402

from unihmr.apis.suite import Entry, Suite  # noqa: E402
from unihmr.utils.io import atomic_path  # noqa: E402

KNEE_TOLERANCE = 0.01  # the knee: the cheapest point within 1 % of the curve's lowest error
SIDE_METRICS = ('jitter', 'foot_sliding')  # shown beside each point: what a knee on the error costs in smoothness
SEPARATOR = ' · '


def sweep_entries(suite: Suite) -> list:
    """(curve name, label, Entry) of every sweep point and of each sweep split's reference, in suite order."""
    by_name = {entry.name: entry for entry in suite.entries}
    points, references = [], {}
    for name, (split, sweep_points) in suite.sweeps.items():
        base = by_name[name]
        for label, overrides in sweep_points:
            entry = base._replace(name=f'{name}{SEPARATOR}{label}', overrides=base.overrides + overrides,
                                  splits=(split,), num_windows=suite.sweep_windows)
            points.append((name, label, entry))
        reference = suite.reference.get(split)
        if reference and reference not in references and by_name[reference].baseline is None:
            references[reference] = by_name[reference]._replace(
                name=f'{reference}{SEPARATOR}sweep windows', splits=(split,), num_windows=suite.sweep_windows)
            points.append((reference, 'reference', references[reference]))
    return points


def knee(curve: list, metric: str):
    """Label of the cheapest point (``seconds_per_window``) whose ``metric`` is within ``KNEE_TOLERANCE`` of the
    curve's lowest; ``curve``: dicts with ``label``, ``seconds_per_window`` and the metric."""
    finite = [point for point in curve if point.get(metric) == point.get(metric) and metric in point]
    if not finite:
        return None
    best = min(point[metric] for point in finite)
    within = [point for point in finite if point[metric] <= best * (1.0 + KNEE_TOLERANCE)]
    return min(within, key=lambda point: point['seconds_per_window'])['label']


def families(points: list) -> dict:
    """The points of one curve grouped by what their labels vary ('Euler 5' and 'Euler 10' -> 'Euler'; '1 round' and
    '3 rounds' -> 'round'), each line drawn on its own, in order of cost."""
    grouped = {}
    for point in points:
        words = [word for word in point['label'].split() if word != '=' and not re.fullmatch(r'[\d.]+', word)]
        kind = ' '.join(words).removesuffix('s')  # '1 round' and '3 rounds' are one line
        grouped.setdefault(kind, []).append(point)
    return {kind: sorted(members, key=lambda point: point['seconds_per_window']) for kind, members in grouped.items()}


def plot_pareto(curves: dict, reference: dict, metric: str, path: Path, title: str) -> None:
    """Error against seconds per window (log axis), one line per curve (label -> points in sweep order), the
    reference entry as a star; written atomically."""
    fig, ax = plt.subplots(figsize=(7.0, 4.4))
    styles = ('-', '--', ':', '-.')
    for index, (name, points) in enumerate(curves.items()):
        color = f'C{index}'
        for number, (kind, members) in enumerate(families(points).items()):
            xs = [point['seconds_per_window'] for point in members]
            ys = [point[metric] for point in members]
            ax.plot(xs, ys, marker='o', color=color, linestyle=styles[number % len(styles)],
                    label=f'{name} ({kind})' if kind else name)
        for point in points:
            ax.annotate(point['label'], (point['seconds_per_window'], point[metric]), fontsize=6,
                        xytext=(3, 3), textcoords='offset points', color=color)
    for name, point in reference.items():
        ax.plot([point['seconds_per_window']], [point[metric]], marker='*', markersize=14, linestyle='none',
                color='black', label=f'{name} (reference)')
    ax.set_xscale('log')
    ax.set_xlabel('seconds per 120-frame window (predict, this machine)')
    ax.set_ylabel(f'{metric} (mm)')
    ax.grid(alpha=0.3, which='both')
    ax.legend(fontsize=7)
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=110, format='png')
    plt.close(fig)


def is_sweep_entry(entry: Entry) -> bool:
    return SEPARATOR in entry.name
