"""The work of ``tools/compare.py``: every entry of a suite (``unihmr/apis/suite.py``) evaluated on its splits,
paired against the split's reference, and timed on one long sequence.

Each evaluation is written atomically as ``<results_dir>/<entry>/<split>.json`` (metrics and a fingerprint of what
produced them) and ``.csv`` (per sequence, for the paired intervals); a later run reuses every file whose
fingerprint matches, so a killed comparison continues where it stopped. The cost of all entries is measured in one
pass at the end of each run, on the same machine, so its ratios compare like with like.
"""
import hashlib
import json
import re
import statistics
import time
from pathlib import Path
from typing import Optional

import torch
from torch.utils.data import DataLoader, Subset

from unihmr.apis.baselines import BASELINES
from unihmr.apis.config import ConfigOverrideError, apply_overrides, load_config
from unihmr.apis.inference import build_dataloader, build_model, evaluate, to_device, write_sequence_csv
from unihmr.apis.suite import Entry, Split, Suite
from unihmr.apis.test_sets import test_set_dataset
from unihmr.evaluation.paired import compare_metric, pair_indices, read_sequence_csv
from unihmr.models.batch_ops import slice_time
from unihmr.registry import BACKBONES
from unihmr.utils.io import write_text
from unihmr.utils.validation import UserInputError

RESAMPLES, LEVEL, BOOTSTRAP_SEED = 10000, 0.95, 0  # the intervals of docs/results.md
WARMUP_FRAMES = 120  # one window, run once before the timed passes (lazy allocations, caches)
TIMING_REPEATS, TIMING_BUDGET = 5, 20.0  # the median of up to 5 passes, repeats within 20 s


def slug(name: str) -> str:
    """A file-name form of an entry name: 'regression + ScoreHMR' -> 'regression_scorehmr'."""
    return re.sub(r'[^a-z0-9]+', '_', name.lower()).strip('_')


def entry_config(entry: Entry, split: Split, repo_root: Path, real_root: Optional[str] = None):
    """The entry's config with the split's test set and both override lists applied (split first)."""
    cfg = load_config(repo_root / entry.config)
    if split.test_set is not None:
        cfg.test_dataloader.dataset = test_set_dataset(split.test_set, repo_root, real_root)
    try:
        apply_overrides(cfg, list(split.overrides) + list(entry.overrides))
    except ConfigOverrideError as error:
        raise UserInputError(f'entry {entry.name!r}, split {split.name!r}: {error}') from None
    return cfg


def entry_model(entry: Entry, cfg, repo_root: Path, device: str = 'cpu') -> torch.nn.Module:
    """The entry's model (its checkpoint loaded, wrapped in its baseline if it names one), in eval mode."""
    checkpoint = None if entry.checkpoint is None else repo_root / entry.checkpoint
    model = build_model(cfg, checkpoint, device)
    return BASELINES[entry.baseline](model) if entry.baseline else model


def first_windows(loader: DataLoader, num_windows: Optional[int]) -> DataLoader:
    """``loader`` over the first ``num_windows`` windows of its dataset (all when None)."""
    if num_windows is None or num_windows >= len(loader.dataset):
        return loader
    return DataLoader(Subset(loader.dataset, range(num_windows)), batch_size=loader.batch_size, shuffle=False,
                      num_workers=loader.num_workers, collate_fn=loader.collate_fn)


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, 'rb') as handle:
        for block in iter(lambda: handle.read(1 << 20), b''):
            digest.update(block)
    return digest.hexdigest()


def fingerprint(entry: Entry, split: Split, num_windows: Optional[int], seed: int, repo_root: Path) -> str:
    """What an evaluation depends on: the entry and split as written, the config file and checkpoint contents, the
    window count and the seed."""
    parts = {'entry': entry._asdict(), 'split': split._asdict(), 'num_windows': num_windows, 'seed': seed,
             'config': file_digest(repo_root / entry.config),
             'checkpoint': None if entry.checkpoint is None else file_digest(repo_root / entry.checkpoint)}
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:16]


