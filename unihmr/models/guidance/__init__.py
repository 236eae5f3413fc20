"""Guidance energies shared by every sampler that supports guidance (ScoreHMR eqs. 12-14, RoHM's foot skating
eq. 12) and the inputs they read. Importing registers them in ``GUIDANCE``."""
from unihmr.models.guidance.energies import (FootSkatingEnergy, GuidanceEnergy, GuidanceInputs, GuidanceSet,
                                             KeypointReprojectionEnergy, MultiViewConsistencyEnergy, TemporalConsistencyEnergy)

__all__ = ['FootSkatingEnergy', 'GuidanceEnergy', 'GuidanceInputs', 'GuidanceSet', 'KeypointReprojectionEnergy',
           'MultiViewConsistencyEnergy', 'TemporalConsistencyEnergy']
