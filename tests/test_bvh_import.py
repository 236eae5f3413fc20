"""BVH import and export: the reader against roma and hand-computed kinematics, the round trip of our own
skeleton, the up-axis check, the CC-rig excerpt, the shared rest alignment, and messages for bad files."""
import json
from pathlib import Path

import numpy as np
import pytest
import roma
import torch

from unihmr.body.embedded import EmbeddedSMPLX
from unihmr.data.bvh.continuity import LEG_LENGTH, MAX_ROOT_SPEED, jumps, longest_span
from unihmr.data.bvh.flat_foot import STANCE_HEIGHT, flat_foot_correction, stance_frames
from unihmr.data.bvh.foot_slide import stance_foot_slide
from unihmr.data.bvh.prepare import prepare_bvh, shared_alignments
from unihmr.data.bvh.reader import BVHFormatError, read_bvh
from unihmr.data.bvh.retarget import IKSettings, Skeleton, limit_excess, mapped_skeleton, mean_alignment, retarget
from unihmr.data.bvh.writer import write_bvh
from unihmr.data.datasets.amass import find_amass_files, iter_amass_sequences
from unihmr.data.synthetic.motion.grounding import CONTACT_HEIGHT
from unihmr.data.synthetic.motion.limits import LIMITS, limit_violation, pose_to_rotvecs
from unihmr.data.synthetic.motion.rig import build_rig

EXCERPT = Path(__file__).parent / 'fixtures' / 'bvh' / 'cmu_002_01_excerpt.bvh'
TWO_JOINTS = """HIERARCHY
ROOT hips
{{
  OFFSET 0 0 0
  CHANNELS 6 Xposition Yposition Zposition {order}
  JOINT knee
  {{
    OFFSET 0 -2 0
    CHANNELS 3 {order}
    End Site
    {{
      OFFSET 0 -1 0
    }}
  }}
}}
MOTION
Frames: {frames}
Frame Time: 0.04
{lines}"""


@pytest.fixture(scope='module')
def body():
    model = EmbeddedSMPLX(dtype=torch.float64)
    rest = model(betas=torch.zeros(1, 10, dtype=torch.float64), return_verts=False).joints[0].numpy()
    return model, rest


def joints_of(model, global_orient, body_pose, transl):
    out = model(global_orient=torch.as_tensor(global_orient), body_pose=torch.as_tensor(body_pose),
                transl=torch.as_tensor(transl), return_verts=False)
    return out.joints.numpy()


def rotation_angles(a, b):
    return roma.rotmat_geodesic_distance(roma.rotvec_to_rotmat(torch.as_tensor(a)),
                                         roma.rotvec_to_rotmat(torch.as_tensor(b))).numpy()


def within_limits_motion(frames=12, seed=0):
    """Axis-angle body poses (F, 21, 3) drawn inside 80% of every joint's limit box, a root orientation and path."""
    rng = np.random.default_rng(seed)
    centre, half = LIMITS.mean(-1), 0.4 * (LIMITS[..., 1] - LIMITS[..., 0])
    angles = centre + half * rng.uniform(-1, 1, size=(frames, 21, 3))
    return rng.normal(size=(frames, 3)) * 0.6, pose_to_rotvecs(angles), rng.normal(size=(frames, 3))


def test_reader_rotations_follow_the_channel_order(tmp_path):
    angles = np.array([[30.0, -45.0, 60.0], [-10.0, 80.0, 5.0]])
    lines = [' '.join(['1', '2', '3'] + [f'{v}' for v in row] * 2) for row in angles]
    path = tmp_path / 'two.bvh'
    path.write_text(TWO_JOINTS.format(order='Xrotation Zrotation Yrotation', frames=2, lines='\n'.join(lines)))
    motion = read_bvh(path)
    expected = roma.euler_to_rotmat('XZY', torch.as_tensor(angles), degrees=True).numpy()  # intrinsic, listed order
    np.testing.assert_allclose(motion.rotations[:, 0], expected, atol=1e-6)
    rotations, positions = motion.world()
    np.testing.assert_allclose(positions[:, 0], [[1, 2, 3]] * 2)
    # knee = root + R_root (0, -2, 0): hand-computed from the expected root rotation
    np.testing.assert_allclose(positions[:, 1], np.array([1, 2, 3]) + expected @ np.array([0, -2, 0.0]), atol=1e-5)
    np.testing.assert_allclose(rotations[:, 1], expected @ expected, atol=1e-5)


