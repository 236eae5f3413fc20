"""Checks of dataset files that fail with a message naming the file, the key and what was expected."""
import pickle
from pathlib import Path

import numpy as np


class DatasetFormatError(ValueError):
    """A dataset file does not have the keys or shapes of its published format."""


def require_path(path, what: str) -> Path:
    """``path`` as a Path; ``FileNotFoundError`` naming ``what`` and the path when it does not exist."""
    path = Path(path).expanduser()
    if not path.exists():
        raise FileNotFoundError(f"{what}: '{path}' does not exist")
    return path


def require_keys(data, keys, source) -> None:
    """``DatasetFormatError`` naming ``source`` and every missing key."""
    if not hasattr(data, 'keys'):
        raise DatasetFormatError(f'{source}: expected a dict of arrays, got {type(data).__name__}')
    missing = [key for key in keys if key not in data]
    if missing:
        raise DatasetFormatError(f'{source}: missing keys {missing}; keys present: {sorted(map(str, data.keys()))}')


def check_shape(source, key: str, value, shape: tuple) -> np.ndarray:
    """``value`` as an array whose shape matches ``shape`` (None = any size), else ``DatasetFormatError``."""
    value = np.asarray(value)
    if value.ndim != len(shape) or any(s is not None and s != v for s, v in zip(shape, value.shape)):
        described = tuple('*' if s is None else s for s in shape)
        raise DatasetFormatError(f'{source}: {key} has shape {value.shape}, expected {described}')
    return value


def read_pickle(path: Path, encoding: str = 'latin1'):
    """Unpickle ``path`` (``latin1`` also reads Python-2 pickles of numpy arrays, like 3DPW's)."""
    try:
        with open(path, 'rb') as file:
            return pickle.load(file, encoding=encoding)
    except (pickle.UnpicklingError, EOFError, ValueError) as error:
        raise DatasetFormatError(f'{path}: not a readable pickle ({error})') from None