def result_paths(results_dir: Path, entry: Entry, split: str):
    folder = results_dir / slug(entry.name)
    return folder / f'{split}.json', folder / f'{split}.csv'


def stored_result(json_path: Path, expected: str) -> Optional[dict]:
    """The document of an earlier evaluation at ``json_path`` if its fingerprint is ``expected``, else None."""
    if not json_path.is_file() or not json_path.with_suffix('.csv').is_file():
        return None
    try:
        stored = json.loads(json_path.read_text())
    except json.JSONDecodeError:
        return None
    return stored if stored.get('fingerprint') == expected else None


class PredictClock:
    """Wall seconds spent inside ``model(...)`` calls (predict: the stages, decoding and packaging; not the data
    loading or the metrics)."""

    def __init__(self, model: torch.nn.Module):
        self.seconds, self.start = 0.0, None
        self.handles = [model.register_forward_pre_hook(self._start), model.register_forward_hook(self._stop)]

    def _start(self, module, args):
        self.start = time.perf_counter()

    def _stop(self, module, args, output):
        self.seconds += time.perf_counter() - self.start

    def remove(self) -> None:
        for handle in self.handles:
            handle.remove()


def evaluate_entry(entry: Entry, split: Split, suite: Suite, repo_root: Path, results_dir: Path, seed: int = 0,
                   device: str = 'cpu', real_root: Optional[str] = None) -> dict:
    """The evaluation of ``entry`` on ``split``, run now or read back from an earlier run: ``metrics`` (name ->
    value), ``windows``, ``seconds_per_window`` (predict time while evaluating, on the run that produced it), and
    what identifies it (``entry``, ``split``, ``fingerprint``, ``seed``)."""
    json_path, csv_path = result_paths(results_dir, entry, split.name)
    num_windows = entry.num_windows or suite.num_windows
    expected = fingerprint(entry, split, num_windows, seed, repo_root)
    stored = stored_result(json_path, expected)
    if stored is not None:
        return stored
    cfg = entry_config(entry, split, repo_root, real_root)
    model = entry_model(entry, cfg, repo_root, device)
    loader = first_windows(build_dataloader(cfg.test_dataloader), num_windows)
    if hasattr(model, 'check_inputs'):
        model.check_inputs(next(iter(loader)))
    with torch.no_grad():  # one window first, untimed: lazy allocations and caches do not land on the first batch
        model(mode='predict', **to_device(loader.collate_fn([loader.dataset[0]]), device))
    clock = PredictClock(model)
    metrics, per_sequence = evaluate(model, loader, cfg.test_evaluator, device, progress=False, seed=seed)
    clock.remove()
    json_path.parent.mkdir(parents=True, exist_ok=True)
    write_sequence_csv(per_sequence, csv_path)  # first: the JSON, written last, marks the evaluation complete
    document = {'entry': entry.name, 'split': split.name, 'fingerprint': expected, 'seed': seed,
                'windows': len(loader.dataset), 'seconds_per_window': clock.seconds / len(loader.dataset),
                'metrics': {name: float(value) for name, value in metrics.items()}}
    write_text(json_path, json.dumps(document, indent=2, sort_keys=True) + '\n')
    return document


# ------------------------------------------------------------------------------------------------ cost
def innermost_dataset(dataset_cfg: dict) -> dict:
    """The dataset dict that generates the windows (wrappers such as ``CorruptedMotionDataset`` nest it under
    ``dataset``)."""
    while 'window' not in dataset_cfg and isinstance(dataset_cfg.get('dataset'), dict):
        dataset_cfg = dataset_cfg['dataset']
    return dataset_cfg


def cost_sequence(cfg, frames: int) -> dict:
    """One batch of a single ``frames``-long sequence of the config's test set."""
    dataset_cfg = dict(cfg.test_dataloader.dataset)
    inner = innermost_dataset(dataset_cfg)
    if 'window' not in inner:
        raise UserInputError(f"test dataset {dataset_cfg.get('type')!r}: no 'window' length to set for timing")
    inner.update(window=frames, num_windows=1)
    loader = build_dataloader(dict(cfg.test_dataloader, dataset=dataset_cfg, batch_size=1))
    return next(iter(loader))


