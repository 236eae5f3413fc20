"""Occlusion severities of observed windows: one name, or a mixture drawn per window (synthetic and AMASS)."""
import numpy as np

SEVERITIES = ('none', 'mild', 'heavy')


def severity_weights(severity) -> dict:
    """``'heavy'`` or ``{'none': 0.4, 'heavy': 0.6}`` -> normalised weights over SEVERITIES."""
    weights = {severity: 1.0} if isinstance(severity, str) else dict(severity)
    unknown = [name for name in weights if name not in SEVERITIES]
    if unknown:
        raise ValueError(f'severity: unknown {unknown}; known: {list(SEVERITIES)}')
    total = float(sum(weights.values()))
    if total <= 0:
        raise ValueError(f'severity: weights must sum to a positive number, got {weights}')
    return {name: float(weights.get(name, 0.0)) / total for name in SEVERITIES}


def draw_severity(weights: dict, seed) -> str:
    """The severity of one window: the only one with weight, else drawn with ``numpy.random.default_rng(seed)``."""
    names = [name for name, weight in weights.items() if weight > 0]
    if len(names) == 1:
        return names[0]
    return str(np.random.default_rng(seed).choice(SEVERITIES, p=[weights[n] for n in SEVERITIES]))