def test_limit_excess_matches_the_numpy_limit_table():
    rotvecs = np.random.default_rng(3).normal(size=(50, 21, 3)) * 0.8
    ours = limit_excess(roma.rotvec_to_rotmat(torch.as_tensor(rotvecs))).numpy()
    np.testing.assert_allclose(ours, limit_violation(rotvecs), atol=1e-9)


def test_our_skeleton_round_trips(tmp_path, body):
    model, rest = body
    global_orient, body_pose, transl = within_limits_motion()
    path = write_bvh(tmp_path / 'ours.bvh', global_orient, body_pose, transl, rest, fps=30)
    result = retarget(read_bvh(path), rest, rig='auto')
    assert result.report['rest'] == 'zero' and result.report['up_axis'] == '+y'
    assert rotation_angles(result.global_orient, global_orient).max() < 1e-4
    assert rotation_angles(result.body_pose, body_pose).max() < 1e-4
    np.testing.assert_allclose(result.transl, transl, atol=1e-6)
    distance = np.linalg.norm(joints_of(model, result.global_orient, result.body_pose, result.transl)
                              - joints_of(model, global_orient, body_pose, transl), axis=-1)
    assert distance.max() < 1e-3  # the export round trip: same joints within 1 mm
    assert result.fps == pytest.approx(30.0, rel=1e-5)


def test_the_pelvis_path_follows_the_legs_not_the_arms(tmp_path, body):
    # a rig with our legs and 30% longer arms walking at 1.2 m/s: its path must come back unscaled, or the stance
    # foot slides (scaled by every motion bone's length, it came out 10% short here)
    model, rest = body
    long_arms = rest.copy()
    for shoulder, elbow, wrist in ((16, 18, 20), (17, 19, 21)):
        long_arms[elbow] = rest[shoulder] + 1.3 * (rest[elbow] - rest[shoulder])
        long_arms[wrist] = long_arms[elbow] + 1.3 * (rest[wrist] - rest[elbow])
    frames = 10
    transl = np.stack([np.zeros(frames), np.zeros(frames), 1.2 * np.arange(frames) / 30], -1)
    path = write_bvh(tmp_path / 'long_arms.bvh', np.zeros((frames, 3)), np.zeros((frames, 21, 3)), transl, long_arms,
                     fps=30)
    result = retarget(read_bvh(path), rest, rig='auto')
    assert result.report['scale'] == pytest.approx(0.01, rel=1e-6)  # centimetres, legs as the body's
    np.testing.assert_allclose(result.transl, transl, atol=1e-6)


def test_z_up_file_is_detected_and_turned_upright(tmp_path, body):
    model, rest = body
    global_orient, body_pose, transl = within_limits_motion(seed=1)
    global_orient[:] = 0.1 * global_orient  # roughly upright, as people mostly are
    turn = roma.rotvec_to_rotmat(torch.tensor([np.pi / 2, 0.0, 0.0], dtype=torch.float64)).numpy()  # y up -> z up
    pelvis = rest[0] + transl
    z_orient = roma.rotmat_to_rotvec(torch.as_tensor(turn @ roma.rotvec_to_rotmat(torch.as_tensor(global_orient)).numpy())).numpy()
    path = write_bvh(tmp_path / 'z_up.bvh', z_orient, body_pose, pelvis @ turn.T - rest[0], rest, fps=30)
    result = retarget(read_bvh(path), rest)
    assert result.report['up_axis'] == '+z'
    joints = joints_of(model, result.global_orient, result.body_pose, result.transl)
    np.testing.assert_allclose(joints, joints_of(model, global_orient, body_pose, transl), atol=1e-3)


