"""ThreeDPWDataset on a tiny sequence .pkl written here in 3DPW's format (Python-2 style pickle)."""
import pickle
import warnings

import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader

from dataset_files import OCCLUDED, loader, shared_body_model, walking_motion, write_3dpw
from unihmr.body.joint_sets import BODY_JOINT_NAMES, COCO17_NAMES
from unihmr.data.contract import validate_window
from unihmr.data.datasets import DatasetFormatError, ThreeDPWDataset
from unihmr.data.keypoint_maps import OPENPOSE18_NAMES, coco17_from_openpose18

FRAMES = 45


@pytest.fixture(scope='module')
def threedpw(tmp_path_factory):
    root = tmp_path_factory.mktemp('3dpw')
    folder = root / 'sequenceFiles' / 'test'
    folder.mkdir(parents=True)
    valid = np.ones(FRAMES, bool)
    valid[[7, 8]] = False
    written = write_3dpw(folder / 'courtyard_test_00.pkl', shared_body_model(), walking_motion(FRAMES, 30.0, 4), valid)
    return root, written


def camera_joints(window):
    """Joints (T, 22, 3) of a window's camera-frame parameters."""
    p = window['smpl_params']
    return shared_body_model()(global_orient=p['global_orient_c'], body_pose=p['body_pose'], betas=p['betas'],
                               transl=p['transl_c'], return_verts=False).joints


def test_world_body_cameras_and_keypoints_match_the_file(threedpw):
    root, written = threedpw
    dataset = loader(ThreeDPWDataset, root, split='test', window=20, stride=10, feat_dim=8)
    assert [s[:2] for s in dataset.sequences] == [('courtyard_test_00_0', FRAMES)]
    seq = dataset.sequence(0)
    offset = seq['joints_w'] - written['joints']  # the pelvis of jointPositions is kept: same body
    assert np.abs(offset[..., [0, 2]]).max() < 1e-4 and np.ptp(offset[..., 1]) < 1e-4
    assert seq['valid'].tolist() == written['campose_valid'][0].tolist()

    for index in range(len(dataset)):
        window = dataset[index]
        assert validate_window(window) == 20
        start = window['meta']['start']
        joints_c = camera_joints(window)
        expected = torch.tensor(seq['joints_w'][start:start + 20], dtype=torch.float32)
        expected = expected @ window['R_w2c'].transpose(-1, -2) + window['t_w2c'][:, None]
        assert (joints_c - expected).abs().max() < 1e-4
        assert np.abs(window['kp2d'][..., :2].numpy() - written['coco_pixels'][start:start + 20]).max() < 1e-2
    window = dataset[0]
    occluded = [COCO17_NAMES.index(name) for name in OCCLUDED]
    assert (window['kp2d'][:, occluded, 2] == 0).all() and (window['kp2d'][:, 0, 2] == np.float32(0.9)).all()
    hidden = [i for i, name in enumerate(BODY_JOINT_NAMES) if not window['vis'][0, i]]
    assert hidden == [BODY_JOINT_NAMES.index(name) for name in ('left_elbow', 'left_wrist')]
    assert window['meta']['gravity_source'] == 'dataset world axis y taken as up'
    assert (window['bbox'][:, 2] > 100).all()


def test_batches_with_the_default_collate(threedpw):
    batch = next(iter(DataLoader(loader(ThreeDPWDataset, threedpw[0], window=20, feat_dim=8), batch_size=2)))
    assert batch['kp2d'].shape == (2, 20, 17, 3) and batch['smpl_params']['body_pose'].shape == (2, 20, 21, 3)
    assert batch['meta']['seq_id'] == ['courtyard_test_00_0'] * 2


def test_openpose_order_maps_to_coco_by_name():
    keypoints = np.arange(len(OPENPOSE18_NAMES), dtype=float)[:, None].repeat(3, 1)
    coco = coco17_from_openpose18(keypoints)
    assert [OPENPOSE18_NAMES[int(k)] for k in coco[:, 0]] == list(COCO17_NAMES)


def test_windows_resample_and_pad(threedpw):
    root, _ = threedpw
    whole = loader(ThreeDPWDataset, root, window=None, fps=15.0, feat_dim=8)
    window = whole[0]
    assert validate_window(window) == 23  # 45 frames at 30 fps -> 23 at 15 fps
    padded = loader(ThreeDPWDataset, root, window=60, feat_dim=8)[0]
    assert validate_window(padded) == 60 and not padded['valid'][FRAMES:].any()
    assert (padded['kp2d'][FRAMES:, :, 2] == 0).all() and not padded['vis'][FRAMES:].any()
    zeros = loader(ThreeDPWDataset, root, window=20, feat_dim=8, features='zeros')[0]
    assert not zeros['img_feat'].any() and loader(ThreeDPWDataset, root, window=20, feat_dim=8)[0]['img_feat'].any()


def test_up_from_the_first_camera(threedpw):
    root, _ = threedpw
    dataset = loader(ThreeDPWDataset, root, window=20, feat_dim=8, world_up='camera')
    window = dataset[0]
    validate_window(window)
    assert 'first camera assumed level' in window['meta']['gravity_source']
    # the first camera is level in the new world: its y axis (image down) is world down
    assert torch.allclose(window['R_w2c'][0, 1], torch.tensor([0.0, -1.0, 0.0]), atol=1e-5)


def test_missing_keys_bad_shapes_and_paths_are_named(threedpw, tmp_path):
    root, written = threedpw
    data = {key: written[key] for key in ('sequence', 'genders', 'betas', 'poses', 'trans', 'jointPositions',
                                          'poses2d', 'cam_poses', 'cam_intrinsics', 'campose_valid')}
    with open(tmp_path / 'a.pkl', 'wb') as file:
        pickle.dump({k: v for k, v in data.items() if k != 'cam_poses'}, file, protocol=2)
    with pytest.raises(DatasetFormatError, match=r"a\.pkl: missing keys \['cam_poses'\]"):
        len(loader(ThreeDPWDataset, tmp_path))
    with open(tmp_path / 'a.pkl', 'wb') as file:
        pickle.dump(dict(data, poses=[data['poses'][0][:, :60]]), file, protocol=2)
    with pytest.raises(DatasetFormatError, match=r"a\.pkl: poses\[0\] has shape \(45, 60\), expected \(45, 72\)"):
        len(loader(ThreeDPWDataset, tmp_path))
    with pytest.raises(FileNotFoundError, match='no_such_folder'):
        ThreeDPWDataset(tmp_path / 'no_such_folder')
    (tmp_path / 'empty').mkdir()
    with pytest.raises(FileNotFoundError, match='no sequence .pkl files'):
        ThreeDPWDataset(tmp_path / 'empty')


def test_nan_frames_are_marked_invalid(threedpw, tmp_path):
    _, written = threedpw
    data = {key: written[key] for key in written if key not in ('joints', 'coco_pixels')}
    trans = data['trans'][0].copy()
    trans[10] = np.nan
    joints = data['jointPositions'][0].copy()
    joints[10] = np.nan
    with open(tmp_path / 'nan.pkl', 'wb') as file:
        pickle.dump(dict(data, trans=[trans], jointPositions=[joints]), file, protocol=2)
    with pytest.warns(UserWarning, match='1 frames with NaN/inf marked invalid'):
        dataset = loader(ThreeDPWDataset, tmp_path, window=20, feat_dim=8)
        len(dataset)
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        window = dataset[0]
    validate_window(window)
    assert not window['valid'][10] and window['valid'][9] and window['valid'][11]
