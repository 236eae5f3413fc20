"""Input checks that fail with a message naming the argument, the expected and the received shape."""
from typing import Sequence

import torch

Dims = Sequence  # ints, None (any size), or a leading Ellipsis for any leading dims


class UserInputError(ValueError):
    """A value the user gave (config option, input file) that the tools refuse with one line and exit code 2."""


def _format(spec: Dims) -> str:
    return '(' + ', '.join('...' if d is Ellipsis else ('*' if d is None else str(d)) for d in spec) + ')'


def check_tensor(name: str, value, spec: Dims, *, floating: bool = True) -> torch.Tensor:
    """Check that ``value`` is a tensor whose shape matches ``spec`` and return it.

    ``spec`` is e.g. ``(..., 21, 3)``: a leading ``...`` accepts any leading dimensions, ``None`` any
    size. With ``floating`` the dtype must be a floating type. Raises ``ValueError`` naming ``name``.
    """
    if not isinstance(value, torch.Tensor):
        raise ValueError(f'{name}: expected a torch.Tensor of shape {_format(spec)}, got {type(value).__name__}')
    dims = list(spec)
    leading = bool(dims) and dims[0] is Ellipsis
    if leading:
        dims = dims[1:]
    shape = tuple(value.shape)
    ok = len(shape) >= len(dims) if leading else len(shape) == len(dims)
    if ok:
        tail = shape[len(shape) - len(dims):] if dims else ()
        ok = all(d is None or d == s for d, s in zip(dims, tail))
    if not ok:
        raise ValueError(f'{name}: expected shape {_format(spec)}, got {shape}')
    if floating and not value.is_floating_point():
        raise ValueError(f'{name}: expected a floating-point tensor, got dtype {value.dtype}')
    return value


def check_same_shape(name_a: str, a: torch.Tensor, name_b: str, b: torch.Tensor) -> None:
    """Raise ``ValueError`` if two tensors differ in shape."""
    if a.shape != b.shape:
        raise ValueError(f'{name_a} and {name_b} must have the same shape, got {tuple(a.shape)} and {tuple(b.shape)}')