def test_cc_excerpt_converts_with_bounded_error(body):
    model, rest = body
    result = retarget(read_bvh(EXCERPT), rest)
    report = result.report
    assert report['up_axis'] == '+y' and report['rest'] == 'standing' and report['frames'] == 30
    assert report['bone_direction_deg']['mean'] < 2.0 and report['bone_direction_deg']['max'] < 10.0
    assert report['joint_position_mm']['mean'] < 5.0 and report['joint_position_mm']['max'] < 20.0
    joints = joints_of(model, result.global_orient, result.body_pose, result.transl)
    assert (joints[:, 15, 1] - joints[:, 0, 1]).min() > 0.5  # upright: head 0.5 m above the pelvis
    # leaves keep the BVH's own (small) bend: a walk has straight-ish wrists and ankles, not 40-130 degrees
    rotvecs = result.body_pose
    for name, index in (('wrists', [19, 20]), ('ankles', [6, 7]), ('head', [14])):
        assert np.degrees(np.linalg.norm(rotvecs[:, index], axis=-1)).max() < 35.0, name
    # walking: the pelvis travels forward about 1.3 m/s over the half second
    speed = np.linalg.norm(np.diff(result.transl[:, [0, 2]], axis=0), axis=-1).sum() / 0.5
    assert 0.6 < speed < 2.5


def test_cc_excerpt_stance_foot_slides_as_in_the_file(body):
    # the pelvis path and the legs agree as they do in the BVH itself (0.04; 0.07 converted; 0.17 with the path 12%
    # long, as before the path was scaled by the legs)
    _, rest = body
    motion = read_bvh(EXCERPT)
    in_file = stance_foot_slide(mapped_skeleton(motion).positions / 100.0, 1.0 / motion.frame_time)  # centimetres
    converted = retarget(motion, rest).report['stance_foot_slide']
    assert 0.02 < in_file < 0.12 and abs(converted - in_file) < 0.05


def test_mean_alignment_is_robust_to_an_outlier_clip():
    rng = np.random.default_rng(0)
    truth = roma.random_rotmat(22, dtype=torch.float64)
    noisy = [truth @ roma.rotvec_to_rotmat(torch.as_tensor(rng.normal(size=(22, 3)) * np.radians(2))) for _ in range(18)]
    flipped = truth @ roma.rotvec_to_rotmat(torch.tensor([0.0, np.pi / 3, 0.0], dtype=torch.float64))
    alignments = torch.stack(noisy + [flipped.expand(22, 3, 3)] * 2).numpy()  # two clips 60 degrees off
    median, spread = mean_alignment(alignments)
    error = np.degrees(roma.rotmat_geodesic_distance(torch.as_tensor(median), truth).numpy())
    chordal = roma.special_procrustes(torch.as_tensor(alignments).mean(0))
    chordal_error = np.degrees(roma.rotmat_geodesic_distance(chordal, truth).numpy())
    assert error.max() < 2.0 < 3.0 < chordal_error.min()
    assert spread.shape == (20, 22) and spread[-1].min() > 50


def test_prepared_files_read_back_through_amass(tmp_path, body):
    model, rest = body
    report = prepare_bvh(EXCERPT, tmp_path / 'out', EmbeddedSMPLX(), progress=False)
    written = tmp_path / 'out' / 'cmu' / 'cmu_002_01_excerpt_stageii.npz'
    assert written.exists() and json.loads((tmp_path / 'out' / 'report.json').read_text())['summary']['clips'] == 1
    with np.load(written) as data:
        assert data['poses'].shape == (30, 165) and not data['poses'][:, 66:].any()
        assert str(data['gender']) == 'neutral' and float(data['mocap_frame_rate']) == pytest.approx(60, rel=1e-3)
    root = tmp_path / 'out'
    seq = next(iter_amass_sequences(find_amass_files(root), root, EmbeddedSMPLX(), fps=60.0, ground=False))
    motion = read_bvh(EXCERPT)
    alignments, _ = shared_alignments([motion], rest)
    (alignment,) = alignments.values()  # one rig: the median of one clip, its feet made flat
    result = retarget(motion, rest, alignment=alignment)
    expected = joints_of(model, result.global_orient, result.body_pose, result.transl)
    assert report['calibration']['rig 0']['rest'] == 'standing'
    np.testing.assert_allclose(seq['joints_w'], expected, atol=3e-3)  # z-up file, read back y up


