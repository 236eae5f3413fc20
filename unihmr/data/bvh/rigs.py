"""Joint-name maps from BVH rigs to the 22 SMPL-X body joints, and detection of the rig of a file.

A rig map gives, for each SMPL-X body joint (``BODY_JOINT_NAMES``), the BVH joint whose position is that
joint and whose rotation drives it. Extra BVH joints (twist bones, fingers, toes) are ignored. Users with
another rig pass their own dict (``tools/prepare_bvh.py --rig-map FILE.json``).

- ``cc``: the Character-Creator rig (``CC_Base_*``), as in the CMU conversions of
  DragonForgedTheArtist/IClone-CMU-Mocap. Its zero pose is not a body pose (every bone points along its own
  +y), so the retargeter takes its rest alignment from a standing frame (``retarget``, "Rest alignment").
- ``cmu``: the CMU rig of the cgspeed / MotionBuilder-friendly BVH conversion (``Hips``, ``LeftUpLeg``,
  ``LowerBack``, ``Spine1``, ``LeftArm``...). Its zero pose is a T-pose.
- ``smplx``: our own names (the BVH files ``tools/export.py`` writes).
"""
from unihmr.body.joint_sets import BODY_JOINT_NAMES

SIDES = (('left', 'L', 'Left'), ('right', 'R', 'Right'))


def _sided(template: dict) -> dict:
    """Expand ``{'hip': '{S}UpLeg'}``-style templates: ``{s}`` -> L/R, ``{S}`` -> Left/Right."""
    out = {}
    for ours, short, long in SIDES:
        for name, pattern in template.items():
            out[f'{ours}_{name}'] = pattern.format(s=short, S=long)
    return out


CC_RIG = dict(
    pelvis='CC_Base_Pelvis', spine1='CC_Base_Waist', spine2='CC_Base_Spine01', spine3='CC_Base_Spine02',
    neck='CC_Base_NeckTwist01', head='CC_Base_Head',
    **_sided(dict(hip='CC_Base_{s}_Thigh', knee='CC_Base_{s}_Calf', ankle='CC_Base_{s}_Foot',
                  foot='CC_Base_{s}_ToeBase', collar='CC_Base_{s}_Clavicle', shoulder='CC_Base_{s}_Upperarm',
                  elbow='CC_Base_{s}_Forearm', wrist='CC_Base_{s}_Hand')))
CMU_RIG = dict(
    pelvis='Hips', spine1='LowerBack', spine2='Spine', spine3='Spine1', neck='Neck', head='Head',
    **_sided(dict(hip='{S}UpLeg', knee='{S}Leg', ankle='{S}Foot', foot='{S}ToeBase', collar='{S}Shoulder',
                  shoulder='{S}Arm', elbow='{S}ForeArm', wrist='{S}Hand')))
SMPLX_RIG = {name: name for name in BODY_JOINT_NAMES}
RIGS = {'cc': CC_RIG, 'cmu': CMU_RIG, 'smplx': SMPLX_RIG}
# How each rig's rest alignment is taken (``retarget.rest_alignment``): its zero pose, or a standing frame.
RIG_REST = {'cc': 'standing', 'cmu': 'zero', 'smplx': 'zero'}


def check_rig_map(rig_map: dict, names, source: str) -> dict:
    """``rig_map`` if it maps every SMPL-X body joint to a joint of ``names``; else ``ValueError`` naming them."""
    missing_keys = [name for name in BODY_JOINT_NAMES if name not in rig_map]
    if missing_keys:
        raise ValueError(f'{source}: the rig map has no entry for {missing_keys}')
    missing = sorted({rig_map[name] for name in BODY_JOINT_NAMES} - set(names))
    if missing:
        raise ValueError(f'{source}: the rig map names joints missing from the file: {missing}')
    return {name: rig_map[name] for name in BODY_JOINT_NAMES}


def detect_rig(names, source: str) -> str:
    """The key of ``RIGS`` whose joints the file has (all of them); ``ValueError`` naming the closest one."""
    names = set(names)
    found = {key: sorted(set(rig.values()) - names) for key, rig in RIGS.items()}
    for key, missing in found.items():
        if not missing:
            return key
    key = min(found, key=lambda k: len(found[k]))
    raise ValueError(f"{source}: no known rig matches the joint names; closest is '{key}', which lacks "
                     f'{found[key]} (pass --rig-map for another rig)')
