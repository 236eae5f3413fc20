"""Run a demo: ``python tools/demo.py CONFIG [key=value ...] [--work-dir DIR]``.

With a recovery config (``configs/demo/recover_synthetic.py``: a ``model`` and a ``demo`` section) it
recovers SMPL-X motion from a synthetic sequence or a keypoint file with a trained checkpoint and writes
``recovered.npz``, ``recovered.gif``, ``metrics.json`` (ground truth known) and the config. With the
body-model config (``configs/demo/body_motion_demo.py``) it poses the body model on a procedural motion.
Outputs go to ``--work-dir`` (default ``outputs/demo/<config name>``).
"""
from pathlib import Path

from unihmr.apis.cli import exit_on_user_error, parse_tool_args, tool_parser
from unihmr.apis.motion_demo import run_body_demo

REPO = Path(__file__).resolve().parents[1]


def in_repo(path) -> str:
    """A relative path not found here but found in the repository: the repository's."""
    path = Path(path)
    if not path.is_absolute() and not path.exists() and (REPO / path).exists():
        return str(REPO / path)
    return str(path)


def main(argv=None):
    parser = tool_parser(__doc__.splitlines()[0])
    _, cfg, work_dir = parse_tool_args(parser, 'demo', argv)
    if 'demo' in cfg:
        from unihmr.apis.recover_demo import run_recovery_demo
        cfg.demo.checkpoint = in_repo(cfg.demo.checkpoint)
        cfg.demo.keypoint_only = {key: value and in_repo(value)
                                  for key, value in (cfg.demo.get('keypoint_only') or {}).items()}
        paths = exit_on_user_error(run_recovery_demo, cfg, work_dir)
        if 'metrics' in paths:
            print(paths['metrics'].read_text().strip())
    else:
        paths = exit_on_user_error(run_body_demo, cfg, work_dir)
    for name, path in paths.items():
        print(f'{name:>9}: {path}')


if __name__ == '__main__':
    main()
