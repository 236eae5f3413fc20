"""EgoBodyDataset on tiny files written here in EgoBody's layout (fits, calibrations, RoHM's per-view keypoints).

A walk of the embedded SMPL-X body in a y-up scene frame is seen by two static Kinects (``master``, ``sub_1``).
The fits are written in the master camera's frame, as the release stores them; the keypoint files hold the
exact projections of the body's COCO-17 points in BODY_25 order, so the loader's cameras must reproduce them.
"""
import csv
import importlib.util
import json
import pickle
from pathlib import Path

import numpy as np
import pytest
import roma
import torch

from dataset_files import forward, loader, shared_body_model, walking_motion
from unihmr.body.joint_sets import BODY_JOINT_NAMES, COCO17_NAMES
from unihmr.data.contract import validate_window
from unihmr.data.datasets import DatasetFormatError, EgoBodyDataset
from unihmr.data.datasets.base import MotionWindowDataset
from unihmr.data.egobody_files import OPENPOSE25_NAMES, coco17_from_openpose25
from unihmr.geometry.lens_distortion import distort_pixels, undistort_pixels
from unihmr.data.datasets.sequence_ops import rest_pelvis
from unihmr.registry import DATASETS

TOOLS = Path(__file__).resolve().parents[1] / 'tools'
FRAMES = 40
FIRST = 250  # frame id of the first frame
REC = 'recording_20220101_S01_S02_01'
SCENE = 'seminar_test'
INTERACTEE, WEARER = 1, 0  # body indices
NO_FIT = 20  # frame (index) without a fit
NO_FILE, NO_PEOPLE = 3, 4  # master-view frames without a keypoints file / with an empty people list
LOW = ('left_knee', 'left_ankle')  # COCO points written with confidence 0.1 in sub_1
CONF = 0.9
DISTORTION = [0.08, -0.05, 0.001, -0.002, 0.01]
INTRINSICS = {'master': (1000.0, 1002.0, 960.0, 540.0), 'sub_1': (1050.0, 1046.0, 955.0, 545.0)}


def intrinsics(view):
    fx, fy, cx, cy = INTRINSICS[view]
    return np.array([[fx, 0.0, cx], [0.0, fy, cy], [0.0, 0.0, 1.0]])


def camera_pose(position, target):
    """Camera-to-world (4, 4) of an OpenCV camera at ``position`` looking at ``target`` (world y up)."""
    z = (target - position) / np.linalg.norm(target - position)
    x = np.cross(z, [0.0, 1.0, 0.0])
    x = x / np.linalg.norm(x)
    pose = np.eye(4)
    pose[:3, :3], pose[:3, 3] = np.stack([x, np.cross(z, x), z]).T, position
    return pose


def pixels(points_w, cam_to_world, K):
    world_to_cam = np.linalg.inv(cam_to_world)
    points_c = points_w @ world_to_cam[:3, :3].T + world_to_cam[:3, 3]
    return (points_c / points_c[..., 2:]) @ K.T


def write_json(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))


def write_fits(folder, params, master_pose, skip=()):
    """Per-frame fits of y-up world ``params`` in the master camera's frame (float32, shapes of the release)."""
    model = shared_body_model()
    pelvis = rest_pelvis(model, params['betas'])
    R_wm = master_pose[:3, :3].T  # world -> master
    orient = roma.rotmat_to_rotvec(torch.from_numpy(R_wm) @ roma.rotvec_to_rotmat(
        torch.from_numpy(params['global_orient']))).numpy()
    transl = (params['transl'] + pelvis - master_pose[:3, 3]) @ R_wm.T - pelvis
    for row in range(len(transl)):
        if row in skip:
            continue
        fit = dict(global_orient=orient[row][None], transl=transl[row][None],
                   body_pose=params['body_pose'][row].reshape(1, -1), betas=params['betas'][None],
                   left_hand_pose=np.zeros((1, 12)), right_hand_pose=np.zeros((1, 12)), jaw_pose=np.zeros((1, 3)),
                   expression=np.zeros((1, 10)))
        fit = {key: value.astype(np.float32) for key, value in fit.items()}
        path = folder / 'results' / f'frame_{FIRST + row:05d}' / '000.pkl'
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, 'wb') as file:
            pickle.dump(dict(fit, gender='female'), file)


