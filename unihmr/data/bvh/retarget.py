"""Retarget a BVH motion to the 22-joint SMPL-X body: up axis, rest alignment, rotations, then an IK fit.

Steps (``retarget``):

1. **Up axis.** The mean pelvis-to-head direction over the clip, snapped to the nearest signed file axis,
   is turned to +y (our world). A y-up file read as z-up would otherwise give a body lying on its back;
   the axis found is in the report.
2. **Rest alignment** ``A_j`` (3, 3) per SMPL-X joint, constant over the clip, such that the SMPL-X world
   rotation is ``G_bvh_j(t) A_j``. It is taken at a *reference pose* of the BVH skeleton: the file's zero
   pose (a T-pose in most rigs) or, for rigs whose zero pose is not a body pose, the most upright standing
   frame (``prepare_bvh`` takes the median over all clips of a rig, ``mean_alignment``). At the reference the
   SMPL-X pose is the rest pose moved as little as possible to match the BVH bones, in tree order: the pelvis
   by the best rotation of its child offsets (``roma.rigid_vectors_registration``); every single-child joint
   whose bone is motion by a pure swing of its rest bone onto the BVH bone (``align_rotation``: no twist
   added); the ``GEOMETRY`` joints (spine, ankles, collars: their bones are rig geometry) and the leaves (head, feet,
   wrists: no bone to align) keep their rest shape, i.e. take their parent's alignment at the reference.
   At a zero-pose reference this is exactly "a leaf takes its parent's alignment"; at a standing frame it
   also removes a rig's rest bend of the leaves (the CC toe bone is bent against the foot bone).
3. **Rescaled targets.** BVH joint positions rescaled to the body's proportions: the pelvis path is scaled
   by the ratio of leg lengths (thigh + shin, body / BVH: strides keep their stance foot planted); every
   motion bone keeps the body's length along the BVH bone's direction; rig-geometry bones keep the body's rest
   offset, turned (``rescaled_targets``).
4. **IK refinement.** The local rotations are refined (L-BFGS on a per-joint residual rotation) to put the
   22 joints on the rescaled targets, with the leaves' world orientation kept and a penalty outside the
   joint-limit table (``unihmr.data.synthetic.motion.limits``). The fit is per frame, batched.

The report gives bone-direction error (degrees) before and after the fit, joint-position error against
the rescaled targets (mm) and joint-limit violations.
"""
from dataclasses import dataclass, field

import numpy as np
import roma
import torch

from unihmr.body.base import KinematicTree
from unihmr.body.embedded_shape import align_rotation
from unihmr.body.joint_sets import BODY_JOINT_NAMES, BODY_PARENTS, NUM_BETAS
from unihmr.data.bvh.foot_slide import stance_foot_slide
from unihmr.data.bvh.reader import BVHFormatError, BVHMotion
from unihmr.data.bvh.rigs import RIG_REST, RIGS, check_rig_map, detect_rig
from unihmr.data.datasets.sequence_ops import rotation_to_y_up
from unihmr.data.synthetic.motion.limits import JOINT_ORDERS, LIMITS

J = len(BODY_JOINT_NAMES)
CHILDREN = tuple(tuple(c for c, p in enumerate(BODY_PARENTS) if p == j) for j in range(J))
LEAVES = tuple(j for j in range(J) if not CHILDREN[j])
PELVIS, HEAD = BODY_JOINT_NAMES.index('pelvis'), BODY_JOINT_NAMES.index('head')
BONES = tuple(range(1, J))  # bone j: from BODY_PARENTS[j] to j
# Standing reference: these bones point up (+1) or down (-1) in a neutral stance (arms hanging).
STANDING = {name: +1 for name in ('spine2', 'spine3', 'neck', 'head')}
STANDING.update({f'{side}_{name}': -1 for side in ('left', 'right') for name in ('knee', 'ankle', 'elbow', 'wrist')})
# Joints whose bones are rig geometry, not motion: a rig's spine joints sit at other heights than SMPL-X's (the
# CC rig's Spine01 is 12 cm above the hips where spine2 is 24 cm) and the body's rest spine is curved where most
# rigs' are straight; a rig's ankle-to-toe bone is pitched otherwise than SMPL-X's (the CC foot bone points 8
# degrees up in a standing frame, SMPL-X's 26 degrees down), and its clavicle ends lower (aligning the CC
# clavicle bone depresses SMPL-X's collars by 23-30 degrees, beyond their range, in every frame). These joints
# are neutral (rest shape) at the reference and follow the BVH joint's rotation from there; their bones are
# turned by that rotation.
GEOMETRY = tuple(BODY_JOINT_NAMES.index(name) for name in (
    'spine1', 'spine2', 'spine3', 'left_ankle', 'right_ankle', 'left_collar', 'right_collar'))
