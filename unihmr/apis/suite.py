"""A comparison suite for ``tools/compare.py`` (``configs/suites/*.py``): which methods, on which splits, against
which reference, with which metrics shown (docs/leaderboard.md).

A suite is an mmengine Python file with

- ``entries``: a list of dicts, one per method or mix: ``name`` (unique), ``paradigm`` (free text), ``config`` and
  ``checkpoint`` (paths relative to the repository root; ``checkpoint`` may be None for a model that loads its own
  weights), optional ``overrides`` (``key=value`` strings applied to the config, e.g. its operating point),
  ``splits`` (names of ``splits``; default: every split whose ``default`` is true), ``baseline`` (a
  ``tools/test.py --baseline`` reference instead of the model; such an entry is not timed), ``num_windows`` (its
  own window count, e.g. for S hypotheses; default the suite's);
- ``splits``: name -> ``dict(test_set=NAME)`` (a named test set of ``unihmr/apis/test_sets.py``) or
  ``dict(own=True)`` (the config's own ``test_dataloader``, e.g. the 3D-observation track of RoHM's configs), each
  with optional ``overrides`` and ``default`` (whether entries without ``splits`` run on it; default true);
- ``reference``: split -> the entry every other entry on that split is paired against (on a split only sweeps use,
  the point every curve is drawn against, evaluated on the sweep windows);
- ``metrics``: group title -> metric names (the markdown tables; the JSON keeps every metric);
- optional ``sweeps``: entry name -> ``dict(split=NAME, points=[(label, [overrides]), ...])``, the accuracy-against-
  compute curve of that entry on any split of the suite (e.g. a validation split the entry is not otherwise
  evaluated on), each point its overrides on top of the entry's, on the first ``sweep_windows`` windows (default
  16); ``sweep_metric``: split -> the metric on the curve's y axis (default ``mpjpe``);
- optional ``num_windows`` (evaluate the first N windows of each split; default all), ``cost_frames`` (length of
  the timed sequence; default 1193, FactorizedHMR section 4.2), ``doc`` (default ``docs/leaderboard.md``),
  ``results_dir`` (default ``outputs/compare/<suite name>``).
"""
from pathlib import Path
from typing import NamedTuple, Optional

from mmengine.config import Config

from unihmr.apis.baselines import BASELINES
from unihmr.apis.test_sets import TEST_SETS
from unihmr.utils.validation import UserInputError

ENTRY_KEYS = {'name', 'paradigm', 'config', 'checkpoint', 'overrides', 'splits', 'baseline', 'num_windows'}
SPLIT_KEYS = {'test_set', 'own', 'overrides', 'default'}
DEFAULT_COST_FRAMES = 1193
DEFAULT_SWEEP_WINDOWS = 16


class Split(NamedTuple):
    name: str
    test_set: Optional[str]  # a named test set, or None for the config's own test_dataloader
    overrides: tuple
    default: bool


class Entry(NamedTuple):
    name: str
    paradigm: str
    config: str
    checkpoint: Optional[str]
    overrides: tuple
    splits: tuple
    baseline: Optional[str]
    num_windows: Optional[int]  # None: the suite's


class Suite(NamedTuple):
    path: str
    name: str
    entries: tuple
    splits: dict  # name -> Split, in file order
    reference: dict  # split name -> entry name
    metrics: dict  # group title -> tuple of metric names
    num_windows: Optional[int]
    cost_frames: int
    doc: str
    results_dir: str
    sweeps: dict  # entry name -> (split name, ((label, overrides), ...))
    sweep_windows: int
    sweep_metric: dict  # split -> metric


def _strings(value, where: str) -> tuple:
    if isinstance(value, str) or not all(isinstance(item, str) for item in (value or ())):
        raise UserInputError(f'{where}: expected a list of strings, got {value!r}')
    return tuple(value or ())


def _positive(value, where: str, default):
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise UserInputError(f'{where}: expected a positive integer, got {value!r}')
    return value


def _split(path: str, name: str, spec) -> Split:
    where = f'{path}: splits.{name}'
    if not isinstance(spec, dict) or set(spec) - SPLIT_KEYS:
        raise UserInputError(f'{where}: expected a dict with keys among {sorted(SPLIT_KEYS)}, got {spec!r}')
    test_set = spec.get('test_set')
    if (test_set is None) == (not spec.get('own', False)):
        raise UserInputError(f'{where}: give exactly one of test_set=NAME or own=True')
    if test_set is not None and test_set not in TEST_SETS:
        raise UserInputError(f'{where}.test_set: unknown {test_set!r}; known: {list(TEST_SETS)}')
    return Split(name, test_set, _strings(spec.get('overrides'), f'{where}.overrides'), bool(spec.get('default', True)))


