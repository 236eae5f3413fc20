"""Markdown table of result JSONs side by side: ``python tools/results_table.py LABEL=results.json ...
[--metrics mpjpe pa_mpjpe ...]`` (default: every metric present in any file, in the order of the first).

Rows are metrics, columns the labelled files; a metric missing from a file, or NaN, shows as '–'. Used
to write docs/results.md from the files ``tools/test.py`` produced, without copying numbers by hand.
"""
import argparse
import json
import math
import sys
from pathlib import Path


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


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('results', nargs='+', help='LABEL=path.json')
    parser.add_argument('--metrics', nargs='+', default=None, help='rows, in order (default: all)')
    args = parser.parse_args(argv)
    sys.stdout.write(table(load(args.results), args.metrics) + '\n')


if __name__ == '__main__':
    main()
