"""Procedural motion: API contract, determinism, joint limits, grounding, stance-consistent root, contacts, speed."""

import numpy as np
import pytest
import torch

from unihmr.body import EmbeddedSMPLX
from unihmr.body.joint_sets import FEET_JOINTS
from unihmr.data.synthetic.motion import MOTION_FAMILIES, make_motion, sample_betas, sample_motion
from unihmr.data.synthetic.motion.gait import GRAVITY
from unihmr.data.synthetic.motion.grounding import contact_labels, recorded_contact_labels, sole_heights
from unihmr.data.synthetic.motion.limits import LIMITS, MANNEQUIN_LIMITS, limit_violation, matrices_to_pose
from unihmr.data.synthetic.motion.rig import build_rig
from unihmr.data.synthetic.np_rotations import rotvec_to_matrix
from unihmr.evaluation.metrics import foot_sliding

FAMILIES = ('walk', 'run', 'turn_walk', 'sidestep', 'jump', 'squat', 'lunge', 'wave', 'reach', 'point', 'pick_up',
            'sit_stand', 'kick', 'idle_sway')
FPS = 30.0


@pytest.fixture(scope='module')
def body():
    return EmbeddedSMPLX()


@pytest.fixture(scope='module')
def clips(body):
    """Three clips of 90 frames per family (seeds 0-2) and 12 random sequences of 120 frames."""
    out = {name: [make_motion(name, 90, FPS, seed, body) for seed in range(3)] for name in FAMILIES}
    out['sequence'] = [sample_motion(120, FPS, np.random.default_rng(seed), body) for seed in range(12)]
    return out


def test_registry_has_every_family():
    assert set(FAMILIES) <= set(MOTION_FAMILIES)
    assert {f.kind for f in MOTION_FAMILIES.values()} == {'locomotion', 'stance', 'gesture'}


def test_output_contract(body, clips):
    for name, motions in clips.items():
        for motion in motions:
            T = motion['joints_w'].shape[0]
            shapes = {'global_orient_w': (T, 3), 'body_pose': (T, 21, 3), 'betas': (T, 10), 'transl_w': (T, 3),
                      'joints_w': (T, 22, 3), 'contact': (T, 4)}
            for key, shape in shapes.items():
                assert motion[key].shape == shape and motion[key].dtype == torch.float32, (name, key)
                assert torch.isfinite(motion[key]).all(), (name, key)
            assert (motion['betas'] == motion['betas'][:1]).all() and motion['betas'].abs().max() <= 2.5
            assert set(motion['contact'].unique().tolist()) <= {0.0, 1.0}
            segments = motion['segments']
            assert segments[0][1] == 0 and max(end for _, _, end in segments) == T
            assert all(seg[0] in MOTION_FAMILIES and 0 <= seg[1] < seg[2] <= T for seg in segments)
    # joints are the body model's on the returned parameters
    motion = clips['sequence'][0]
    with torch.no_grad():
        joints = body(global_orient=motion['global_orient_w'], body_pose=motion['body_pose'], betas=motion['betas'],
                      transl=motion['transl_w'], return_verts=False).joints
    torch.testing.assert_close(joints, motion['joints_w'], atol=1e-5, rtol=0)


def test_sequences_blend_families_and_layer_gestures(body):
    programs = [sample_motion(90, FPS, np.random.default_rng(seed), body)['segments'] for seed in range(40)]
    assert any(len({name for name, _, _ in p}) >= 2 for p in programs)
    assert any(p[-1][1] < p[-2][2] for p in programs if len(p) > 1)  # a gesture layered over another segment
    only = sample_motion(150, FPS, np.random.default_rng(3), body, families=['walk', 'run'])
    assert {name for name, _, _ in only['segments']} <= {'walk', 'run'}


def test_determinism(body):
    for name in ('walk', 'jump', 'wave'):
        first, again, other = (make_motion(name, 40, FPS, seed, body) for seed in (5, 5, 6))
        assert all(torch.equal(first[k], again[k]) for k in first if k != 'segments')
        assert not torch.equal(first['body_pose'], other['body_pose'])
    a, b = (sample_motion(60, FPS, np.random.default_rng(9), body) for _ in range(2))
    assert a['segments'] == b['segments'] and all(torch.equal(a[k], b[k]) for k in a if k != 'segments')
    assert not torch.equal(a['joints_w'], sample_motion(60, FPS, np.random.default_rng(10), body)['joints_w'])
    assert np.array_equal(sample_betas(np.random.default_rng(1)), sample_betas(np.random.default_rng(1)))


