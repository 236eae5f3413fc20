"""Procedural human motion: 14 randomised motion families, blended sequences, grounded and contact-consistent.

Public API::

    MOTION_FAMILIES          # name -> MotionFamily (kind 'locomotion' | 'stance' | 'gesture')
    sample_motion(num_frames, fps, rng, body_model, families=None, betas=None) -> dict
    make_motion(family, num_frames, fps, rng_or_seed, body_model, betas=None, **params) -> dict
    sample_betas(rng) -> np.ndarray (10,)

Returned dict (torch float32, world frame: y up, ground at y = 0, the body faces +z at rest):
``global_orient_w`` (T, 3), ``body_pose`` (T, 21, 3) axis-angle, ``betas`` (T, 10) (one row repeated),
``transl_w`` (T, 3), ``joints_w`` (T, 22, 3) and ``coco17_w`` (T, 17, 3) from the body model on those
parameters, ``contact`` (T, 4)
in {0, 1} (``FEET_JOINT_NAMES`` order, rule in ``grounding``), and ``segments``: [(family, start, end)],
end exclusive; a gesture layered over locomotion overlaps the segment it rides on.

Pipeline: families write a ``Plan`` (pelvis path, feet footsteps with heel/toe roll, upper-body Euler
angles) -> ``compose`` joins segments -> ``solve`` lowers the pelvis where the feet would be out of reach,
solves the legs by analytic IK (planted feet stay exactly still), clips every joint to ``limits``, calls
the body model once (joints only) and labels contacts. Everything is a function of the random generator.
"""
from . import families_actions, families_dynamic, families_gestures, families_locomotion  # noqa: F401  (register)
from .compose import make_motion, sample_motion
from .registry import MOTION_FAMILIES, MotionFamily
from .shapes import sample_betas

__all__ = ['MOTION_FAMILIES', 'MotionFamily', 'make_motion', 'sample_betas', 'sample_motion']
