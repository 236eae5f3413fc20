"""File writing that never leaves a half-written result: write to a temporary name, then rename."""
import contextlib
import os
import shutil
import tempfile
from pathlib import Path


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
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes the file private; results get ordinary permissions
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)
        raise


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
    try:
        yield tmp
        written = {item.name for item in tmp.iterdir()}
        for name in set(members) - written:
            with contextlib.suppress(FileNotFoundError):
                os.remove(folder / name)
        for name in sorted(written):
            os.replace(tmp / name, folder / name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