def test_bad_inputs_are_named(body):
    with pytest.raises(ValueError, match=r"unknown motion family 'moonwalk'; known: \[.*'walk'"):
        make_motion('moonwalk', 10, FPS, 0, body)
    with pytest.raises(ValueError, match="unknown motion family 'moonwalk'"):
        sample_motion(10, FPS, np.random.default_rng(0), body, families=['walk', 'moonwalk'])
    for frames in (0, -3):
        with pytest.raises(ValueError, match='num_frames'):
            sample_motion(frames, FPS, np.random.default_rng(0), body)
        with pytest.raises(ValueError, match='num_frames'):
            make_motion('walk', frames, FPS, 0, body)
    with pytest.raises(ValueError, match=r"'walk': unknown parameter\(s\) \['wobble'\]"):
        make_motion('walk', 10, FPS, 0, body, wobble=1.0)
    with pytest.raises(ValueError, match='betas'):
        make_motion('walk', 10, FPS, 0, body, betas=np.zeros(3))


def test_params_and_betas_are_used(body):
    betas = np.linspace(-2, 2, 10)
    fast = make_motion('walk', 60, FPS, 0, body, betas=betas, speed=1.6, turn_rate=0.0)
    slow = make_motion('walk', 60, FPS, 0, body, betas=betas, speed=0.8, turn_rate=0.0)
    np.testing.assert_allclose(fast['betas'][0].numpy(), betas, atol=1e-6)
    travel = [np.linalg.norm(m['transl_w'][-1, [0, 2]] - m['transl_w'][0, [0, 2]]) for m in (fast, slow)]
    speeds = [distance / (59 / FPS) for distance in travel]
    assert speeds[0] == pytest.approx(1.6, rel=0.1) and speeds[1] == pytest.approx(0.8, rel=0.1)
    shapes = np.stack([sample_betas(np.random.default_rng(s)) for s in range(500)])
    assert shapes.shape == (500, 10) and np.abs(shapes).max() <= 2.5 and np.abs(shapes).max() > 2.0


def test_joint_limits(clips):
    """Every rotation within LIMITS (human ranges ∩ mannequin-x's actuated_joint_limits, which are all ±π)."""
    np.testing.assert_allclose(np.abs(MANNEQUIN_LIMITS), 3.14159, atol=1e-5)
    assert (LIMITS[..., 0] < LIMITS[..., 1]).all()
    for name, motions in clips.items():
        for motion in motions:
            pose = motion['body_pose'].double().numpy()
            assert limit_violation(pose).max() < 1e-3, name  # float32 round trip
            angles = matrices_to_pose(rotvec_to_matrix(pose))
            assert (np.abs(angles) <= 3.14159).all()


def test_feet_on_the_ground(body, clips):
    """Soles from the mesh: no penetration deeper than 1 cm; a foot with contact is within 1 cm of the ground;
    on frames with contact the lowest contacting sole is at the ground."""
    for name, motions in clips.items():
        for motion in motions[:2]:
            sole = sole_heights(body, motion)
            contact = motion['contact'].numpy()
            foot = np.stack([contact[:, [0, 2]].any(1), contact[:, [1, 3]].any(1)], 1)
            assert sole.min() > -0.01, (name, sole.min())
            assert np.abs(sole[foot]).max(initial=0.0) < 0.01, name
            lowest = np.where(foot, sole, np.inf).min(1)[foot.any(1)]
            assert np.abs(lowest).max(initial=0.0) < 0.008, name
            assert foot.any(1).mean() > (0.5 if name != 'run' else 0.3), name  # grounded most of the time


def test_foot_sliding_under_2mm(body, clips):
    """GT foot sliding (project metric, contact = GT foot moving < 1 cm/frame), mean over each family's clips."""
    report = {}
    for name, motions in clips.items():
        values = torch.cat([foot_sliding(m['joints_w'], m['joints_w']) for m in motions])
        report[name] = values.mean().item()
        assert report[name] < 2.0, (name, report[name])
    print('foot sliding mm/frame:', {k: round(v, 2) for k, v in report.items()})