def all_modules(model: torch.nn.Module) -> list:
    """Every module ``model`` runs: its module tree and the networks its stages hold outside it
    (``external_modules``: a refiner's own weights), each once."""
    found, seen = [], set()
    stack = [model]
    while stack:
        for module in stack.pop().modules():
            if id(module) not in seen:
                seen.add(id(module))
                found.append(module)
                stack.extend(getattr(module, 'external_modules', lambda: ())())
    return found


def parameter_count(model: torch.nn.Module) -> int:
    """Parameters of every module ``model`` runs (``all_modules``), each tensor once."""
    return sum(p.numel() for p in {id(p): p for m in all_modules(model) for p in m.parameters(recurse=False)}.values())


class NetworkCalls:
    """Counts network evaluations: outermost forward calls of modules registered as backbones (a denoiser, a
    transformer, a token smoother). A call that batches samples, windows or guidance branches counts once."""

    def __init__(self, model: torch.nn.Module):
        kinds = tuple(BACKBONES.module_dict.values())
        self.count, self.depth, self.handles = 0, 0, []
        for module in all_modules(model):
            if isinstance(module, kinds):
                self.handles.append(module.register_forward_pre_hook(self._enter))
                self.handles.append(module.register_forward_hook(self._leave))

    def _enter(self, module, args):
        self.count += self.depth == 0
        self.depth += 1

    def _leave(self, module, args, output):
        self.depth -= 1

    def remove(self) -> None:
        for handle in self.handles:
            handle.remove()


def measure_cost(entry: Entry, split: Split, suite: Suite, repo_root: Path, device: str = 'cpu',
                 seed: int = 0) -> dict:
    """Seconds of ``recover`` on one ``suite.cost_frames``-frame sequence of ``split`` (after one warm-up window; the
    median of up to ``TIMING_REPEATS`` passes, fewer when a pass is slow: at most ``TIMING_BUDGET`` seconds of
    repeats), frames/s, network evaluations (of one pass) and parameters of ``entry``'s model at its operating
    point."""
    cfg = entry_config(entry, split, repo_root)
    model = entry_model(entry, cfg, repo_root, device)
    batch = {key: value.to(device) if torch.is_tensor(value) else value
             for key, value in cost_sequence(cfg, suite.cost_frames).items()}
    torch.manual_seed(seed)
    model.recover(slice_time(batch, 0, min(WARMUP_FRAMES, suite.cost_frames)))
    times, calls = [], None
    while len(times) < TIMING_REPEATS and (not times or sum(times) + times[-1] <= TIMING_BUDGET):
        calls = NetworkCalls(model)
        start = time.perf_counter()
        model.recover(batch)
        times.append(time.perf_counter() - start)
        calls.remove()
    seconds = statistics.median(times)
    return {'seconds': seconds, 'repeats': len(times), 'frames': suite.cost_frames, 'fps': suite.cost_frames / seconds,
            'network_evaluations': calls.count, 'parameters': parameter_count(model)}


# ------------------------------------------------------------------------------------------------ pairing
def paired_rows(reference_csv: Path, entry_csv: Path, metrics, labels=('reference', 'entry')) -> dict:
    """metric -> ``compare_metric`` summary of entry - reference (frame-weighted, 95 % bootstrap over sequences),
    for the metrics present in both CSVs."""
    a, b = read_sequence_csv(str(reference_csv)), read_sequence_csv(str(entry_csv))
    ia, ib = pair_indices(a, b)
    weights = a.num_frames[ia]
    return {name: compare_metric(a.metrics[name][ia], b.metrics[name][ib], weights, labels, RESAMPLES, LEVEL,
                                 BOOTSTRAP_SEED)
            for name in metrics if name in a.metrics and name in b.metrics}

