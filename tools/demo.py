"""Run the demo: ``python tools/demo.py configs/demo/body_motion_demo.py [key=value ...]``.

Writes a figure, an .npz of SMPL-X parameters and joints, a mesh and the resolved config to
``--work-dir`` (default ``outputs/demo/<config name>``).
"""
from unihmr.apis.cli import exit_on_user_error, parse_tool_args, tool_parser
from unihmr.apis.motion_demo import run_body_demo


def main(argv=None):
    parser = tool_parser(__doc__.splitlines()[0])
    _, cfg, work_dir = parse_tool_args(parser, 'demo', argv)
    paths = exit_on_user_error(run_body_demo, cfg, work_dir)
    for name, path in paths.items():
        print(f'{name:>7}: {path}')


if __name__ == '__main__':
    main()
