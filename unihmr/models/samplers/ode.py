"""ODE integration of a velocity field from t = 0 (source noise) to t = 1 (data) with ``torchdiffeq``.

Fixed-grid solvers (``euler``, ``midpoint``, ``rk4``, ...) take ``steps`` equal steps on the grid
``linspace(0, 1, steps + 1)`` (Euler: ``steps`` network evaluations; FactorizedHMR appendix A.1 uses Euler
with 50). Adaptive solvers (``dopri5``, ...) ignore ``steps`` and use ``rtol`` / ``atol``. Known
coordinates are held fixed: the integrated field is zero on them (so every solver keeps them exactly),
and they are written back after the solve.
"""
from typing import Callable, Optional

import torch
from torchdiffeq import odeint
from torchdiffeq._impl.odeint import SOLVERS  # the library's own solver table (no public accessor)

FIXED_GRID_SOLVERS = ('euler', 'midpoint', 'rk4', 'heun2', 'heun3', 'explicit_adams', 'implicit_adams',
                      'fixed_adams')
ADAPTIVE_SOLVERS = tuple(name for name in SOLVERS if name not in FIXED_GRID_SOLVERS and name != 'scipy_solver')


class ODESampler:
    """Integrates ``velocity(t, z)`` from ``z0`` at t = 0 to t = 1.

    Args:
        solver: a torchdiffeq method name (fixed-grid or adaptive).
        steps: number of equal steps of a fixed-grid solver (> 0).
        rtol / atol: tolerances of an adaptive solver.
    """

    def __init__(self, solver: str = 'euler', steps: int = 50, rtol: float = 1e-4, atol: float = 1e-4):
        self.solver, self.steps, self.rtol, self.atol = self.check(solver, steps)[0], int(steps), rtol, atol

    @staticmethod
    def check(solver: str, steps) -> tuple:
        """Raise ``ValueError`` naming an unknown solver or a non-positive / non-integer step count."""
        if solver not in FIXED_GRID_SOLVERS + ADAPTIVE_SOLVERS:
            raise ValueError(f'sampler solver: unknown {solver!r}; fixed-grid: {FIXED_GRID_SOLVERS}, '
                             f'adaptive: {ADAPTIVE_SOLVERS}')
        if isinstance(steps, bool) or not isinstance(steps, int) or steps <= 0:
            raise ValueError(f'sampler steps: expected a positive integer, got {steps!r}')
        return solver, steps

    def replace(self, solver: Optional[str] = None, steps: Optional[int] = None) -> 'ODESampler':
        """A copy with another solver and/or step count (validated)."""
        return ODESampler(solver or self.solver, self.steps if steps is None else steps, self.rtol, self.atol)

    def sample(self, velocity: Callable, z0: torch.Tensor, known_mask: Optional[torch.Tensor] = None) -> torch.Tensor:
        """``velocity(t: 0-dim tensor, z) -> dz/dt`` shaped like ``z0``; ``known_mask`` (broadcastable bool, True =
        fixed) zeroes the field there. Returns z at t = 1."""
        def field(t, z):
            v = velocity(t, z)
            return v if known_mask is None else v.masked_fill(known_mask, 0.0)

        if self.solver in FIXED_GRID_SOLVERS:
            grid = torch.linspace(0.0, 1.0, self.steps + 1, device=z0.device, dtype=z0.dtype)
            z1 = odeint(field, z0, grid, method=self.solver)[-1]
        else:
            grid = torch.tensor([0.0, 1.0], device=z0.device, dtype=z0.dtype)
            z1 = odeint(field, z0, grid, method=self.solver, rtol=self.rtol, atol=self.atol)[-1]
        return z1 if known_mask is None else torch.where(known_mask, z0, z1)