def body25(coco_pixels, conf):
    """BODY_25 people entry (75 numbers) from COCO-17 pixels (17, 2) and confidences (17,); other points made up."""
    out = np.tile([[5.0, 7.0, 0.8]], (len(OPENPOSE25_NAMES), 1))
    for k, name in enumerate(COCO17_NAMES):
        out[OPENPOSE25_NAMES.index(name)] = [*coco_pixels[k], conf[k]]
    return {'person_id': [-1], 'pose_keypoints_2d': out.reshape(-1).tolist()}


def write_egobody(root, num=FRAMES, split='test', distortion=None):
    """A recording with two views; returns the truth (world joints, COCO pixels per view and person)."""
    model = shared_body_model()
    interactee = walking_motion(num, 30.0, 11)
    wearer = walking_motion(num, 30.0, 12)
    wearer['transl'] = wearer['transl'] + np.array([1.5, 0.0, 0.5])
    joints, _ = forward(model, interactee)
    centre = joints[:, 0].mean(0)
    poses = {'master': camera_pose(centre + np.array([0.5, 0.8, -4.0]), centre),
             'sub_1': camera_pose(centre + np.array([3.5, 1.0, -2.0]), centre)}
    write_fits(root / f'smplx_interactee_{split}' / REC / f'body_idx_{INTERACTEE}', interactee, poses['master'],
               skip=(NO_FIT,))
    write_fits(root / f'smplx_camera_wearer_{split}' / REC / f'body_idx_{WEARER}', wearer, poses['master'])
    calib = root / 'calibrations' / REC / 'cal_trans'
    write_json(calib / 'kinect12_to_world' / f'{SCENE}.json', {'trans': poses['master'].tolist()})
    sub_to_master = np.linalg.inv(poses['master']) @ poses['sub_1']
    write_json(calib / 'kinect_11to12_color.json', {'trans': sub_to_master.tolist()})
    truth = dict(joints=joints, coco={}, poses=poses)
    for view, pose in poses.items():
        K = intrinsics(view)
        write_json(root / 'kinect_cam_params' / f'kinect_{view}' / 'Color.json',
                   {'f': [K[0, 0], K[1, 1]], 'c': [K[0, 2], K[1, 2]], 'camera_mtx': K.tolist(),
                    'k': DISTORTION if distortion else [0.0] * 5})
        coco = {name: pixels(forward(model, params)[1], pose, K)[..., :2]
                for name, params in (('interactee', interactee), ('camera_wearer', wearer))}
        truth['coco'][view] = coco
        conf = np.full(len(COCO17_NAMES), CONF)
        if view == 'sub_1':
            conf[[COCO17_NAMES.index(name) for name in LOW]] = 0.1
        for row in range(num):
            if view == 'master' and row == NO_FILE:
                continue
            people = [] if view == 'master' and row == NO_PEOPLE else [
                body25(coco['camera_wearer'][row], conf), body25(coco['interactee'][row], conf)]
            if distortion:
                for person in people:
                    flat = np.array(person['pose_keypoints_2d']).reshape(-1, 3)
                    flat[:, :2] = distort_pixels(flat[:, :2], K, K, DISTORTION)
                    person['pose_keypoints_2d'] = flat.reshape(-1).tolist()
            write_json(root / 'keypoints_cleaned' / REC / view / f'frame_{FIRST + row:05d}_keypoints.json',
                       {'version': 1.3, 'people': people})
    return truth


@pytest.fixture(scope='module')
def egobody(tmp_path_factory):
    root = tmp_path_factory.mktemp('egobody')
    return root, write_egobody(root)


def camera_coco(window):
    """COCO-17 camera-frame points (T, 17, 3) of a window's camera-frame parameters."""
    p = window['smpl_params']
    return shared_body_model()(global_orient=p['global_orient_c'], body_pose=p['body_pose'], betas=p['betas'],
                               transl=p['transl_c'], return_verts=False)


def test_registered():
    assert DATASETS.get('EgoBodyDataset') is EgoBodyDataset