# The pelvis: several children, its child offsets turned by the rotation that best maps them onto the BVH's.
BRANCHES = tuple(j for j in range(J) if len(CHILDREN[j]) > 1 and j not in GEOMETRY)
# Bones whose direction is motion (from a single-child, non-geometry joint): knees, ankles, head, elbows,
# wrists. They keep the BVH direction; the report's bone-direction error compares them.
COMPARED_BONES = tuple(j for j in BONES if BODY_PARENTS[j] not in GEOMETRY + BRANCHES)
# The bones whose length ratio scales the pelvis path: thighs and shins, so that a stride keeps its stance foot
# planted. With every motion bone (arms and neck too) the CC clips' path came out 12% long for their legs and the
# stance foot slid forward at ~12% of the walking speed.
LEG_BONES = tuple(BODY_JOINT_NAMES.index(name) for name in ('left_knee', 'right_knee', 'left_ankle', 'right_ankle'))
ZERO_POSE_MAX_DEG = 30.0  # a rig's zero pose is used as the reference when its legs and spine are this upright
LIMIT_TOLERANCE = np.radians(1.0)  # a joint angle counts as a violation beyond this


@dataclass
class IKSettings:
    """Weights of the refinement (per frame, summed over joints): positions in cm^2, leaf orientation and
    limit excess in rad^2, the residual rotation in rad^2 (keeps twists the positions cannot see)."""

    iterations: int = 60
    leaf_weight: float = 10.0
    limit_weight: float = 100.0
    residual_weight: float = 0.1


@dataclass
class Retargeted:
    """A retargeted clip in our world (y up, metres), at the file's frame rate.

    global_orient (F, 3), body_pose (F, 21, 3) axis-angle; transl (F, 3); betas (10,); fps; report."""

    global_orient: np.ndarray
    body_pose: np.ndarray
    transl: np.ndarray
    betas: np.ndarray
    fps: float
    report: dict = field(default_factory=dict)


def _snap_up(spine: np.ndarray) -> tuple:
    """The signed file axis nearest to the mean of unit vectors ``spine`` (F, 3): (unit vector, name, angle deg)."""
    mean = (spine / np.linalg.norm(spine, axis=-1, keepdims=True)).mean(0)
    axis = int(np.abs(mean).argmax())
    up = np.zeros(3)
    up[axis] = np.sign(mean[axis])
    angle = np.degrees(np.arccos(np.clip(mean @ up / np.linalg.norm(mean), -1, 1)))
    return up, ('+' if up[axis] > 0 else '-') + 'xyz'[axis], float(angle)


def _standing_score(positions: np.ndarray, names=None) -> np.ndarray:
    """Mean angle (F,) in degrees of the ``STANDING`` bones from their neutral direction; positions (F, 22, 3) y up."""
    names = names or STANDING
    angles = []
    for name, sign in names.items():
        j = BODY_JOINT_NAMES.index(name)
        bone = positions[:, j] - positions[:, BODY_PARENTS[j]]
        cosine = sign * bone[:, 1] / np.maximum(np.linalg.norm(bone, axis=-1), 1e-12)
        angles.append(np.degrees(np.arccos(np.clip(cosine, -1, 1))))
    return np.mean(angles, axis=0)


