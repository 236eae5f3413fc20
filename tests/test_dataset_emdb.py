"""EMDBDataset on a tiny *_data.pkl written here in EMDB's format."""
import pickle

import numpy as np
import pytest
import torch

from dataset_files import IMAGE_SIZE, SMPL_PELVIS, loader, shared_body_model, walking_motion, write_emdb
from unihmr.body.joint_sets import COCO17_FACE_NAMES
from unihmr.data.contract import validate_window
from unihmr.data.datasets import DatasetFormatError, EMDBDataset
from unihmr.data.datasets.emdb import solve_rest_pelvis

FRAMES = 40
NUM_FACE = len(COCO17_FACE_NAMES)


@pytest.fixture(scope='module')
def emdb(tmp_path_factory):
    root = tmp_path_factory.mktemp('emdb')
    good = np.ones(FRAMES, bool)
    good[[5, 6]] = False
    path = root / 'P9' / '99_outdoor_test' / 'P9_99_outdoor_test_data.pkl'
    written = write_emdb(path, shared_body_model(), walking_motion(FRAMES, 30.0, 5), good)
    return root, written


def test_world_body_cameras_keypoints_and_boxes(emdb):
    root, written = emdb
    dataset = loader(EMDBDataset, root, split='emdb1', window=16, feat_dim=8)
    seq = dataset.sequence(0)
    assert seq['seq_id'] == 'P9_99_outdoor_test'
    offset = seq['joints_w'] - written['joints']  # the solved SMPL pelvis keeps the body in place
    assert np.abs(offset[..., [0, 2]]).max() < 1e-3 and np.ptp(offset[..., 1]) < 1e-3
    assert seq['valid'].tolist() == written['good_frames_mask'].tolist()
    for index in range(len(dataset)):
        assert validate_window(dataset[index]) == 16
    window = dataset[0]
    kp2d = window['kp2d'].numpy()
    good = written['good_frames_mask'][:16]
    body = written['kp2d_coco_body'][:16]
    assert np.abs(kp2d[good, NUM_FACE:, :2] - body[good, NUM_FACE:]).max() < 1e-2  # EMDB's own kp2d
    assert np.abs(kp2d[good, :NUM_FACE, :2] - body[good, :NUM_FACE]).max() < 0.5  # projected face points
    assert (kp2d[good, :, 2] == 1).all() and (kp2d[~good, :, 2] == 0).all()
    assert window['vis'][good].all() and not window['vis'][~good].any()
    box = written['bboxes']['bboxes'][1]
    side = 1.2 * max(box[2] - box[0], box[3] - box[1])
    assert torch.allclose(window['bbox'][1], torch.tensor([(box[0] + box[2]) / 2, (box[1] + box[3]) / 2, side],
                                                          dtype=torch.float32), atol=1e-2)
    assert window['bbox'][0, 2] > 100  # the invalid box of frame 0 falls back to the projected body
    assert (window['bbox'][:, :2] < torch.tensor(IMAGE_SIZE, dtype=torch.float32)).all()


def test_the_smpl_rest_pelvis_is_solved_from_the_projected_pelvis(emdb):
    _, written = emdb
    cams = written['camera']['extrinsics']
    K = np.broadcast_to(written['camera']['intrinsics'], (FRAMES, 3, 3))
    pelvis = solve_rest_pelvis(written['kp2d'][:, 0], written['smpl']['trans'], K, cams[:, :3, :3], cams[:, :3, 3])
    assert np.abs(pelvis - SMPL_PELVIS).max() < 1e-4
    one = slice(0, 1)  # a single frame: 2 equations, 3 unknowns
    assert solve_rest_pelvis(written['kp2d'][one, 0], written['smpl']['trans'][one], K[one], cams[one, :3, :3],
                             cams[one, :3, 3]) is None


def test_splits_select_sequences(emdb):
    root, _ = emdb
    assert len(loader(EMDBDataset, root, split='emdb2', window=16)) == 0
    assert len(loader(EMDBDataset, root, split='all', window=None)) == 1
    with pytest.raises(ValueError, match="split: expected one of"):
        EMDBDataset(root, split='emdb3')


def test_up_from_the_body(emdb):
    root, written = emdb
    seq = loader(EMDBDataset, root, window=16, world_up='body').sequence(0)
    assert seq['gravity_source'] == 'mean pelvis-to-neck direction taken as up'
    spine = seq['joints_w'][:, 12] - seq['joints_w'][:, 0]  # neck - pelvis, now along +y on average
    assert np.allclose((spine / np.linalg.norm(spine, axis=-1, keepdims=True))[seq['valid']].mean(0)[[0, 2]], 0,
                       atol=1e-5)


def test_missing_nested_keys_and_paths_are_named(emdb, tmp_path):
    _, written = emdb
    data = {key: value for key, value in written.items() if key not in ('joints', 'kp2d_coco_body')}
    path = tmp_path / 'P0' / 'x' / 'P0_x_data.pkl'
    path.parent.mkdir(parents=True)
    camera = {key: value for key, value in data['camera'].items() if key != 'extrinsics'}
    with open(path, 'wb') as file:
        pickle.dump(dict(data, camera=camera), file)
    with pytest.raises(DatasetFormatError, match=r"P0_x_data\.pkl camera: missing keys \['extrinsics'\]"):
        len(loader(EMDBDataset, tmp_path, split='all'))
    path.write_bytes(b'not a pickle')
    with pytest.raises(DatasetFormatError, match='not a readable pickle'):
        len(loader(EMDBDataset, tmp_path, split='all'))
    (tmp_path / 'empty').mkdir()
    with pytest.raises(FileNotFoundError, match=r"no \*_data\.pkl files"):
        EMDBDataset(tmp_path / 'empty')
