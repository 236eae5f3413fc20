"""Codec statistics: ``python tools/compute_stats.py CONFIG [key=value ...] [--out stats.pt]``.

Computes the normalisation mean / std of every codec of the config's model from its training data
(``codec_stats.num_windows`` windows; the same code ``tools/train.py`` runs before training) and saves
them, with the resolved config, to ``--work-dir``.
"""
from pathlib import Path

from unihmr.apis.cli import parse_tool_args, tool_parser
from unihmr.apis.codec_stats import fit_codec_stats, save_codec_stats
from unihmr.apis.config import save_config
from unihmr.registry import MODELS


def main(argv=None):
    parser = tool_parser(__doc__.splitlines()[0])
    parser.add_argument('--out', default=None, help='output file (default: <work-dir>/codec_stats.pt)')
    args, cfg, work_dir = parse_tool_args(parser, 'compute_stats', argv)
    codecs = fit_codec_stats(MODELS.build(dict(cfg.model)), cfg)
    out = Path(args.out or Path(work_dir) / 'codec_stats.pt')
    save_codec_stats(codecs, out)
    save_config(cfg, out.parent)
    for name, codec in codecs.items():
        print(f'{name}: dim {codec.dim}, mean |mean| {codec.mean.abs().mean():.4f}, mean std {codec.std.mean():.4f}')
    print(f'wrote {out}')


if __name__ == '__main__':
    main()
