"""File writing that never leaves a half-written result: write to a temporary name, then rename."""
import contextlib
import os
import shutil
import tempfile
from pathlib import Path

# Temporary outputs not yet renamed into place. A tool ended by SIGTERM removes them (``remove_in_flight``) and
# exits at once: raising SystemExit from the signal handler instead can land inside a finalizer, where Python
# prints and swallows it and the tool runs on, or in C code that then crashes.
_IN_FLIGHT: set = set()


def remove_in_flight() -> None:
    """Remove every temporary file or folder that ``atomic_path`` or ``output_set`` has not yet renamed."""
    for path in list(_IN_FLIGHT):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            with contextlib.suppress(FileNotFoundError):
                os.remove(path)
        _IN_FLIGHT.discard(path)


_COMMIT = {'depth': 0, 'deferred': []}  # output sets being renamed into place; actions waiting for them


def run_or_defer(action) -> None:
    """Run ``action()`` now, or, while an output set is being renamed into place, right after it is whole (the SIGTERM
    handler's exit: a signal mask cannot do it, the signal may reach one of torch's threads)."""
    if _COMMIT['depth']:
        _COMMIT['deferred'].append(action)
    else:
        action()


@contextlib.contextmanager
def _signals_held():
    """Defer ``run_or_defer`` actions while a set of renames runs, so an output set is moved whole or not at all."""
    _COMMIT['depth'] += 1
    try:
        yield
    finally:
        _COMMIT['depth'] -= 1
        if not _COMMIT['depth']:
            while _COMMIT['deferred']:
                _COMMIT['deferred'].pop(0)()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(path):
    """Yield a temporary path next to ``path``; on success it is renamed to ``path``, on error removed.

    The temporary name keeps the suffix of ``path`` so writers that choose a format by suffix
    (``numpy.savez``, ``imageio``, ``matplotlib``) behave as they would on ``path``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f'.{path.stem}.', suffix=''.join(path.suffixes) or '.tmp', dir=path.parent)
    os.close(fd)
    _IN_FLIGHT.add(Path(tmp))
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes the file private; results get ordinary permissions
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)
        raise
    finally:
        _IN_FLIGHT.discard(Path(tmp))


def write_text(path, text: str) -> Path:
    """Write ``text`` to ``path`` atomically and return the path."""
    with atomic_path(path) as tmp:
        tmp.write_text(text)
    return Path(path)


class OutputPathError(ValueError):  # a user error (exit 2 in the tools)
    """An output folder that cannot be created or written."""


def check_writable_dir(path) -> Path:
    """Create ``path`` (and its parents) if needed and check that a file can be written there, before any work;
    raise ``OutputPathError`` naming it otherwise."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise OutputPathError(f'output folder {path} is a file, not a folder')
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as error:
        raise OutputPathError(f'output folder {path} is not writable ({error.strerror or error})') from None
    return path


@contextlib.contextmanager
def output_set(folder, members=()):
    """Yield a temporary folder inside ``folder`` for a set of outputs; on success its files replace those of
    ``folder`` (and files named in ``members`` that this run did not write are removed, so no previous run's
    file is left beside the new ones); on error or interrupt the temporary folder is removed and ``folder``
    keeps the previous set untouched."""
    folder = check_writable_dir(folder)
    tmp = Path(tempfile.mkdtemp(prefix='.unihmr-outputs-', dir=folder))
    _IN_FLIGHT.add(tmp)
    try:
        yield tmp
        with _signals_held():
            written = {item.name for item in tmp.iterdir()}
            for name in set(members) - written:
                with contextlib.suppress(FileNotFoundError):
                    os.remove(folder / name)
            for name in sorted(written):
                os.replace(tmp / name, folder / name)
            shutil.rmtree(tmp, ignore_errors=True)  # inside the hold: a deferred exit finds nothing left
            _IN_FLIGHT.discard(tmp)
    finally:
        _IN_FLIGHT.discard(tmp)
        shutil.rmtree(tmp, ignore_errors=True)
