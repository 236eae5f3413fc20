"""Benchmarks: ``python tools/benchmark.py [--only SECTION ...] [--batch 1024] [--repeats 7]``.

Each section is a function ``(args) -> dict`` in ``SECTIONS`` returning ``title``, ``markdown`` (its
table and notes) and ``results``. A run writes ``outputs/benchmarks/<section>.json`` and replaces that
section of ``docs/benchmarks.md`` (other sections are kept), both atomically.
"""
import argparse
import json
import re
import shlex
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / 'tools'))

from backbone_benchmark import bench_backbone  # noqa: E402
from bench_common import machine, median_seconds  # noqa: E402
from demo_memory_benchmark import bench_demo_memory  # noqa: E402
from factorizedhmr_benchmark import bench_factorizedhmr  # noqa: E402
from model_benchmark import bench_model  # noqa: E402
from moro_benchmark import bench_moro  # noqa: E402
from rohm_benchmark import bench_rohm  # noqa: E402
from scorehmr_benchmark import bench_scorehmr  # noqa: E402
from unihmr.utils.io import write_text  # noqa: E402

DOC_PATH = ROOT / 'docs' / 'benchmarks.md'
RESULTS_DIR = ROOT / 'outputs' / 'benchmarks'
DOC_HEADER = ('# Benchmarks\n\nWritten by `tools/benchmark.py`; each section is replaced when its benchmark '
              'is run again. Timings: median over repeats after warm-up.\n')


