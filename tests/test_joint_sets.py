"""Joint sets against their sources: mannequin-x's skeleton asset, the SMPL-X fixture, COCO naming."""
import csv
from importlib.resources import files
from pathlib import Path

import numpy as np
import pytest
import torch

from unihmr.body import coco17_from_parts
from unihmr.body.joint_sets import (BODY_JOINT_NAMES, BODY_PARENTS, COCO17_FACE_NAMES, COCO17_FLIP,
                                    COCO17_FROM_BODY_JOINTS, COCO17_NAMES, DEFAULT_TORSO_SPLIT, FEET_JOINT_NAMES,
                                    FEET_JOINTS, NUM_BODY_JOINTS, NUM_BODY_POSE, TorsoSplit)

REST_JOINTS_CSV = Path(__file__).resolve().parent / 'fixtures' / 'smplx_neutral_rest_joints.csv'  # vendored
# mannequin-x names a few SMPL-X joints differently (its `SMPLX_JOINT_NAMES` map, lower-cased here).
MANNEQUIN_TO_SMPLX = {'torso': 'spine1', 'spine': 'spine2', 'chest': 'spine3', 'l_toe': 'left_foot',
                      'r_toe': 'right_foot', 'l_thorax': 'left_collar', 'r_thorax': 'right_collar'}


def mannequin_skeleton():
    with (files('mannequin') / 'assets' / 'wooden.npz').open('rb') as handle, np.load(handle) as data:
        return data['joint_names'].tolist(), data['parents'].tolist()


def smplx_name(mannequin_name: str) -> str:
    name = MANNEQUIN_TO_SMPLX.get(mannequin_name.lower(), mannequin_name.lower())
    for short, side in (('l_', 'left_'), ('r_', 'right_')):
        if name.startswith(short):
            return side + name[len(short):]
    return name


def test_body_joints_are_the_first_22_mannequin_joints():
    names, parents = mannequin_skeleton()
    assert NUM_BODY_JOINTS == 22 and NUM_BODY_POSE == 21
    assert tuple(parents[:NUM_BODY_JOINTS]) == BODY_PARENTS
    assert tuple(smplx_name(name) for name in names[:NUM_BODY_JOINTS]) == BODY_JOINT_NAMES
    assert all(parent < joint for joint, parent in enumerate(BODY_PARENTS))


def test_body_joints_match_fixture_order():
    with open(REST_JOINTS_CSV) as handle:
        rows = list(csv.DictReader(line for line in handle if not line.startswith('#')))
    assert tuple(row['name'] for row in rows) == BODY_JOINT_NAMES
    assert tuple(int(row['parent']) for row in rows) == BODY_PARENTS


def test_coco17_map_and_flip():
    assert len(COCO17_NAMES) == 17 and COCO17_FACE_NAMES == COCO17_NAMES[:5]
    assert tuple(BODY_JOINT_NAMES[j] for j in COCO17_FROM_BODY_JOINTS) == COCO17_NAMES[5:]
    assert sorted(COCO17_FLIP) == list(range(17))
    for index, flipped in enumerate(COCO17_FLIP):
        assert COCO17_FLIP[flipped] == index
        swapped = COCO17_NAMES[index].replace('left', 'LEFT').replace('right', 'left').replace('LEFT', 'right')
        assert COCO17_NAMES[flipped] == swapped


def test_coco17_from_parts_orders_face_then_body():
    joints = torch.randn(2, 3, 22, 3)
    face = torch.randn(2, 3, 5, 3)
    coco = coco17_from_parts(joints, face)
    assert coco.shape == (2, 3, 17, 3)
    torch.testing.assert_close(coco[..., :5, :], face)
    for coco_index, name in enumerate(COCO17_NAMES[5:], start=5):
        torch.testing.assert_close(coco[..., coco_index, :], joints[..., BODY_JOINT_NAMES.index(name), :])


def test_feet_joints():
    assert tuple(BODY_JOINT_NAMES[j] for j in FEET_JOINTS) == FEET_JOINT_NAMES
    assert FEET_JOINT_NAMES == ('left_ankle', 'right_ankle', 'left_foot', 'right_foot')


def test_default_torso_split_is_8_and_13():
    split = DEFAULT_TORSO_SPLIT
    assert len(split.torso_pose) == 8 and len(split.non_torso_pose) == 13
    assert sorted(split.torso_pose + split.non_torso_pose) == list(range(NUM_BODY_POSE))
    assert sorted(split.torso_joints + split.non_torso_joints) == list(range(NUM_BODY_JOINTS))
    assert 0 in split.torso_joints  # the pelvis counts as torso for regional metrics
    assert {BODY_JOINT_NAMES[j + 1] for j in split.torso_pose} == {
        'left_hip', 'right_hip', 'spine1', 'spine2', 'spine3', 'neck', 'left_shoulder', 'right_shoulder'}
    assert {BODY_JOINT_NAMES[j + 1] for j in split.non_torso_pose} >= {'head', 'left_collar', 'left_knee'}


def test_custom_split_and_rejections():
    split = TorsoSplit(('spine1', 'spine2'))
    assert split.torso_pose == (2, 5) and split.torso_joints == (0, 3, 6)
    with pytest.raises(ValueError, match='unknown'):
        TorsoSplit(('spine1', 'tail'))
    with pytest.raises(ValueError, match='unknown'):
        TorsoSplit(('pelvis',))  # the pelvis has no body_pose rotation
    with pytest.raises(ValueError, match='duplicate'):
        TorsoSplit(('spine1', 'spine1'))


def test_anchor_joints_are_the_torso_joints_and_the_joints_torso_rotations_place():
    from unihmr.body import EmbeddedSMPLX
    split = DEFAULT_TORSO_SPLIT
    assert {BODY_JOINT_NAMES[j] for j in split.anchor_joints} == {BODY_JOINT_NAMES[j] for j in split.torso_joints} | {
        'left_knee', 'right_knee', 'left_collar', 'right_collar', 'head', 'left_elbow', 'right_elbow'}
    # forward kinematics: changing only the non-torso rotations never moves a joint all of whose ancestors'
    # rotations are torso (pelvis included), and always moves the other joints outside the anchor set
    torch.manual_seed(0)
    body = EmbeddedSMPLX()
    pose = 0.3 * torch.randn(1, NUM_BODY_POSE, 3)
    moved = pose.clone()
    moved[:, list(split.non_torso_pose)] += 0.4 * torch.randn(1, len(split.non_torso_pose), 3)
    joints = [body(global_orient=torch.zeros(1, 3), body_pose=p, betas=torch.zeros(1, 10),
                   transl=torch.zeros(1, 3), return_verts=False).joints[0] for p in (pose, moved)]
    shift = (joints[0] - joints[1]).norm(dim=-1)

    def placed_by_torso(j):
        parent = BODY_PARENTS[j]
        return parent < 0 or (parent in split.torso_joints and placed_by_torso(parent))

    for j in range(NUM_BODY_JOINTS):
        if placed_by_torso(j):
            assert j in split.anchor_joints and shift[j] < 1e-5, BODY_JOINT_NAMES[j]
        elif j not in split.anchor_joints:
            assert shift[j] > 1e-3, BODY_JOINT_NAMES[j]
