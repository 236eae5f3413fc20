"""Guidance energies shared by every sampler that supports guidance (ScoreHMR eqs. 12-14 so far; foot
skating and others with RoHM). Importing registers them in ``GUIDANCE``."""
from unihmr.models.guidance.energies import (GuidanceEnergy, GuidanceInputs, GuidanceSet, KeypointReprojectionEnergy,
                                             MultiViewConsistencyEnergy, TemporalConsistencyEnergy)

__all__ = ['GuidanceEnergy', 'GuidanceInputs', 'GuidanceSet', 'KeypointReprojectionEnergy',
           'MultiViewConsistencyEnergy', 'TemporalConsistencyEnergy']