def bench_body(args) -> dict:
    """Body-model forward, frames/s at one batch: embedded torch model vs mannequin-x's NumPy forward."""
    import mannequin

    from unihmr.body import EmbeddedSMPLX

    batch = args.batch
    rng = np.random.default_rng(0)
    betas = rng.uniform(-2.0, 2.0, 10).astype(np.float32)
    pose = {'pelvis_rotation': rng.normal(0, 1.0, (batch, 3)), 'body_pose': rng.normal(0, 0.4, (batch, 21, 3)),
            'hand_pose': rng.normal(0, 0.3, (batch, 30, 3)), 'global_translation': rng.normal(0, 1.0, (batch, 3))}
    pose = {name: value.astype(np.float32) for name, value in pose.items()}
    reference = mannequin.Mannequin('wooden', shape=betas)
    numpy_pose = dict(pose, shape=np.broadcast_to(betas, (batch, 10)), global_rotation=np.zeros((batch, 3), np.float32),
                      head_pose=np.zeros((batch, 3, 3), np.float32), expression=np.zeros((batch, 10), np.float32))
    model = EmbeddedSMPLX()
    inputs = {'global_orient': torch.from_numpy(pose['pelvis_rotation']),
              'body_pose': torch.from_numpy(pose['body_pose']), 'betas': torch.from_numpy(betas).expand(batch, 10),
              'transl': torch.from_numpy(pose['global_translation']),
              'left_hand_pose': torch.from_numpy(pose['hand_pose'][:, :15]),
              'right_hand_pose': torch.from_numpy(pose['hand_pose'][:, 15:])}
    numpy_joints = ('all 54 joint transforms (`joint_transforms`)', lambda: reference.joint_transforms(numpy_pose),
                    args.repeats * 4)
    numpy_mesh = ('vertices (`vertices`, shape prepared once)', lambda: reference.vertices(numpy_pose),
                  max(3, args.repeats // 2))  # about 20 s a call
    cases = [  # (name, torch output, torch call, torch repeats, numpy case)
        ('joints only', 'joints (22) + COCO-17', lambda: model(**inputs, return_verts=False), args.repeats * 4,
         numpy_joints),
        ('all joints', 'joints (54) + COCO-17',
         lambda: model(**inputs, return_verts=False, return_full_joints=True), args.repeats * 4, numpy_joints),
        ('with mesh', f'joints + {model.num_vertices:,} vertices (shape rebuilt per call)', lambda: model(**inputs),
         args.repeats, numpy_mesh),
    ]
    results, numpy_seconds = [], {}
    with torch.no_grad():
        for name, torch_output, torch_fn, repeats, (numpy_output, numpy_fn, numpy_repeats) in cases:
            torch_s = median_seconds(torch_fn, repeats)
            if numpy_output not in numpy_seconds:
                numpy_seconds[numpy_output] = median_seconds(numpy_fn, numpy_repeats, warmup=1)
            numpy_s = numpy_seconds[numpy_output]
            results.append({'case': name, 'batch': batch, 'torch_repeats': repeats, 'numpy_repeats': numpy_repeats,
                            'torch_output': torch_output, 'numpy_output': numpy_output,
                            'torch_fps': batch / torch_s, 'numpy_fps': batch / numpy_s,
                            'torch_ms': 1e3 * torch_s, 'numpy_ms': 1e3 * numpy_s, 'ratio': numpy_s / torch_s})
    rows = [f"| {r['case']} | {r['batch']} | {r['torch_fps']:,.0f} | {r['numpy_fps']:,.0f} | {r['ratio']:.1f}x | "
            f"{r['torch_output']} | {r['numpy_output']} |" for r in results]
    markdown = '\n'.join([
        '`EmbeddedSMPLX` (torch, float32, `torch.no_grad`) against mannequin-x\'s NumPy forward on the same '
        f'poses: one body shape for the whole batch of {batch} frames, random body and hand poses.',
        '',
        '| forward | batch | torch frames/s | mannequin-x NumPy frames/s | torch / NumPy | torch computes '
        '| NumPy computes |',
        '|---|---|---|---|---|---|---|',
        *rows,
        '',
        f"Repeats (after warm-up): torch {results[0]['torch_repeats']} for joints and {results[-1]['torch_repeats']} "
        f"for the mesh; NumPy {results[0]['numpy_repeats']} and {results[-1]['numpy_repeats']}.",
        '',
        'The torch model rebuilds the shaped rest surface from betas on every call (once per distinct betas row); '
        'mannequin-x prepares it once when the `Mannequin` is built, outside the timed call.',
    ])
    return {'title': 'Body model forward', 'markdown': markdown, 'results': results}


def bench_data(args) -> dict:
    """Synthetic data: time to generate one window with every key, on one core (issue 3 target: 20 ms)."""
    from unihmr.data.datasets.synthetic import SyntheticMotionDataset
    from unihmr.data.synthetic.motion import sample_motion
    from unihmr.data.synthetic.observe import observe_motion

    window, count = 120, max(20, args.repeats * 8)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        results = []
        for severity in ('none', 'heavy'):
            dataset = SyntheticMotionDataset(split='train', num_windows=count + 3, window=window, severity=severity)
            body = dataset.body_model
            for index in range(3):  # warm-up
                dataset[count + index]
            totals, motions, observations = [], [], []
            for index in range(count):
                start = time.perf_counter()
                dataset[index]
                totals.append(time.perf_counter() - start)
                rng = np.random.default_rng([index])  # the two stages alone, on the same kind of input
                start = time.perf_counter()
                with torch.no_grad():
                    motion = sample_motion(window, 30.0, rng, body)
                    middle = time.perf_counter()
                    observe_motion(motion, body, rng, severity=severity)
                motions.append(middle - start)
                observations.append(time.perf_counter() - middle)
            results.append({'severity': severity, 'window': window, 'windows': count, 'threads': 1,
                            'median_ms': 1e3 * statistics.median(totals),
                            'p90_ms': 1e3 * float(np.percentile(totals, 90)),
                            'motion_ms': 1e3 * statistics.median(motions),
                            'observe_ms': 1e3 * statistics.median(observations)})
    finally:
        torch.set_num_threads(threads)
    rows = [f"| {r['severity']} | {r['window']} | {r['median_ms']:.1f} | {r['p90_ms']:.1f} | {r['motion_ms']:.1f} | "
            f"{r['observe_ms']:.1f} |" for r in results]
    markdown = '\n'.join([
        f'`SyntheticMotionDataset.__getitem__`: one window of {window} frames with every key of the data contract '
        f'(motion, camera, keypoints, occlusion, image-feature stand-in), `torch.set_num_threads(1)`, '
        f'{count} different windows per row. Target: at most 20 ms.',
        '',
        '| severity | frames | median ms / window | p90 ms | of which motion (median ms) | observation (median ms) |',
        '|---|---|---|---|---|---|',
        *rows,
    ])
    return {'title': 'Synthetic data generation', 'markdown': markdown, 'results': results}


SECTIONS = {'backbone': bench_backbone, 'body': bench_body, 'data': bench_data, 'demo_memory': bench_demo_memory,
            'factorizedhmr': bench_factorizedhmr, 'model': bench_model, 'moro': bench_moro, 'rohm': bench_rohm,
            'scorehmr': bench_scorehmr}


def render_section(name: str, report: dict, info: dict, command: str) -> str:
    cpu = f"{info['cpu']}, {info['cores']} cores; torch {info['torch']} ({info['torch_threads']} threads, the default)"
    versions = f"numpy {info['numpy']}, mannequin-x {info['mannequin_x']}, Python {info['python']}"
    return '\n'.join([f'<!-- section:{name} -->', f"## {report['title']}", '', f'Machine: {cpu}; {versions}.', '',
                      f'Command: `{command}`', '', report['markdown'], f'<!-- /section:{name} -->'])


def update_doc(text: str, name: str, section: str) -> str:
    """Replace the marked section ``name`` in ``text`` (or append it)."""
    pattern = re.compile(rf'<!-- section:{name} -->.*?<!-- /section:{name} -->', flags=re.DOTALL)
    if pattern.search(text):
        return pattern.sub(lambda _: section, text)
    return text.rstrip('\n') + '\n\n' + section + '\n'


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--only', nargs='+', choices=sorted(SECTIONS), help='sections to run (default: all)')
    parser.add_argument('--batch', type=int, default=1024, help='frames per forward call')
    parser.add_argument('--moro-paper', action='store_true',
                        help='the moro section also times the paper-size config once (minutes on a CPU)')
    parser.add_argument('--moro-paper-frames', type=int, default=None,
                        help='frames of the sequence for the paper-size MoRo row (default: all 1193)')
    parser.add_argument('--repeats', type=int, default=7,
                        help='timed repeats of the torch mesh forward (joints 4x as many, NumPy mesh half)')
    args = parser.parse_args(argv)
    command = ' '.join(['python tools/benchmark.py', *map(shlex.quote, sys.argv[1:] if argv is None else argv)])
    info = machine()
    doc = DOC_PATH.read_text() if DOC_PATH.exists() else DOC_HEADER
    for name in args.only or sorted(SECTIONS):
        report = SECTIONS[name](args)
        payload = {'section': name, 'command': command, 'machine': info, 'results': report['results']}
        write_text(RESULTS_DIR / f'{name}.json', json.dumps(payload, indent=2) + '\n')
        doc = update_doc(doc, name, render_section(name, report, info, command))
        print(report['markdown'])
    write_text(DOC_PATH, doc)
    print(f'wrote {DOC_PATH.relative_to(ROOT)} and {RESULTS_DIR.relative_to(ROOT)}/')


if __name__ == '__main__':
    main()