def _entry(path: str, index: int, spec, splits: dict, root: Path) -> Entry:
    where = f'{path}: entries[{index}]'
    if not isinstance(spec, dict) or not {'name', 'config'} <= set(spec) or set(spec) - ENTRY_KEYS:
        raise UserInputError(f'{where}: expected a dict with name, config and keys among {sorted(ENTRY_KEYS)}, '
                             f'got {spec!r}')
    where = f'{path}: entry {spec["name"]!r}'
    for key in ('config', 'checkpoint'):
        if spec.get(key) is not None and not (root / spec[key]).is_file():
            raise UserInputError(f'{where}: {key} {spec[key]} not found (paths are relative to {root})')
    chosen = _strings(spec.get('splits'), f'{where}.splits') or tuple(n for n, s in splits.items() if s.default)
    unknown = [name for name in chosen if name not in splits]
    if unknown:
        raise UserInputError(f'{where}.splits: unknown split {unknown[0]!r}; the suite has {list(splits)}')
    if spec.get('baseline') is not None and spec['baseline'] not in BASELINES:
        raise UserInputError(f'{where}.baseline: unknown {spec["baseline"]!r}; known: {sorted(BASELINES)}')
    return Entry(str(spec['name']), str(spec.get('paradigm', '')), spec['config'], spec.get('checkpoint'),
                 _strings(spec.get('overrides'), f'{where}.overrides'), chosen, spec.get('baseline'),
                 _positive(spec.get('num_windows'), f'{where}.num_windows', None))


def _sweep(path: str, name: str, spec: dict, entry: Optional[Entry], splits: dict) -> tuple:
    where = f'{path}: sweeps.{name}'
    if entry is None:
        raise UserInputError(f'{where}: no entry named {name!r}')
    if set(spec) != {'split', 'points'} or spec['split'] not in splits:
        raise UserInputError(f"{where}: expected dict(split=one of {list(splits)}, points=[(label, [overrides]), "
                             f"...]), got {spec!r}")
    points = []
    for index, point in enumerate(spec['points']):
        if not isinstance(point, (list, tuple)) or len(point) != 2 or not isinstance(point[0], str):
            raise UserInputError(f'{where}.points[{index}]: expected (label, [overrides]), got {point!r}')
        points.append((point[0], _strings(list(point[1]), f'{where}.points[{index}]')))
    labels = [label for label, _ in points]
    if not points or len(set(labels)) != len(labels):
        raise UserInputError(f'{where}.points: expected distinct labels, got {labels}')
    return spec['split'], tuple(points)


def load_suite(path, repo_root) -> Suite:
    """Read and check suite ``path``; ``UserInputError`` naming the file and key of the first problem."""
    path, root = str(path), Path(repo_root)
    if not Path(path).is_file():
        raise UserInputError(f'suite file {path} not found')
    try:
        cfg = Config.fromfile(path)
    except SyntaxError as error:
        raise UserInputError(f'{path}: syntax error in the suite file (line {error.lineno}): {error.msg}') from None
    for key in ('entries', 'splits', 'reference', 'metrics'):
        if key not in cfg:
            raise UserInputError(f'{path}: no {key!r} (see unihmr/apis/suite.py)')
    if not isinstance(cfg.splits, dict) or not cfg.splits:
        raise UserInputError(f'{path}: splits must be a non-empty dict of name -> split')
    splits = {name: _split(path, name, dict(spec)) for name, spec in cfg.splits.items()}
    if not isinstance(cfg.entries, (list, tuple)) or not cfg.entries:
        raise UserInputError(f'{path}: entries must be a non-empty list')
    entries = tuple(_entry(path, i, dict(spec) if isinstance(spec, dict) else spec, splits, root)
                    for i, spec in enumerate(cfg.entries))
    names = [entry.name for entry in entries]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise UserInputError(f'{path}: entry name {repeated[0]!r} appears more than once')
    sweeps = {entry: _sweep(path, entry, dict(spec), entries[names.index(entry)] if entry in names else None, splits)
              for entry, spec in dict(cfg.get('sweeps', {})).items()}
    swept = {split for split, _ in sweeps.values()}  # a sweep's reference runs on the sweep windows only
    reference = dict(cfg.reference)
    for split, name in reference.items():
        if split not in splits:
            raise UserInputError(f'{path}: reference.{split}: not a split of the suite ({list(splits)})')
        if name not in names or (split not in entries[names.index(name)].splits and split not in swept):
            raise UserInputError(f'{path}: reference.{split}: no entry {name!r} evaluated on {split}')
    metrics = {title: _strings(list(group), f'{path}: metrics.{title}') for title, group in dict(cfg.metrics).items()}
    sweep_metric = dict(cfg.get('sweep_metric', {}))
    name = Path(path).stem
    return Suite(path, name, entries, splits, reference, metrics,
                 _positive(cfg.get('num_windows'), f'{path}: num_windows', None),
                 _positive(cfg.get('cost_frames'), f'{path}: cost_frames', DEFAULT_COST_FRAMES),
                 str(cfg.get('doc', 'docs/leaderboard.md')), str(cfg.get('results_dir', f'outputs/compare/{name}')),
                 sweeps, _positive(cfg.get('sweep_windows'), f'{path}: sweep_windows', DEFAULT_SWEEP_WINDOWS),
                 sweep_metric)