def test_world_cameras_and_keypoints_match_the_files(egobody):
    root, truth = egobody
    dataset = loader(EgoBodyDataset, root, window=16, feat_dim=8)
    assert [s[:2] for s in dataset.sequences] == [(f'{REC}_master_interactee', FRAMES),
                                                   (f'{REC}_sub_1_interactee', FRAMES)]
    expected_valid = np.arange(FRAMES) != NO_FIT
    for number in range(2):
        seq = dataset.sequence(number)
        assert seq['valid'].tolist() == expected_valid.tolist()
        offset = (seq['joints_w'] - truth['joints'])[expected_valid]  # same body, only raised to the ground
        assert np.abs(offset[..., [0, 2]]).max() < 1e-4 and np.ptp(offset[..., 1]) < 1e-4
        assert abs(float(seq['joints_w'][..., 1].min())) < 0.3  # grounded: y up, floor at 0
        assert seq['gravity_source'] == 'dataset world axis y taken as up'
    for index in range(len(dataset)):
        window = dataset[index]
        assert validate_window(window) == 16
        view = 'master' if window['meta']['seq_id'].endswith('master_interactee') else 'sub_1'
        start = window['meta']['start']
        frames = slice(start, start + 16)
        assert torch.allclose(window['K'][0], torch.tensor(intrinsics(view), dtype=torch.float32))
        out = camera_coco(window)
        projected = torch.einsum('tij,tkj->tki', window['K'], out.coco17 / out.coco17[..., 2:])
        kp2d = window['kp2d'].numpy()
        seen = (kp2d[..., 2] > 0) & window['valid'].numpy()[:, None]
        written = truth['coco'][view]['interactee'][frames]
        assert seen.any() and np.abs(projected[..., :2].numpy() - written)[seen].max() < 0.05  # K, R, t and body
        assert np.abs(kp2d[..., :2] - written)[seen].max() < 1e-3  # the written keypoints, mapped to COCO-17
        joints_c = out.joints
        joints_w = torch.tensor(dataset.sequence(0 if view == 'master' else 1)['joints_w'][frames], dtype=torch.float32)
        expected = joints_w @ window['R_w2c'].transpose(-1, -2) + window['t_w2c'][:, None]
        assert (joints_c - expected)[window['valid']].abs().max() < 1e-4


def test_confidences_and_visibility(egobody):
    root, _ = egobody
    dataset = loader(EgoBodyDataset, root, window=None, feat_dim=8)
    master, sub = dataset[0], dataset[1]
    conf = master['kp2d'][..., 2]
    assert (conf[[NO_FILE, NO_PEOPLE]] == 0).all() and not master['vis'][[NO_FILE, NO_PEOPLE]].any()
    others = [row for row in range(FRAMES) if row not in (NO_FILE, NO_PEOPLE)]
    assert torch.allclose(conf[others], torch.tensor(CONF)) and master['vis'][others].all()
    low = [COCO17_NAMES.index(name) for name in LOW]
    assert torch.allclose(sub['kp2d'][:, low, 2], torch.tensor(0.1))
    hidden = [BODY_JOINT_NAMES[i] for i in range(len(BODY_JOINT_NAMES)) if not sub['vis'][0, i]]
    assert hidden == ['left_knee', 'left_ankle', 'left_foot']  # confidence 0.1 <= the 0.2 threshold
    assert loader(EgoBodyDataset, root, window=None, vis_threshold=0.05)[1]['vis'].all()


def test_openpose25_order_maps_to_coco_by_name():
    keypoints = np.arange(len(OPENPOSE25_NAMES), dtype=float)[:, None].repeat(3, 1)
    coco = coco17_from_openpose25(keypoints)
    assert [OPENPOSE25_NAMES[int(k)] for k in coco[:, 0]] == list(COCO17_NAMES)
    one = np.zeros((25, 3))
    one[OPENPOSE25_NAMES.index('left_wrist')] = [10.0, 20.0, 0.7]  # OpenPose index 7 -> COCO index 9
    assert coco17_from_openpose25(one)[9].tolist() == [10.0, 20.0, 0.7]
    assert coco17_from_openpose25(one)[[i for i in range(17) if i != 9]].sum() == 0