def test_a_folder_of_two_rigs_keeps_each_rig_s_alignment(tmp_path, body):
    model, rest = body
    global_orient, body_pose, transl = within_limits_motion(seed=3)
    folder = tmp_path / 'mixed'
    folder.mkdir()
    (folder / 'cc_01.bvh').write_text(EXCERPT.read_text())
    write_bvh(folder / 'ours_01.bvh', global_orient, body_pose, transl, rest, fps=1)  # random poses: 1 s apart
    report = prepare_bvh(folder, tmp_path / 'out', EmbeddedSMPLX(), progress=False)
    assert list(report['calibration']) == ['rig 0'] and report['calibration']['rig 0']['clips'] == 1  # only CC
    with np.load(tmp_path / 'out' / 'ours' / 'ours_01_stageii.npz') as data:
        poses = data['poses']
    np.testing.assert_allclose(poses[:, 3:66].reshape(-1, 21, 3), body_pose, atol=1e-4)  # exact: its zero pose


def test_stance_frames_are_the_still_low_frames_of_a_foot():
    # one foot (joints 7 ankle, 10 toe base) over 9 frames at 30 fps, legs of 0.9 m (file in metres): planted for
    # frames 0-3, lifted 5 cm but still for 4-5 (above STANCE_HEIGHT), then sliding at 0.6 m/s on the floor
    positions = np.tile(_standing_joints(), (9, 1, 1))
    positions[4:6, [7, 10], 1] += 0.05
    positions[6:, [7, 10], 2] += 0.02 * np.arange(1, 4)[:, None]
    planted = stance_frames(positions, 30.0, 7, 10)
    assert STANCE_HEIGHT < 0.05
    assert planted.tolist() == [True, True, True, False, False, False, False, False, False]  # 3, 6: moving


def _standing_joints():
    """(22, 3): SMPL-X-like rest joints with thighs and shins of 0.45 m each (legs of 0.9 m), toe bases at y = 0."""
    joints = np.zeros((22, 3))
    for side, x in ((1, 0.1), (2, -0.1)):
        joints[side] = [x, -0.1, 0]  # hips
        joints[side + 3] = [x, -0.55, 0]  # knees
        joints[side + 6] = [x, -1.0, 0]  # ankles
        joints[side + 9] = [x, -1.07, 0.12]  # toe bases
    return joints - [0, joints[:, 1].min(), 0]


def test_flat_foot_correction_removes_a_constant_stance_tilt():
    # planted ankles turned about the vertical frame by frame, under a rig-geometry tilt (12 deg toes down, 5 deg
    # roll): the correction is that tilt's inverse, so every planted foot comes out as a pure turn
    rng = np.random.default_rng(0)
    frames = 40
    yaw = roma.rotvec_to_rotmat(torch.as_tensor(rng.uniform(-np.pi, np.pi, (frames, 1)) * np.array([[0.0, 1.0, 0.0]])))
    pitch, roll = (roma.rotvec_to_rotmat(torch.tensor(v, dtype=torch.float64)) for v in ([0.21, 0, 0], [0, 0, 0.087]))
    tilt = pitch @ roll  # 12 deg toes down after 5 deg of roll about the foot's forward axis: heading unchanged
    rotations = roma.random_rotmat((frames, 22), dtype=torch.float64).numpy()
    rotations[:, [7, 8]] = (yaw @ tilt)[:, None].numpy()
    positions = np.tile(_standing_joints(), (frames, 1, 1))  # still: every frame is a stance frame
    skeleton = Skeleton(rotations, positions, rotations[0], positions[0], 'standing', '+y', 0.0)
    alignment = np.tile(np.eye(3), (22, 1, 1))
    corrected, report = flat_foot_correction([(skeleton, 30.0)], alignment)
    for side, ankle, toe in (('left', 7, 10), ('right', 8, 11)):
        np.testing.assert_allclose(corrected[ankle], tilt.T.numpy(), atol=1e-6)
        np.testing.assert_allclose(corrected[toe], tilt.T.numpy(), atol=1e-6)
        np.testing.assert_allclose(rotations[:, ankle] @ corrected[ankle], yaw.numpy(), atol=1e-6)
        assert report[side]['stance_frames'] == frames and report[side]['correction_deg'] == pytest.approx(np.degrees(
            roma.rotmat_to_rotvec(tilt).norm().item()))
    np.testing.assert_array_equal(np.delete(corrected, [7, 8, 10, 11], 0), np.delete(alignment, [7, 8, 10, 11], 0))


