"""RICHDataset on tiny per-frame SMPL-X fits and a camera XML written here in RICH's layout."""
import numpy as np
import pytest

from dataset_files import IMAGE_SIZE, loader, shared_body_model, walking_motion, write_rich
from unihmr.body.joint_sets import NUM_BODY_JOINTS
from unihmr.data.contract import validate_window
from unihmr.data.datasets import DatasetFormatError, RICHDataset
from unihmr.data.datasets.rich import read_calibration

FRAMES = 36


@pytest.fixture(scope='module')
def rich(tmp_path_factory):
    root = tmp_path_factory.mktemp('rich')
    written = write_rich(root, shared_body_model(), walking_motion(FRAMES, 30.0, 3))
    return root, written


def test_world_body_camera_and_keypoints(rich):
    root, written = rich
    dataset = loader(RICHDataset, root, split='test', world_up='y', image_size=IMAGE_SIZE, window=12, feat_dim=8)
    seq = dataset.sequence(0)
    assert seq['seq_id'] == 'Gym_007_walk/cam00' and len(seq['valid']) == FRAMES
    offset = seq['joints_w'] - written['joints']  # y-up as written: only the grounding moves it, vertically
    assert np.abs(offset[..., [0, 2]]).max() < 1e-4 and np.ptp(offset[..., 1]) < 1e-4
    for index in range(len(dataset)):
        assert validate_window(dataset[index]) == 12
    window = dataset[0]
    kp2d = window['kp2d'].numpy()
    assert np.abs(kp2d[..., :2] - written['coco_pixels'][:12]).max() < 0.5 and (kp2d[..., 2] == 1).all()
    assert window['vis'].all() and window['vis'].shape == (12, NUM_BODY_JOINTS)
    assert np.allclose(window['K'][0].numpy(), written['K'], atol=1e-4)
    assert np.allclose(window['R_w2c'].numpy(), window['R_w2c'][0].numpy(), atol=1e-6)  # one static camera


def test_default_world_up_from_the_body_keeps_the_walker_upright(rich):
    root, written = rich
    seq = loader(RICHDataset, root, split='test', window=12, feat_dim=8).sequence(0)
    spine = seq['joints_w'][:, 12] - seq['joints_w'][:, 0]  # pelvis to neck, in our y-up world
    assert (spine[:, 1] / np.linalg.norm(spine, axis=-1)).mean() > 0.95


def test_calibration_numbers_and_bad_files_are_named(rich, tmp_path):
    root, written = rich
    K, R, t = read_calibration(root / 'scan_calibration' / 'Gym' / 'calibration' / '000.xml')
    assert np.allclose(K, written['K']) and np.allclose(R, written['R'], atol=1e-8) and np.allclose(t, written['t'])
    broken = tmp_path / 'broken.xml'
    broken.write_text('<opencv_storage><Intrinsics><data>1 2 3</data></Intrinsics></opencv_storage>')
    with pytest.raises(DatasetFormatError, match='broken.xml: missing <CameraMatrix>'):
        read_calibration(broken)
    with pytest.raises(FileNotFoundError, match='RICH val bodies'):
        loader(RICHDataset, root, split='val', window=12)
    with pytest.raises(ValueError, match='split'):
        loader(RICHDataset, root, split='dev', window=12)