def test_contacts_come_from_the_feet(body, clips):
    for name, motions in clips.items():
        motion = motions[0]
        rig = build_rig(body, motion['betas'][0].numpy())
        expected = contact_labels(motion['joints_w'].double().numpy(), rig, FPS)
        np.testing.assert_array_equal(motion['contact'].numpy(), expected)
    assert clips['idle_sway'][0]['contact'][5:-5, 2:].all()  # forefeet always down (a heel may rise)
    run = clips['run'][1]['contact']
    assert (run.sum(1) == 0).any() and run[:, 0].any() and run[:, 1].any()  # flight phases, both feet used
    feet = clips['walk'][0]['joints_w'][:, list(FEET_JOINTS)]
    planted = clips['walk'][0]['contact'].bool()[1:-1]
    speed = (feet[2:] - feet[:-2]).norm(dim=-1) / 2 * FPS
    assert speed[planted].max() < 0.3


def test_recorded_contacts_follow_a_sloped_floor_and_a_raised_foot(body, clips):
    # a procedural walk seen as a recording: its floor rising 2 cm per metre walked and its right foot planting
    # 1.5 cm high (as the retargeted CMU walks do); the flat-floor rule loses the contacts, the local floor keeps them
    motion = clips['walk'][0]
    rig = build_rig(body, motion['betas'][0].numpy())
    joints = motion['joints_w'].double().numpy().copy()
    exact = contact_labels(joints, rig, FPS)
    joints[..., 1] += 0.02 * np.linalg.norm(joints[:, :1, [0, 2]] - joints[:1, :1, [0, 2]], axis=-1)
    joints[:, [2, 5, 8, 11], 1] += 0.015  # the right leg's joints (hip, knee, ankle, toe base)
    assert np.ptp(joints[:, 0, 2]) > 2.0  # it walks 2 m or more: the floor rises 4 cm
    recorded = recorded_contact_labels(joints, rig, FPS)
    assert contact_labels(joints, rig, FPS).mean() < 0.5 * exact.mean()
    assert (recorded == exact).mean() > 0.95 and recorded[exact == 1].mean() > 0.95
    np.testing.assert_array_equal(recorded_contact_labels(motion['joints_w'].double().numpy(), rig, FPS)[exact == 1], 1)


def test_flight_is_ballistic(body):
    """While both soles are off the ground (mesh), the pelvis falls with g (within 1.5 m/s²)."""
    for name, params in (('run', dict(speed=3.5)), ('jump', {})):
        for seed in range(2):
            motion = make_motion(name, 120, FPS, seed, body, **params)
            airborne = (sole_heights(body, motion) > 0.003).all(1)
            inside = airborne[:-2] & airborne[1:-1] & airborne[2:]
            y = motion['joints_w'][:, 0, 1].double().numpy()
            accel = (y[2:] - 2 * y[1:-1] + y[:-2]) * FPS ** 2
            assert inside.sum() >= 2, name
            np.testing.assert_allclose(accel[inside], -GRAVITY, atol=1.5, err_msg=name)


def test_motion_is_smooth(clips):
    for name, motions in clips.items():
        for motion in motions:
            joints = motion['joints_w']
            accel = (joints[2:] - 2 * joints[1:-1] + joints[:-2]).norm(dim=-1) * FPS ** 2
            assert accel.max() < 300.0, (name, accel.max().item())  # m/s²; a jump in a joint would be ~1000+


def test_other_frame_rates_and_lengths(body):
    for fps in (24.0, 60.0):
        motion = make_motion('walk', int(4 * fps), fps, 4, body)
        feet = motion['joints_w'][:, list(FEET_JOINTS)]
        speed = (feet[2:] - feet[:-2]).norm(dim=-1) / 2 * fps
        assert speed[motion['contact'].bool()[1:-1]].max() < 0.3  # contact feet still at any frame rate
    at_60 = make_motion('walk', 240, 60.0, 4, body)['joints_w'][::2]  # the metric at its 30 fps convention
    assert foot_sliding(at_60, at_60).mean() < 2.0
    for frames in (1, 2, 7):
        for name in ('lunge', 'jump', 'turn_walk'):
            assert make_motion(name, frames, FPS, 1, body)['joints_w'].shape == (frames, 22, 3)
