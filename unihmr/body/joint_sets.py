"""Named joint sets shared by body models, losses and metrics.

Indices refer to the 22 SMPL-X body joints (``BODY_JOINT_NAMES``); body-pose indices refer to the 21
rotations of ``body_pose`` (joint ``i`` of the skeleton is ``body_pose[i - 1]``).

Torso / non-torso split (FactorizedHMR section 3.1): "theta_torso (8 x 3) refers to the 8 body poses
constituting the torso region, which we define as the hips, spine, and shoulders", and theta_non-torso
the 13 others ("the legs, arms, and head"). The paper does not list the 8 joints; we read them as the
two hips, the three spine joints, the neck and the two shoulders, which also matches the torso joints
of its per-joint table (appendix Tab. 6: pelvis, hips, spine, neck, shoulders). The collars go with the
arms and the head with the non-torso set. Configs may pass another split (``TorsoSplit``).
"""
from dataclasses import dataclass

BODY_JOINT_NAMES = (
    'pelvis', 'left_hip', 'right_hip', 'spine1', 'left_knee', 'right_knee', 'spine2',
    'left_ankle', 'right_ankle', 'spine3', 'left_foot', 'right_foot', 'neck', 'left_collar',
    'right_collar', 'head', 'left_shoulder', 'right_shoulder', 'left_elbow', 'right_elbow',
    'left_wrist', 'right_wrist',
)
BODY_PARENTS = (-1, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 12, 13, 14, 16, 17, 18, 19)
NUM_BODY_JOINTS = len(BODY_JOINT_NAMES)  # 22, pelvis included
NUM_BODY_POSE = NUM_BODY_JOINTS - 1  # 21 rotations in body_pose
NUM_BETAS = 10

COCO17_NAMES = (
    'nose', 'left_eye', 'right_eye', 'left_ear', 'right_ear', 'left_shoulder', 'right_shoulder',
    'left_elbow', 'right_elbow', 'left_wrist', 'right_wrist', 'left_hip', 'right_hip',
    'left_knee', 'right_knee', 'left_ankle', 'right_ankle',
)
COCO17_FACE_NAMES = COCO17_NAMES[:5]  # taken from mesh vertices of each backend
# COCO-17 points 5..16 are body joints.
COCO17_FROM_BODY_JOINTS = tuple(BODY_JOINT_NAMES.index(name) for name in COCO17_NAMES[5:])
COCO17_FLIP = (0, 2, 1, 4, 3, 6, 5, 8, 7, 10, 9, 12, 11, 14, 13, 16, 15)

# Contact joints, in the order of the data contract's `contact` (T, 4).
FEET_JOINT_NAMES = ('left_ankle', 'right_ankle', 'left_foot', 'right_foot')
FEET_JOINTS = tuple(BODY_JOINT_NAMES.index(name) for name in FEET_JOINT_NAMES)

DEFAULT_TORSO_POSE_NAMES = (
    'left_hip', 'right_hip', 'spine1', 'spine2', 'spine3', 'neck', 'left_shoulder', 'right_shoulder',
)


@dataclass(frozen=True)
class TorsoSplit:
    """Split of the 21 body-pose rotations into torso and non-torso sets.

    ``torso_pose`` / ``non_torso_pose`` index ``body_pose`` (0..20); ``torso_joints`` /
    ``non_torso_joints`` index the 22 body joints for regional metrics: the pelvis plus the joints
    whose rotations are torso, and the rest.
    """

    torso_names: tuple = DEFAULT_TORSO_POSE_NAMES

    def __post_init__(self):
        unknown = [name for name in self.torso_names if name not in BODY_JOINT_NAMES[1:]]
        if unknown:
            raise ValueError(f'torso_names: unknown body-pose joints {unknown}; allowed: {BODY_JOINT_NAMES[1:]}')
        if len(set(self.torso_names)) != len(self.torso_names):
            raise ValueError(f'torso_names: duplicate joints in {self.torso_names}')

    @property
    def torso_joints(self) -> tuple:
        return tuple(i for i, name in enumerate(BODY_JOINT_NAMES) if i == 0 or name in self.torso_names)

    @property
    def non_torso_joints(self) -> tuple:
        return tuple(i for i in range(NUM_BODY_JOINTS) if i not in self.torso_joints)

    @property
    def anchor_joints(self) -> tuple:
        """The joints a torso-root anchor places: the torso joints and their children. A rotation moves the
        joint's children, so the hip, shoulder and neck rotations of the torso set place the knees, elbows
        and head; supervising an anchor on the torso joints alone leaves those rotations unconstrained."""
        torso = set(self.torso_joints)
        return tuple(i for i in range(NUM_BODY_JOINTS) if i in torso or BODY_PARENTS[i] in torso)

    @property
    def placed_by_torso(self) -> tuple:
        """The body joints (1..21) whose pelvis-relative positions the torso rotations place on their own: every
        rotation on their kinematic chain (excluding the root's) is a torso rotation. The shoulders are not: their
        parents, the collars, are non-torso joints."""
        def chain(joint):
            parent = BODY_PARENTS[joint]
            return () if parent <= 0 else (parent,) + chain(parent)
        torso = set(self.torso_joints)
        return tuple(j for j in range(1, NUM_BODY_JOINTS) if all(k in torso for k in chain(j)))

    @property
    def torso_pose(self) -> tuple:
        return tuple(j - 1 for j in self.torso_joints if j > 0)

    @property
    def non_torso_pose(self) -> tuple:
        return tuple(j - 1 for j in self.non_torso_joints)


DEFAULT_TORSO_SPLIT = TorsoSplit()