def _zero_pose(motion: BVHMotion) -> BVHMotion:
    """The file's skeleton with every channel at zero (one frame)."""
    count = len(motion.names)
    return BVHMotion(motion.names, motion.parents, motion.offsets, np.broadcast_to(np.eye(3), (1, count, 3, 3)).copy(),
                     motion.offsets[None].copy(), motion.frame_time, motion.source)


def _mapped_world(motion: BVHMotion, index: list, up_rotation: np.ndarray) -> tuple:
    rotations, positions = motion.world()
    return up_rotation @ rotations[:, index], positions[:, index] @ up_rotation.T


def rest_alignment(ref_rotations: np.ndarray, ref_positions: np.ndarray, rest_joints: np.ndarray) -> np.ndarray:
    """Per-joint alignment (22, 3, 3): SMPL-X world rotation = BVH world rotation @ A (module docstring, step 2).

    ref_rotations (22, 3, 3), ref_positions (22, 3): the mapped BVH joints at the reference pose, y up;
    rest_joints (22, 3) the body's rest joints."""
    rest = torch.as_tensor(rest_joints, dtype=torch.float64)
    ref = torch.as_tensor(ref_positions, dtype=torch.float64)
    target = torch.zeros(J, 3, 3, dtype=torch.float64)  # SMPL-X world rotations at the reference
    for j in range(J):
        parent = target[BODY_PARENTS[j]] if BODY_PARENTS[j] >= 0 else torch.eye(3, dtype=torch.float64)
        children = list(CHILDREN[j])
        if j in GEOMETRY:
            target[j] = parent
        elif len(children) > 1:
            target[j] = roma.rigid_vectors_registration(rest[children] - rest[j], ref[children] - ref[j])
        elif children:
            c = children[0]
            target[j] = align_rotation(parent @ (rest[c] - rest[j]), ref[c] - ref[j]) @ parent
        else:
            target[j] = parent
    return (torch.as_tensor(ref_rotations, dtype=torch.float64).transpose(-1, -2) @ target).numpy()


def local_from_world(world: np.ndarray) -> np.ndarray:
    """Local rotations (..., 22, 3, 3) from world rotations (..., 22, 3, 3)."""
    parents = world[..., [max(p, 0) for p in BODY_PARENTS], :, :]
    local = np.swapaxes(parents, -1, -2) @ world
    local[..., PELVIS, :, :] = world[..., PELVIS, :, :]
    return local


def rescaled_targets(positions: np.ndarray, rest_joints: np.ndarray, world: np.ndarray) -> tuple:
    """BVH joints (F, 22, 3) rescaled to the body's proportions (step 3), and the scale of the pelvis path.

    A motion bone (``COMPARED_BONES``) keeps the body's length along the BVH bone. The other bones are rig
    geometry and keep the body's rest offset, turned: from a ``GEOMETRY`` joint by its aligned world rotation
    (``world`` (F, 22, 3, 3)), from the pelvis by the rotation that best maps its rest child offsets onto the
    BVH ones in that frame. The pelvis path is scaled by the ratio of leg lengths (``LEG_BONES``)."""
    rest_bones = rest_joints[1:] - rest_joints[list(BODY_PARENTS[1:])]
    bvh_bones = positions[:, 1:] - positions[:, list(BODY_PARENTS[1:])]
    bvh_length = np.linalg.norm(bvh_bones, axis=-1)
    legs = [j - 1 for j in LEG_BONES]
    scale = np.linalg.norm(rest_bones[legs], axis=-1).sum() / np.median(bvh_length[:, legs], axis=0).sum()
    targets = np.empty_like(positions)
    targets[:, PELVIS] = scale * positions[:, PELVIS]
    offsets = {}
    for j in BRANCHES:
        children = [c - 1 for c in CHILDREN[j]]
        rotation = roma.rigid_vectors_registration(torch.as_tensor(rest_bones[children]),
                                                   torch.as_tensor(bvh_bones[:, children])).numpy()
        offsets.update({c + 1: rotation @ rest_bones[c] for c in children})
    for j in BONES:
        parent = BODY_PARENTS[j]
        if parent in GEOMETRY:
            offset = world[:, parent] @ rest_bones[j - 1]
        elif j in offsets:
            offset = offsets[j]
        else:
            offset = np.linalg.norm(rest_bones[j - 1]) * bvh_bones[:, j - 1] / np.maximum(bvh_length[:, j - 1, None], 1e-12)
        targets[:, j] = targets[:, parent] + offset
    return targets, float(scale)


