"""Every local file mmengine writes (checkpoints above all) goes through a temporary name and a rename.

mmengine's ``LocalBackend.put`` opens the target path and writes into it, so a kill while a checkpoint is being
saved leaves a truncated ``iter_N.pth`` that ``--resume`` then trips on. ``AtomicLocalBackend`` writes the same
bytes with ``unihmr.utils.io.atomic_path`` instead: the target is either the previous file or the complete new
one. It replaces mmengine's ``'local'`` backend when this module is imported (``unihmr.engine``, which every
training config imports for its hooks, and ``unihmr.apis.training``).
"""
from mmengine.fileio import LocalBackend, register_backend
from mmengine.fileio import io as mmengine_io

from unihmr.utils.io import atomic_path


class AtomicLocalBackend(LocalBackend):
    """mmengine's local backend with atomic ``put`` / ``put_text``."""

    def put(self, obj: bytes, filepath) -> None:
        with atomic_path(filepath) as tmp, open(tmp, 'wb') as handle:
            handle.write(obj)

    def put_text(self, obj: str, filepath, encoding: str = 'utf-8') -> None:
        with atomic_path(filepath) as tmp, open(tmp, 'w', encoding=encoding) as handle:
            handle.write(obj)


def install() -> None:
    """Register ``AtomicLocalBackend`` as mmengine's ``'local'`` backend and drop cached local instances."""
    register_backend('local', AtomicLocalBackend, force=True, prefixes='')  # '': paths without a scheme
    for key, backend in list(mmengine_io.backend_instances.items()):
        if type(backend) is LocalBackend:
            del mmengine_io.backend_instances[key]


install()
