"""Secondary motion (opt-in): it moves the joints the families leave still, stays in the joint limits, and is off
by default (the benchmark splits do not change)."""
import numpy as np
import pytest
import torch

from unihmr.body import EmbeddedSMPLX
from unihmr.data.datasets import SyntheticMotionDataset
from unihmr.data.synthetic.motion import sample_motion
from unihmr.data.synthetic.motion.limits import limit_violation, matrices_to_pose, pose_index
from unihmr.data.synthetic.np_rotations import rotvec_to_matrix

FPS = 30.0
DRIVEN = ('spine1', 'spine2', 'spine3', 'neck', 'head', 'left_wrist', 'right_wrist', 'left_collar')


@pytest.fixture(scope='module')
def pairs():
    """Six 90-frame sequences, each without and with secondary motion from the same seed."""
    body = EmbeddedSMPLX()
    return [tuple(sample_motion(90, FPS, np.random.default_rng(seed), body, secondary=on)['body_pose'].numpy()
                  for on in (False, True)) for seed in range(6)]


def _spread_deg(pose: np.ndarray, joint: int) -> float:
    """Largest per-axis p5-p95 range (degrees) of one joint's limit-table Euler angles over frames."""
    angles = matrices_to_pose(rotvec_to_matrix(pose.astype(np.float64)))[:, joint]  # (T, 3)
    return float(np.degrees(np.percentile(angles, 95, 0) - np.percentile(angles, 5, 0)).max())


def test_secondary_motion_moves_the_still_joints(pairs):
    for name in DRIVEN:
        joint = pose_index(name)
        plain = np.mean([_spread_deg(off, joint) for off, _ in pairs])
        lively = np.mean([_spread_deg(on, joint) for _, on in pairs])
        assert lively > plain + 3.0, (name, plain, lively)


def test_secondary_motion_stays_within_the_joint_limits(pairs):
    for _, on in pairs:
        assert limit_violation(on).max() < 1e-3


def test_off_by_default_and_in_the_dataset_by_option():
    plain = SyntheticMotionDataset(split='train', num_windows=1, window=30)[0]
    explicit = SyntheticMotionDataset(split='train', num_windows=1, window=30, secondary_motion=False)[0]
    lively = SyntheticMotionDataset(split='train', num_windows=1, window=30, secondary_motion=True)[0]
    assert torch.equal(plain['smpl_params']['body_pose'], explicit['smpl_params']['body_pose'])
    assert not torch.allclose(plain['smpl_params']['body_pose'], lively['smpl_params']['body_pose'])


def test_the_cache_key_tells_secondary_motion_apart():
    plain = SyntheticMotionDataset(split='test', num_windows=2).describe()
    assert 'secondary_motion' not in plain  # caches written before the option keep their keys
    assert SyntheticMotionDataset(split='test', num_windows=2, secondary_motion=True).describe() != plain