def limit_excess(local: torch.Tensor) -> torch.Tensor:
    """How far (radians, >= 0) each body-pose Euler angle lies outside ``LIMITS``: local (..., 21, 3, 3) -> (..., 21, 3).

    Differentiable form of ``limits.limit_violation``: roma's intrinsic Euler angles in each joint's order,
    rearranged to be about x, y, z as the table is."""
    angles = torch.empty(local.shape[:-1], dtype=local.dtype)
    for order in sorted(set(JOINT_ORDERS)):
        joints = [j for j, o in enumerate(JOINT_ORDERS) if o == order]
        in_order = roma.rotmat_to_euler(order.upper(), local[..., joints, :, :])  # angles in composition order
        angles[..., joints, :] = in_order[..., np.argsort(['xyz'.index(axis) for axis in order])]  # about x, y, z
    limits = torch.as_tensor(LIMITS, dtype=local.dtype)
    return (limits[..., 0] - angles).clamp_min(0) + (angles - limits[..., 1]).clamp_min(0)


def refine(local: np.ndarray, targets: np.ndarray, leaf_world: np.ndarray, rest_joints: np.ndarray,
           settings: IKSettings) -> np.ndarray:
    """IK refinement (step 4): local rotations (F, 22, 3, 3) -> refined local rotations (F, 22, 3, 3).

    targets (F, 22, 3) rescaled joint positions; leaf_world (F, len(LEAVES), 3, 3) leaf world rotations."""
    tree = KinematicTree(BODY_PARENTS)
    start = torch.as_tensor(local, dtype=torch.float64)
    goal = torch.as_tensor(targets, dtype=torch.float64)
    leaf_goal = torch.as_tensor(leaf_world, dtype=torch.float64)
    rest = torch.as_tensor(rest_joints, dtype=torch.float64).expand(len(local), J, 3)
    residual = torch.zeros(len(local), J, 3, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.LBFGS([residual], lr=1.0, max_iter=settings.iterations, line_search_fn='strong_wolfe')

    def objective():
        optimizer.zero_grad()
        rotations = start @ roma.rotvec_to_rotmat(residual)
        world, positions = tree(rotations, rest, goal[:, PELVIS])
        loss = (((positions - goal) * 100.0) ** 2).sum((-1, -2))
        loss = loss + settings.leaf_weight * ((world[:, list(LEAVES)] - leaf_goal) ** 2).sum((-1, -2, -3))
        loss = loss + settings.limit_weight * (limit_excess(rotations[:, 1:]) ** 2).sum((-1, -2))
        loss = (loss + settings.residual_weight * (residual ** 2).sum((-1, -2))).sum()
        loss.backward()
        return loss

    optimizer.step(objective)
    with torch.no_grad():
        return (start @ roma.rotvec_to_rotmat(residual)).numpy()


def _bone_direction_error(positions: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Angles (F, 9) in degrees between the ``COMPARED_BONES`` of two joint sets (F, 22, 3)."""
    bones, parents = list(COMPARED_BONES), [BODY_PARENTS[j] for j in COMPARED_BONES]
    a, b = positions[:, bones] - positions[:, parents], reference[:, bones] - reference[:, parents]
    cosine = (a * b).sum(-1) / np.maximum(np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1), 1e-12)
    return np.degrees(np.arccos(np.clip(cosine, -1, 1)))


def _summary(values: np.ndarray) -> dict:
    return dict(mean=float(values.mean()), p95=float(np.percentile(values, 95)), max=float(values.max()))


def resolve_rig(motion: BVHMotion, rig) -> tuple:
    """(rig map dict, rest mode) for ``rig``: a key of ``RIGS``, ``'auto'`` (detected) or a dict (rest 'auto')."""
    if isinstance(rig, dict):
        rig_map, rest = rig, 'auto'
    else:
        try:
            key = detect_rig(motion.names, motion.source) if rig == 'auto' else rig
        except ValueError as error:
            raise BVHFormatError(str(error)) from None
        if key not in RIGS:
            raise ValueError(f"rig: expected 'auto', a dict or one of {sorted(RIGS)}, got {rig!r}")
        rig_map, rest = RIGS[key], RIG_REST[key]
    try:
        return check_rig_map(rig_map, motion.names, motion.source), rest
    except ValueError as error:
        raise BVHFormatError(str(error)) from None


@dataclass
class Skeleton:
    """The mapped joints of one clip in our world (y up): world rotations (F, 22, 3, 3) and positions
    (F, 22, 3) of the BVH joints named by the rig map, their zero pose (22, 3, 3), (22, 3), and the up axis."""

    rotations: np.ndarray
    positions: np.ndarray
    zero_rotations: np.ndarray
    zero_positions: np.ndarray
    rest: str
    up_axis: str
    up_axis_off_deg: float


def mapped_skeleton(motion: BVHMotion, rig='auto', rest: str = None) -> Skeleton:
    """The clip's mapped joints turned y up (step 1), and the rest mode (``retarget``'s ``rig`` and ``rest``)."""
    rig_map, rig_rest = resolve_rig(motion, rig)
    rest = rest or rig_rest
    if rest not in ('zero', 'standing', 'auto'):
        raise ValueError(f"rest: expected 'zero', 'standing' or 'auto', got {rest!r}")
    index = [motion.index(rig_map[name]) for name in BODY_JOINT_NAMES]
    _, raw_positions = motion.world()
    up, up_name, up_angle = _snap_up(raw_positions[:, index[HEAD]] - raw_positions[:, index[PELVIS]])
    up_rotation = rotation_to_y_up(up)
    rotations, positions = _mapped_world(motion, index, up_rotation)
    zero_rotations, zero_positions = _mapped_world(_zero_pose(motion), index, up_rotation)
    if rest == 'auto':
        upright = {name: sign for name, sign in STANDING.items() if 'elbow' not in name and 'wrist' not in name}
        rest = 'zero' if _standing_score(zero_positions, upright)[0] < ZERO_POSE_MAX_DEG else 'standing'
    return Skeleton(rotations, positions, zero_rotations[0], zero_positions[0], rest, up_name, up_angle)


def clip_alignment(skeleton: Skeleton, rest_joints: np.ndarray) -> tuple:
    """The rest alignment (22, 3, 3) of one clip and its reference frame (-1: the zero pose)."""
    if skeleton.rest == 'zero':
        return rest_alignment(skeleton.zero_rotations, skeleton.zero_positions, rest_joints), -1
    reference = int(_standing_score(skeleton.positions).argmin())
    return rest_alignment(skeleton.rotations[reference], skeleton.positions[reference], rest_joints), reference


def mean_alignment(alignments, iterations: int = 20) -> tuple:
    """A robust per-joint mean of clip alignments (N, 22, 3, 3): the geodesic median (Weiszfeld iterations on
    the chordal mean), and each clip's distance from it in degrees (N, 22).

    One rig has one set of joint frames, so its alignment is the same for every clip; a single standing
    frame estimates it with the twist of that frame's arms and legs (10-20 degrees apart between clips of
    the CC rig, a few clips far off), and the median over clips removes most of that."""
    stack = torch.as_tensor(np.asarray(alignments), dtype=torch.float64)
    mean = roma.special_procrustes(stack.mean(0))
    for _ in range(iterations):
        distance = roma.rotmat_geodesic_distance(stack, mean[None])
        weight = 1.0 / distance.clamp_min(np.radians(0.5))
        mean = roma.special_procrustes((weight[..., None, None] * stack).sum(0) / weight.sum(0)[..., None, None])
    return mean.numpy(), np.degrees(roma.rotmat_geodesic_distance(stack, mean[None]).numpy())


def retarget(motion: BVHMotion, rest_joints: np.ndarray, rig='auto', rest: str = None, alignment=None,
             settings: IKSettings = IKSettings(), betas=None) -> Retargeted:
    """Retarget ``motion`` onto a body with rest joints ``rest_joints`` (22, 3) (module docstring).

    rig: a key of ``RIGS``, ``'auto'`` or a dict SMPL-X name -> BVH name; rest: ``'zero'``, ``'standing'`` or
    ``'auto'`` (the rig's; for a user map the zero pose when it is upright, else a standing frame);
    alignment (22, 3, 3): a rest alignment shared by the rig's clips (``mean_alignment``), else this clip's."""
    skeleton = mapped_skeleton(motion, rig, rest)
    rotations, positions = skeleton.rotations, skeleton.positions
    reference = 'shared'
    if alignment is None:
        alignment, reference = clip_alignment(skeleton, rest_joints)
    world = rotations @ alignment
    aligned = local_from_world(world)
    tree = KinematicTree(BODY_PARENTS)
    rest_t = torch.as_tensor(rest_joints, dtype=torch.float64).expand(len(aligned), J, 3)

    def posed(local, root):
        return tree(torch.as_tensor(local), rest_t, torch.as_tensor(root))[1].numpy()

    targets, scale = rescaled_targets(positions, rest_joints, world)
    refined = refine(aligned, targets, world[:, list(LEAVES)], rest_joints, settings)
    aligned_joints = posed(aligned, targets[:, PELVIS])
    fitted = posed(refined, targets[:, PELVIS])
    excess = limit_excess(torch.as_tensor(refined[:, 1:])).numpy()
    report = dict(
        source=motion.source, frames=motion.num_frames, fps=1.0 / motion.frame_time, up_axis=skeleton.up_axis,
        up_axis_off_deg=skeleton.up_axis_off_deg, rest=skeleton.rest, reference_frame=reference, scale=scale,
        bone_direction_deg_aligned=_summary(_bone_direction_error(aligned_joints, positions)),
        bone_direction_deg=_summary(_bone_direction_error(fitted, positions)),
        joint_position_mm=_summary(1000 * np.linalg.norm(fitted - targets, axis=-1)),
        stance_foot_slide=stance_foot_slide(fitted, 1.0 / motion.frame_time),
        limit_violation_fraction=float((excess > LIMIT_TOLERANCE).any(-1).mean()),
        limit_violation_max_deg=float(np.degrees(excess.max())),
        limit_violation_by_joint={name: round(float(share), 4) for name, share in
                                  zip(BODY_JOINT_NAMES[1:], (excess > LIMIT_TOLERANCE).any(-1).mean(0)) if share > 0},
        limit_violation_max_deg_by_joint={name: round(float(np.degrees(value)), 2) for name, value in
                                          zip(BODY_JOINT_NAMES[1:], excess.max((0, 2))) if value > LIMIT_TOLERANCE})
    rotvecs = roma.rotmat_to_rotvec(torch.as_tensor(refined)).numpy()
    betas = np.zeros(NUM_BETAS) if betas is None else np.asarray(betas, dtype=np.float64)
    return Retargeted(global_orient=rotvecs[:, PELVIS], body_pose=rotvecs[:, 1:], transl=targets[:, PELVIS] - rest_joints[PELVIS],
                      betas=betas, fps=1.0 / motion.frame_time, report=report)