def test_cc_excerpt_planted_foot_stands_flat(tmp_path, body):
    # the CC rig's standing reference left the feet plantarflexed (ankles 5 cm, toe bases 1-7 cm above their
    # flat-foot heights at best, no contact ever); corrected on its stance frames, the planted (right) foot's toe
    # base reaches its flat-foot height and the contact rule fires
    report = prepare_bvh(EXCERPT, tmp_path / 'out', EmbeddedSMPLX(), progress=False)
    right = report['calibration']['rig 0']['flat_feet']['right']
    assert right['stance_frames'] >= 15 and 10.0 < right['correction_deg'] < 20.0
    model = EmbeddedSMPLX()
    root = tmp_path / 'out'
    seq = next(iter_amass_sequences(find_amass_files(root), root, model, fps=60.0, ground=True))
    rig = build_rig(model, seq['betas'])
    lowest = seq['joints_w'][:, [8, 11], 1].min(0) - [rig.ankle_height[1], rig.ball_height[1]]
    assert lowest[1] < CONTACT_HEIGHT and lowest[0] < 0.012
    assert seq['contact'][:, 3].mean() > 0.15


def test_longest_span_without_a_jump():
    # transitions 1->2 and 4->5 jump: runs [0, 2), [2, 5), [5, 6); the longest is [2, 5)
    assert longest_span(np.array([False, True, False, False, True])) == (2, 5)
    assert longest_span(np.zeros(4, dtype=bool)) == (0, 5)


@pytest.mark.parametrize('factor, expected', [(0.95, False), (1.05, True)])
def test_a_jump_is_a_root_speed_beyond_the_bound_for_the_clip_s_legs(body, factor, expected):
    _, rest = body
    centimetres = 100 * rest  # the file's unit must not matter
    hip, knee, ankle = (centimetres[j] for j in (1, 4, 7))  # left hip, knee, ankle (the body is symmetric)
    legs = np.linalg.norm(hip - knee) + np.linalg.norm(knee - ankle)
    fps = 60.0
    step = factor * MAX_ROOT_SPEED / fps * legs / LEG_LENGTH  # centimetres per frame at factor x the bound
    positions = centimetres + np.array([0.0, 0.0, step]) * np.arange(3)[:, None, None]
    assert jumps(positions, fps).tolist() == [expected, expected]


def test_a_leading_bind_frame_is_cut(tmp_path, body):
    _, rest = body
    frames = 20
    transl = np.stack([np.zeros(frames), np.zeros(frames), 1.2 * np.arange(frames) / 30], -1)  # 1.2 m/s
    transl[0, 0] += 2.0  # the bind frame: 2 m to the side (60 m/s to the next frame)
    body_pose = np.zeros((frames, 21, 3))
    body_pose[1:, 17, 1] = np.linspace(0.0, -1.2, frames - 1)  # the left elbow bends slowly, inside its limits
    folder = tmp_path / 'clips'
    folder.mkdir()
    write_bvh(folder / 'take_01.bvh', np.zeros((frames, 3)), body_pose, transl, rest, fps=30)
    report = prepare_bvh(folder, tmp_path / 'out', EmbeddedSMPLX(), progress=False)
    clip = report['clips']['take/take_01_stageii.npz']
    assert clip['kept_frames'] == [1, frames] and clip['jumps'] == 1 and report['summary']['clips_cut_at_jumps'] == 1
    with np.load(tmp_path / 'out' / 'take' / 'take_01_stageii.npz') as data:
        assert data['poses'].shape == (frames - 1, 165)
        np.testing.assert_allclose(data['poses'][:, 3:66].reshape(-1, 21, 3), body_pose[1:], atol=1e-4)
        step = np.linalg.norm(np.diff(data['trans'], axis=0), axis=-1)
        np.testing.assert_allclose(step, 1.2 / 30, atol=1e-5)


