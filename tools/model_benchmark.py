"""Section ``model`` of ``tools/benchmark.py``: the whole GVHMR-style recoverer, paper and CPU size.

Inference frames/s of ``Recoverer.recover`` (encoder, windowed head, decode, grounding) on one
1193-frame synthetic sequence (FactorizedHMR section 4.2's runtime protocol), and training
iterations/s (forward, backward, AdamW step) at the config's batch size.
"""
from pathlib import Path

import torch
from bench_common import median_seconds

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = {'paper': 'configs/gvhmr/gvhmr_paper_synthetic.py', 'CPU': 'configs/gvhmr/gvhmr_cpu_synthetic.py'}


def bench_model(args) -> dict:
    from unihmr.apis.config import load_config
    from unihmr.data.collate import collate_windows
    from unihmr.data.datasets.synthetic import SyntheticMotionDataset
    from unihmr.registry import MODELS

    frames = 1193
    sequence = collate_windows([SyntheticMotionDataset(split='test', num_windows=1, window=frames,
                                                       severity='heavy')[0]])
    results = []
    for size, path in CONFIGS.items():
        cfg = load_config(ROOT / path)
        model = MODELS.build(dict(cfg.model)).eval()
        params = sum(p.numel() for p in model.parameters())
        seconds = median_seconds(lambda: model.recover(sequence), max(3, args.repeats // 2), warmup=1)
        batch_size = int(cfg.train_dataloader.batch_size) if size == 'CPU' else 8
        train = SyntheticMotionDataset(split='train', num_windows=batch_size, window=120)
        batch = collate_windows([train[i] for i in range(batch_size)])
        optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4)
        model.train()

        def step():
            losses = model(mode='loss', **batch)
            optimizer.zero_grad()
            sum(v for k, v in losses.items() if 'loss' in k).backward()
            optimizer.step()
        train_seconds = median_seconds(step, 3, warmup=1)
        results.append({'size': size, 'config': path, 'parameters': params, 'frames': frames,
                        'inference_fps': frames / seconds, 'train_batch': batch_size, 'train_it_s': 1 / train_seconds})
    rows = [f"| {r['size']} | `{r['config']}` | {r['parameters'] / 1e6:.2f} M | {r['inference_fps']:,.0f} | "
            f"{r['train_batch']} x 120 | {r['train_it_s']:.2f} |" for r in results]
    markdown = '\n'.join([
        f'`Recoverer.recover` on one {frames}-frame synthetic sequence (encoder, 120-frame windows with 30 '
        'frames of overlap, decode, grounding; float32, `torch.no_grad`), and one training iteration '
        '(loss, backward, AdamW) on synthetic windows; randomly initialised weights.',
        '',
        '| size | config | parameters | inference frames/s | training batch | training it/s |',
        '|---|---|---|---|---|---|',
        *rows,
    ])
    return {'title': 'GVHMR-style recoverer', 'markdown': markdown, 'results': results}