def test_selecting_recordings_views_people_and_a_subset(egobody, tmp_path):
    root, truth = egobody
    assert [s[0] for s in loader(EgoBodyDataset, root, views=['sub_1']).sequences] == [f'{REC}_sub_1_interactee']
    wearer = loader(EgoBodyDataset, root, people=['camera_wearer'], views='master', window=None)
    assert [s[0] for s in wearer.sequences] == [f'{REC}_master_camera_wearer']
    assert wearer.sequence(0)['valid'].all()
    window = wearer[0]
    seen = window['kp2d'][..., 2].numpy() > 0
    assert np.abs(window['kp2d'][..., :2].numpy() - truth['coco']['master']['camera_wearer'])[seen].max() < 1e-3
    both = loader(EgoBodyDataset, root, people=['interactee', 'camera_wearer'], recordings=[REC])
    assert len(both.sequences) == 4
    with open(tmp_path / 'rohm.csv', 'w', newline='') as file:
        writer = csv.writer(file)
        writer.writerow(['recording_name', 'target_idx', 'target_gender', 'view', 'scene_name', 'body_idx_fpv'])
        writer.writerow([REC, WEARER, 'male', 'sub_1', SCENE, f'{INTERACTEE} female'])
    subset = loader(EgoBodyDataset, root, people=['interactee', 'camera_wearer'], subset=tmp_path / 'rohm.csv')
    assert [s[0] for s in subset.sequences] == [f'{REC}_sub_1_camera_wearer']
    with pytest.raises(FileNotFoundError, match=r"subset rows \[\('recording_20220101_S01_S02_01', 0\)\]"):
        EgoBodyDataset(root, subset=tmp_path / 'rohm.csv')  # the camera wearer is not among people
    with pytest.raises(FileNotFoundError, match=r"for recordings \['recording_x'\]"):
        EgoBodyDataset(root, recordings=['recording_x'])
    with pytest.raises(FileNotFoundError, match='no SMPL-X fits'):
        EgoBodyDataset(root, split='train')
    with pytest.raises(ValueError, match='views: expected names among'):
        EgoBodyDataset(root, views=['side'])
    with pytest.raises(ValueError, match='people: expected'):
        EgoBodyDataset(root, people=['third'])


def test_distorted_keypoints_are_undistorted_on_request(tmp_path):
    K = intrinsics('master')
    points = np.array([[100.0, 80.0], [960.0, 540.0], [1800.0, 1000.0]])
    assert np.abs(undistort_pixels(distort_pixels(points, K, K, DISTORTION), K, K, DISTORTION) - points).max() < 1e-6
    truth = write_egobody(tmp_path, num=8, distortion=True)
    window = loader(EgoBodyDataset, tmp_path, views=['master'], window=None, undistort_keypoints=True)[0]
    seen = window['kp2d'][..., 2].numpy() > 0
    written = truth['coco']['master']['interactee']
    assert np.abs(window['kp2d'][..., :2].numpy() - written)[seen].max() < 1e-3
    raw = loader(EgoBodyDataset, tmp_path, views=['master'], window=None)[0]
    assert np.abs(raw['kp2d'][..., :2].numpy() - written)[seen].max() > 1.0


def test_joint_mask_limits_visibility(tmp_path):
    write_egobody(tmp_path, num=8)  # 8 fitted frames (NO_FIT is beyond them)
    path = tmp_path / 'mask_joint' / REC / 'master' / 'mask_joint.npy'
    path.parent.mkdir(parents=True)
    np.save(path, np.ones((7, 25)))  # one row short
    with pytest.raises(DatasetFormatError, match=r"mask_joint has shape \(7, 25\), expected \(8, '\*'\)"):
        len(loader(EgoBodyDataset, tmp_path, views=['master'], joint_mask=True))
    mask = np.ones((8, 25))
    mask[:, BODY_JOINT_NAMES.index('right_wrist')] = 0
    np.save(path, mask)
    window = loader(EgoBodyDataset, tmp_path, views=['master'], window=None, joint_mask=True)[0]
    hidden = {BODY_JOINT_NAMES[i] for i in range(22) if not window['vis'][0, i]}
    assert hidden == {'right_wrist'}


@pytest.fixture
def shared_model(monkeypatch):
    monkeypatch.setattr(MotionWindowDataset, 'body_model', property(lambda self: shared_body_model()))


