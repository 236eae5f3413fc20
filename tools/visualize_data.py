"""Visualise data windows: ``python tools/visualize_data.py CONFIG [key=value ...] [--index N]``.

Writes, for each window, a picture and a GIF of the 2D keypoints with occluders and truncation drawn,
next to a side view of the ground-truth body, plus the resolved config, to ``--work-dir``.
"""
from unihmr.apis.cli import exit_on_user_error, parse_tool_args, tool_parser
from unihmr.apis.config import save_config
from unihmr.apis.visualize_data import visualize_window
from unihmr.registry import BODY_MODELS, DATASETS


def main(argv=None):
    parser = tool_parser(__doc__.splitlines()[0])
    parser.add_argument('--index', type=int, nargs='+', default=None, help='window indices (default: cfg.indices)')
    args, cfg, work_dir = parse_tool_args(parser, 'visualize_data', argv)
    dataset = exit_on_user_error(DATASETS.build, dict(cfg.dataset))
    body_model = BODY_MODELS.build(dict(cfg.body_model))
    for index in args.index if args.index is not None else cfg.indices:
        window = dataset[index]
        name = f"{cfg.name}_{index:04d}"
        paths = visualize_window(window, body_model, work_dir, name, **dict(cfg.render))
        for kind, path in paths.items():
            print(f'{kind:>9}: {path}')
    save_config(cfg, work_dir)


if __name__ == '__main__':
    main()
