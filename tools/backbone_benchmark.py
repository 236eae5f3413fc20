"""Section ``backbone`` of ``tools/benchmark.py``: RoPETransformer against the GVHMR-style reference.

Inference frames/s on one 1193-frame sequence at paper size (512 / 12 / 8) and CPU size (256 / 4 / 4),
both networks timed alternately in the same run; training iterations/s at the CPU size.
"""
import statistics
import time

import torch
from bench_common import median_seconds



def bench_backbone(args) -> dict:
    """RoPETransformer inference frames/s on one 1193-frame sequence vs the GVHMR-style reference; training it/s."""
    from gvhmr_reference import GVHMRReferenceTransformer

    from unihmr.models.backbones import RoPETransformer

    frames, window, repeats = 1193, 120, max(3, args.repeats)
    sizes = [('paper', dict(width=512, depth=12, heads=8)), ('CPU', dict(width=256, depth=4, heads=4))]
    results = []
    torch.manual_seed(0)
    with torch.no_grad():
        for size, dims in sizes:
            ours = RoPETransformer(**dims, window=window).eval()
            reference = GVHMRReferenceTransformer(**dims, window=window).eval()
            x = torch.randn(1, frames, dims['width'])
            ours_fn, reference_fn = (lambda: ours(x)), (lambda: reference(x))
            for fn in (ours_fn, reference_fn):  # warm-up
                fn()
            ours_s, reference_s = [], []
            for _ in range(repeats):  # interleaved, so load from other processes hits both alike
                ours_s.append(median_seconds(ours_fn, 1, warmup=0))
                reference_s.append(median_seconds(reference_fn, 1, warmup=0))
            ours_t, reference_t = statistics.median(ours_s), statistics.median(reference_s)
            results.append({'size': size, **dims, 'frames': frames, 'window': window, 'block': ours.block,
                            'repeats': repeats, 'ours_fps': frames / ours_t, 'reference_fps': frames / reference_t,
                            'ratio': reference_t / ours_t})
    dims, batch, length = sizes[1][1], 8, 120
    model = RoPETransformer(**dims, window=window).train()
    x = torch.randn(batch, length, dims['width'])
    valid = torch.ones(batch, length, dtype=torch.bool)

    def step():
        model.zero_grad(set_to_none=True)
        model(x, valid).square().mean().backward()

    train_s = median_seconds(step, repeats * 2)
    training = {'size': 'CPU', **dims, 'batch': batch, 'frames': length, 'iters_per_s': 1 / train_s,
                'ms_per_iter': 1e3 * train_s}
    rows = [f"| {r['size']} | {r['width']} / {r['depth']} / {r['heads']} | {r['ours_fps']:,.0f} | "
            f"{r['reference_fps']:,.0f} | {r['ratio']:.2f}x |" for r in results]
    markdown = '\n'.join([
        f'Inference (`torch.no_grad`, float32) on one {frames}-frame sequence (FactorizedHMR section 4.2 runtime '
        f'protocol), attention window {window} frames. `RoPETransformer` computes the band in query blocks of '
        f"{results[0]['block']} frames (fused qkv, `scaled_dot_product_attention`); the reference "
        '(`tools/gvhmr_reference.py`, benchmark only) is GVHMR\'s way: separate q/k/v projections and the full '
        f'{frames} x {frames} attention matrix under a band mask. Both in the same run, timed alternately, '
        f'median of {repeats} calls each. Target (DESIGN section 10): ours >= 1.4x the reference at paper size.',
        '',
        '| size | width / depth / heads | RoPETransformer frames/s | GVHMR-style reference frames/s | ratio |',
        '|---|---|---|---|---|',
        *rows,
        '',
        f"Training (forward + backward, no optimizer step), CPU size {dims['width']} / {dims['depth']} / "
        f"{dims['heads']}, batch {batch} x {length} frames: {training['iters_per_s']:.2f} iterations/s "
        f"({training['ms_per_iter']:.0f} ms per iteration).",
    ])
    return {'title': 'Temporal backbone (RoPE transformer)', 'markdown': markdown,
            'results': {'inference': results, 'training': training}}
