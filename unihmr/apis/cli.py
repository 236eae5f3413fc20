"""Shared command-line handling for tools: ``tool.py CONFIG [key=value ...] [--flags]``."""
import argparse
import os
import signal
import sys
from pathlib import Path

from unihmr.apis.config import ConfigOverrideError, load_config


def tool_parser(description: str, positionals=()) -> argparse.ArgumentParser:
    """An argument parser with the config path, further ``(name, help)`` positionals, dotlist overrides
    and ``--work-dir``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument('config', help='path to an mmengine Python config')
    for name, help_text in positionals:
        parser.add_argument(name, help=help_text)
    parser.add_argument('overrides', nargs='*', default=[],
                        help='OmegaConf dotlist overrides, e.g. model.head.depth=2 (prefix + to add a key)')
    parser.add_argument('--work-dir', default=None,
                        help='output folder (default: outputs/<tool>/<config name>, relative to the current directory)')
    return parser


def _end_on_signal(signum, frame):
    """SIGTERM (a job scheduler, `kill`): remove the temporary outputs, say so in one line, exit 128 + signum; during
    the renames of an output set, right after them."""
    from unihmr.utils.io import run_or_defer
    run_or_defer(lambda: _exit_cleanly(signum))


def _exit_cleanly(signum: int) -> None:
    from unihmr.utils.io import remove_in_flight
    remove_in_flight()
    try:  # the handler may run inside a write to these streams; a failed message must not stop the exit
        sys.stdout.flush()
        print(f'stopped by {signal.Signals(signum).name}: no output was half-written', file=sys.stderr, flush=True)
    except Exception:
        pass
    os._exit(128 + signum)  # not sys.exit: see unihmr.utils.io._IN_FLIGHT


def stop_cleanly_on_sigterm() -> None:
    """On SIGTERM, remove the temporary outputs and exit with one line (``_end_on_signal``)."""
    signal.signal(signal.SIGTERM, _end_on_signal)


def parse_tool_args(parser: argparse.ArgumentParser, tool: str, argv=None):
    """Parse arguments, load and validate the config; exit with a one-line error on a bad config.

    Returns ``(args, cfg, work_dir)``.
    """
    args = parser.parse_intermixed_args(argv)
    stop_cleanly_on_sigterm()
    try:
        cfg = load_config(args.config, args.overrides)
    except (ConfigOverrideError, FileNotFoundError) as error:
        print(f'error: {error}', file=sys.stderr)
        raise SystemExit(2) from None
    except SyntaxError as error:  # mmengine parses the config file as Python
        where = f' (line {error.lineno})' if getattr(error, 'lineno', None) else ''
        print(f'error: {args.config}: syntax error in the config file{where}: {error.msg}', file=sys.stderr)
        raise SystemExit(2) from None
    work_dir = Path(args.work_dir or cfg.get('work_dir') or Path('outputs') / tool / Path(args.config).stem)
    return args, cfg, work_dir


def exit_on_user_error(fn, *args, **kwargs):
    """Call ``fn``; bad user input (a missing file, a malformed input file or checkpoint) exits with status 2
    and one line, not a traceback."""
    from unihmr.apis.inference import CheckpointMismatchError
    from unihmr.apis.keypoint_input import KeypointFileError
    from unihmr.utils.io import OutputPathError
    from unihmr.utils.validation import UserInputError
    try:
        return fn(*args, **kwargs)
    except (FileNotFoundError, KeypointFileError, CheckpointMismatchError, OutputPathError, UserInputError) as error:
        print(f'error: {error}', file=sys.stderr)
        raise SystemExit(2) from None