@pytest.mark.parametrize('change, words', [
    (lambda text: text.replace('CC_Base_L_Forearm', 'CC_Base_L_LowerArm'), ['CC_Base_L_Forearm']),
    (lambda text: text.replace('CHANNELS 3 Zrotation Yrotation Xrotation', 'CHANNELS 3 Zrotation Yrotation Zrotation', 1),
     ['CC_Base_Hip', 'rotation channels']),
    (lambda text: text.replace('CHANNELS 3 Zrotation Yrotation Xrotation', 'CHANNELS 3 Zrotation Yrotation Wrotation', 1),
     ['CC_Base_Hip', 'Wrotation']),
    (lambda text: text.split('Frames:')[0] + 'Frames: 0\nFrame Time: 0.016667\n', ['zero frames']),
    (lambda text: text.replace('Frames: 30', 'Frames: 31'), ['Frames says 31', '30 frame lines']),  # truncated
    (lambda text: text.rstrip('\n') + ' 1.0\n', ['frame 29 has', 'channels']),  # a value too many
])
def test_bad_files_are_named(tmp_path, body, change, words):
    _, rest = body
    path = tmp_path / 'bad.bvh'
    path.write_text(change(EXCERPT.read_text()))
    with pytest.raises(BVHFormatError) as error:
        retarget(read_bvh(path), rest)
    assert str(path) in str(error.value)
    for word in words:
        assert word in str(error.value)


def test_refinement_respects_limits_when_the_motion_breaks_them(tmp_path, body):
    _, rest = body
    global_orient, body_pose, transl = within_limits_motion(frames=4, seed=2)
    knee = 3  # left_knee in body_pose: a sideways bend of 40 degrees, far outside its +-12
    body_pose[:, knee] = [0.0, 0.0, np.radians(40)]
    path = write_bvh(tmp_path / 'bent.bvh', global_orient, body_pose, transl, rest, fps=30)
    free = retarget(read_bvh(path), rest, settings=IKSettings(limit_weight=0.0))
    bounded = retarget(read_bvh(path), rest)
    assert free.report['limit_violation_max_deg'] > 25
    assert bounded.report['limit_violation_max_deg'] < free.report['limit_violation_max_deg'] - 5
    assert free.report['joint_position_mm']['max'] < 1.0 < bounded.report['joint_position_mm']['max'] < 30.0


def _prepare_bvh(*args):
    import os
    import subprocess
    import sys
    tool = Path(__file__).resolve().parents[1] / 'tools' / 'prepare_bvh.py'
    return subprocess.run([sys.executable, str(tool), *map(str, args)], capture_output=True, text=True, timeout=300,
                          env={**os.environ, 'OMP_NUM_THREADS': '1'})


@pytest.mark.slow
def test_prepare_bvh_cli_feeds_amass_windows(tmp_path):
    from unihmr.data.contract import validate_window
    from unihmr.data.datasets import AMASSDataset
    result = _prepare_bvh(EXCERPT, tmp_path / 'out')
    assert result.returncode == 0, result.stderr[-2000:]
    assert '1 clips, 30 frames' in result.stdout and 'bone direction' in result.stdout
    dataset = AMASSDataset(tmp_path / 'out', window=8, stride=8, min_frames=8, subsets=['cmu'])
    window = dataset[0]
    validate_window(window)
    params = window['smpl_params']
    joints = EmbeddedSMPLX()(global_orient=params['global_orient_w'], body_pose=params['body_pose'],
                             transl=params['transl_w'], return_verts=False).joints
    assert ((joints[:, 15] - joints[:, 0])[:, 1] > 0.5).all()  # upright in the world: the head above the pelvis


def _written(path, text):
    path.write_text(text)
    return path


@pytest.mark.parametrize('make, words', [
    (lambda tmp: tmp / 'missing.bvh', ['missing.bvh', 'does not exist']),
    (lambda tmp: (tmp / 'empty').mkdir() or tmp / 'empty', ['no', '*.bvh']),
    (lambda tmp: _written(tmp / 'zero.bvh', EXCERPT.read_text().split('Frames:')[0] + 'Frames: 0\nFrame Time: 0.1\n'),
     ['zero.bvh', 'zero frames']),
    (lambda tmp: _written(tmp / 'rig.bvh', EXCERPT.read_text().replace('CC_Base_R_Calf', 'CC_Base_R_Shin')),
     ['rig.bvh', 'CC_Base_R_Calf']),
])
def test_prepare_bvh_cli_names_bad_input(tmp_path, make, words):
    result = _prepare_bvh(make(tmp_path), tmp_path / 'out')
    assert result.returncode == 2, result.stderr[-2000:]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and 'Traceback' not in result.stderr, result.stderr[-2000:]
    for word in words:
        assert word in lines[0], lines[0]
    assert not (tmp_path / 'out').exists()
