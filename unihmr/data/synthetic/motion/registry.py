"""The registry of motion families: name -> ``MotionFamily``.

Three kinds, by how a family uses the feet:

- ``locomotion`` (walk, run, turn_walk, sidestep): per-frame gait parameters for the footstep planner;
  consecutive locomotion segments are one gait whose parameters cross-fade.
- ``stance`` (idle_sway, squat, lunge, pick_up, sit_stand, kick, jump): a whole-body ``Plan`` that starts
  from a standing ``State`` and ends standing (its own steps, if any, are part of it).
- ``gesture`` (wave, reach, point): upper-body angles and per-joint weights, layered over any base motion.
"""
from dataclasses import dataclass
from typing import Callable, Optional

KINDS = ('locomotion', 'stance', 'gesture')
MOTION_FAMILIES = {}


@dataclass(frozen=True)
class MotionFamily:
    """A motion family. ``sample(rng, rig, style) -> dict`` draws its randomised parameters (each may be
    overridden by name); ``build`` generates it: locomotion ``(params, rig, frames, fps) -> per-frame gait
    parameters``; stance ``(params, rig, style, state, t, rng) -> Plan``; gesture
    ``(params, style, t) -> (pose (T, 21, 3), weight (T, 21), offset (T, 21, 3))``. ``min_seconds``: time to
    show it whole; ``duration(params) -> seconds`` of one action (stance and gesture families repeat it to
    fill a segment), None for open-ended families."""

    name: str
    kind: str
    sample: Callable
    build: Callable
    min_seconds: float
    duration: Optional[Callable] = None

    def params(self, rng, rig, style, overrides: dict) -> dict:
        """Sampled parameters with ``overrides`` applied; an unknown override name is a ValueError."""
        params = self.sample(rng, rig, style)
        unknown = sorted(set(overrides) - set(params))
        if unknown:
            raise ValueError(f"motion family '{self.name}': unknown parameter(s) {unknown}; known: {sorted(params)}")
        params.update(overrides)
        return params


def register(name: str, kind: str, sample: Callable, min_seconds: float, duration: Optional[Callable] = None):
    """Decorator registering ``build`` as the motion family ``name``."""
    assert kind in KINDS, kind

    def wrap(build):
        MOTION_FAMILIES[name] = MotionFamily(name, kind, sample, build, min_seconds, duration)
        return build
    return wrap


def get_family(name: str) -> MotionFamily:
    if name not in MOTION_FAMILIES:
        raise ValueError(f"unknown motion family '{name}'; known: {sorted(MOTION_FAMILIES)}")
    return MOTION_FAMILIES[name]