def tool(name):
    spec = importlib.util.spec_from_file_location(name, TOOLS / f'{name}.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main


def test_prepare_tool_round_trip(egobody, tmp_path, capsys, shared_model):
    root, _ = egobody
    out = tmp_path / 'out'
    assert tool('prepare_egobody')([str(root), str(out), '--people', 'interactee', 'camera_wearer']) == 4
    captured = capsys.readouterr()
    assert 'egobody: 4 sequences prepared' in captured.out and 'EgoBody' in captured.err
    kwargs = dict(people=['interactee', 'camera_wearer'], window=16, stride=8, feat_dim=8)
    raw, cached = EgoBodyDataset(root, **kwargs), EgoBodyDataset(out, **kwargs)
    index = json.loads((out / 'index.json').read_text())
    assert [e['seq_id'] for e in index['sequences']] == [s[0] for s in raw.sequences]
    assert len(cached) == len(raw) > 0
    for number in range(len(raw)):
        a, b = cached[number], raw[number]
        validate_window(a)
        for key in ('kp2d', 'bbox', 'K', 'R_w2c', 't_w2c', 'img_feat', 'valid', 'vis', 'contact'):
            assert torch.equal(a[key], b[key]), key
        for key in a['smpl_params']:
            assert torch.equal(a['smpl_params'][key], b['smpl_params'][key]), key
        assert a['meta']['seq_id'] == b['meta']['seq_id']
    with pytest.raises(ValueError, match=r"prepared with views=None, this loader asks for views=\['master'\]"):
        EgoBodyDataset(out, people=['interactee', 'camera_wearer'], views=['master'])


def malformed(root):
    """A small recording whose files the tests then break."""
    write_egobody(root, num=6)
    return root / 'smplx_interactee_test' / REC / f'body_idx_{INTERACTEE}' / 'results' / f'frame_{FIRST + 2:05d}'


def test_missing_keys_and_bad_shapes_are_named(tmp_path):
    fit = malformed(tmp_path) / '000.pkl'
    with open(fit, 'rb') as file:
        good = pickle.load(file)
    with open(fit, 'wb') as file:
        pickle.dump({k: v for k, v in good.items() if k != 'transl'}, file)
    with pytest.raises(DatasetFormatError, match=r"frame_00252/000\.pkl: missing keys \['transl'\]"):
        len(loader(EgoBodyDataset, tmp_path))
    with open(fit, 'wb') as file:
        pickle.dump(dict(good, body_pose=good['body_pose'][:, :60]), file)
    with pytest.raises(DatasetFormatError, match=r"000\.pkl: body_pose has shape \(1, 60\), expected \(1, 63\)"):
        len(loader(EgoBodyDataset, tmp_path))
    with open(fit, 'wb') as file:
        pickle.dump(good, file)
    keypoints = tmp_path / 'keypoints_cleaned' / REC / 'sub_1' / f'frame_{FIRST + 1:05d}_keypoints.json'
    data = json.loads(keypoints.read_text())
    data['people'][INTERACTEE]['pose_keypoints_2d'] = data['people'][INTERACTEE]['pose_keypoints_2d'][:54]
    keypoints.write_text(json.dumps(data))
    bad_length = r"00251_keypoints\.json: people\[1\]\.pose_keypoints_2d has shape \(54,\), expected \(75,\)"
    with pytest.raises(DatasetFormatError, match=bad_length):
        len(loader(EgoBodyDataset, tmp_path))
    keypoints.write_text('{not json')
    with pytest.raises(DatasetFormatError, match='not readable JSON'):
        len(loader(EgoBodyDataset, tmp_path))
    calib = tmp_path / 'calibrations' / REC / 'cal_trans' / 'kinect_11to12_color.json'
    calib.write_text(json.dumps({'trans': np.eye(4)[:3].tolist()}))
    with pytest.raises(DatasetFormatError, match=r"11to12_color\.json: trans has shape \(3, 4\), expected \(4, 4\)"):
        len(loader(EgoBodyDataset, tmp_path, views=['sub_1']))
    with pytest.raises(FileNotFoundError, match='no_such_folder'):
        EgoBodyDataset(tmp_path / 'no_such_folder')


def test_prepare_tool_bad_input_exits_with_one_line(tmp_path, capsys, shared_model):
    fit = malformed(tmp_path / 'data') / '000.pkl'
    with open(fit, 'wb') as file:
        pickle.dump({'global_orient': np.zeros((1, 3))}, file)
    for source in (tmp_path / 'data', tmp_path / 'missing'):
        with pytest.raises(SystemExit) as exit_info:
            tool('prepare_egobody')([str(source), str(tmp_path / 'out')])
        assert exit_info.value.code == 2
        errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith('error:')]
        assert len(errors) == 1 and source.name in errors[0]  # one line, naming the file or folder
        assert source.name == 'missing' or "000.pkl: missing keys ['transl', 'body_pose', 'betas']" in errors[0]
    assert not (tmp_path / 'out' / 'index.json').exists()
