"""AMASSDataset on tiny SMPL-X stage-ii files written here; the shared sequence operations (world rotation
about the pelvis, resampling, NaN handling), contact labels and window indexing."""
import warnings

import numpy as np
import pytest
import roma
import torch

from dataset_files import forward, loader, shared_body_model, walking_motion, write_amass
from unihmr.data.contract import validate_window
from unihmr.data.datasets import AMASSDataset, DatasetFormatError
from unihmr.data.datasets.base import window_starts
from unihmr.data.datasets.sequence_ops import rest_pelvis, resample, rotate_world
from unihmr.registry import DATASETS

MOCAP_FPS = 120.0
FRAMES = 97  # at 120 fps: 25 frames at 30 fps
Y_TO_Z = roma.rotvec_to_rotmat(torch.tensor([np.pi / 2, 0.0, 0.0], dtype=torch.float64)).numpy()  # y axis -> z


def zup_motion(seed=0, frames=FRAMES):
    """An upright walk in a z-up world (AMASS's), with an arbitrary translation."""
    params = walking_motion(frames, MOCAP_FPS, seed)
    root = roma.rotvec_to_rotmat(torch.from_numpy(params['global_orient']))
    params['global_orient'] = roma.rotmat_to_rotvec(torch.from_numpy(Y_TO_Z) @ root).numpy()
    params['transl'] = np.array([1.0, 2.0, 0.5]) + np.linspace(0, 1, frames)[:, None] * np.array([1.0, 0.5, 0.0])
    return params


@pytest.fixture(scope='module')
def amass_root(tmp_path_factory):
    root = tmp_path_factory.mktemp('amass')
    params = zup_motion()
    write_amass(root / 'ACCAD' / 'Subject1' / 'walk_stageii.npz', params)
    return root, params


def test_z_up_is_rotated_about_the_pelvis_resampled_and_grounded(amass_root):
    root, params = amass_root
    dataset = loader(AMASSDataset, root, window=16)
    assert [s[:2] for s in dataset.sequences] == [('ACCAD/Subject1/walk_stageii', 25)]
    seq = dataset.sequence(0)
    original, _ = forward(shared_body_model(), params)
    expected = original[::4] @ Y_TO_Z  # every 4th frame (120 -> 30 fps), rotated z-up -> y-up (R = Y_TO_Z^T)
    offset = seq['joints_w'] - expected
    assert np.abs(offset[..., [0, 2]]).max() < 1e-4
    assert np.ptp(offset[..., 1]) < 1e-4  # only a constant vertical shift (grounding)
    _, _, vertices = forward(shared_body_model(), dict(global_orient=seq['global_orient_w'], body_pose=seq['body_pose'],
                                                      transl=seq['transl_w'], betas=seq['betas']), vertices=True)
    assert abs(vertices[..., 1].min()) < 1e-4
    assert (seq['joints_w'][:, 15, 1] > seq['joints_w'][:, 0, 1] + 0.3).all()  # head above pelvis: y is up
    assert seq['gravity_source'] == 'dataset world axis z taken as up'


def test_rotating_the_world_moves_joints_rigidly():
    model = shared_body_model()
    params = walking_motion(6, 30.0, seed=3)
    R = roma.random_rotmat(generator=torch.Generator().manual_seed(0)).double().numpy()
    seq = dict(global_orient_w=params['global_orient'], body_pose=params['body_pose'], transl_w=params['transl'])
    rotated = rotate_world(seq, R, rest_pelvis(model, params['betas']))
    joints, _ = forward(model, params)
    moved, _ = forward(model, dict(params, global_orient=rotated['global_orient_w'], transl=rotated['transl_w']))
    assert np.abs(moved - joints @ R.T).max() < 1e-4


def test_windows_follow_the_contract_and_pad_short_sequences(amass_root):
    root, _ = amass_root
    dataset = loader(AMASSDataset, root, window=16, feat_dim=8, severity='mild')
    assert dataset.windows == [(0, 0), (0, 9)]
    for index in range(len(dataset)):
        window = dataset[index]
        assert validate_window(window) == 16
        assert window['meta']['dataset'] == 'amass' and window['meta']['start'] == dataset.windows[index][1]
        assert torch.equal(window['meta']['gravity'], torch.tensor([0.0, -1.0, 0.0]))
    assert torch.equal(dataset[1]['kp2d'], dataset[1]['kp2d'])  # deterministic by index
    padded = loader(AMASSDataset, root, window=40, feat_dim=8)[0]
    assert validate_window(padded) == 40
    assert padded['valid'][:25].all() and not padded['valid'][25:].any()
    assert len(loader(AMASSDataset, root, window=None)[0]['valid']) == 25


def test_smplh_frame_rate_key_and_bad_files_are_named(tmp_path):
    params = zup_motion(frames=8)
    write_amass(tmp_path / 'CMU' / 'a_poses.npz', params)
    data = dict(np.load(tmp_path / 'CMU' / 'a_poses.npz'))
    data['mocap_framerate'] = data.pop('mocap_frame_rate')
    np.savez(tmp_path / 'CMU' / 'a_poses.npz', **data)
    assert loader(AMASSDataset, tmp_path, pattern='**/*_poses.npz').sequence(0)['fps'] == 30.0

    del data['trans']
    np.savez(tmp_path / 'CMU' / 'b_poses.npz', **data)
    with pytest.raises(DatasetFormatError, match=r"b_poses\.npz: missing keys \['trans'\]"):
        len(loader(AMASSDataset, tmp_path, pattern='**/b_poses.npz'))
    with pytest.raises(FileNotFoundError, match='nowhere'):
        AMASSDataset(tmp_path / 'nowhere')
    with pytest.raises(FileNotFoundError, match="no files matching"):
        AMASSDataset(tmp_path, pattern='**/*_stageii.npz')


def test_nan_frames_are_invalid_and_nan_betas_skip_the_sequence(tmp_path):
    params = zup_motion(frames=40)
    params['body_pose'][12:20, 3] = np.nan  # frames 3 and 4 at 30 fps
    write_amass(tmp_path / 'A' / 'nan_stageii.npz', params)
    write_amass(tmp_path / 'A' / 'nanbetas_stageii.npz', dict(params, betas=np.full(10, np.nan)))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        dataset = loader(AMASSDataset, tmp_path, window=10, feat_dim=8)
        assert len(dataset) == 1
    messages = ' '.join(str(w.message) for w in caught)
    assert 'nanbetas_stageii' in messages and 'skipped' in messages and 'marked invalid' in messages
    window = dataset[0]
    validate_window(window)  # no NaN anywhere
    assert window['valid'].tolist() == [True] * 3 + [False] * 2 + [True] * 5


def test_resampling_interpolates_rotations_on_the_geodesic():
    t = np.arange(13) / 60.0
    axis = np.array([0.6, 0.0, 0.8])
    seq = dict(fps=60.0, valid=np.arange(13) != 5, global_orient_w=np.outer(2.0 * t, axis),
               body_pose=np.zeros((13, 21, 3)), transl_w=np.outer(t, [1.0, 0.0, 0.0]),
               kp2d=np.ones((13, 17, 3)))
    seq['kp2d'][6, :, 2] = 0.0
    half = resample(seq, 30.0)
    assert np.allclose(half['global_orient_w'], seq['global_orient_w'][::2])
    assert half['valid'].tolist() == [True] * 7
    other = resample(seq, 45.0)
    t45 = np.arange(len(other['valid'])) / 45.0
    assert np.allclose(other['global_orient_w'], np.outer(2.0 * t45, axis), atol=1e-9)
    assert np.allclose(other['transl_w'][:, 0], t45)
    assert np.flatnonzero(~other['valid']).tolist() == [4]  # 4 * 60 / 45 = 5.33 lies next to invalid frame 5
    assert (other['kp2d'][:, 0, 2] == 0).sum() == 2  # the two new frames next to the undetected frame


def test_contact_labels_mark_a_standing_body_and_not_a_sliding_one(tmp_path):
    frames = 24
    still = dict(global_orient=np.zeros((frames, 3)), body_pose=np.zeros((frames, 21, 3)),
                 transl=np.zeros((frames, 3)), betas=np.random.default_rng(0).normal(0, 1, 10))
    still['global_orient'][:, 0] = np.pi / 2  # y-up rest body -> z-up (AMASS) world
    write_amass(tmp_path / 'S' / 'still_stageii.npz', still, fps=30.0)
    write_amass(tmp_path / 'S' / 'slide_stageii.npz', dict(still, transl=np.outer(np.arange(frames), [0.05, 0, 0])),
                fps=30.0)
    dataset = loader(AMASSDataset, tmp_path, window=None)
    contact = {dataset.sequence(i)['seq_id']: dataset.sequence(i)['contact'] for i in range(2)}
    assert contact['S/still_stageii'].all()  # feet flat on the floor and still
    assert not contact['S/slide_stageii'].any()  # feet on the floor but sliding 1.5 m/s


def test_window_starts_cover_every_frame():
    assert window_starts(10, 4, 4) == [0, 4, 6]
    assert window_starts(10, 4, 3) == [0, 3, 6]
    assert window_starts(3, 4, 4) == [0] and window_starts(50, None, None) == [0]


def test_registry_builds_the_dataset(amass_root):
    dataset = DATASETS.build(dict(type='AMASSDataset', root=str(amass_root[0]), window=16))
    assert isinstance(dataset, AMASSDataset)


def test_amass_windows_as_rohm_3d_observations(amass_root):
    from unihmr.data.datasets import CorruptedMotionDataset
    from unihmr.data.transforms.motion_corruption import LOWER_BODY
    root, _ = amass_root
    dataset = CorruptedMotionDataset(loader(AMASSDataset, root, window=16), level=3, occlusion='lower_body')
    window = dataset[0]
    validate_window(window)
    noise = window['motion_obs']['body_pose'] - window['smpl_params']['body_pose']
    assert 0.02 < float(noise.std()) < 0.08  # 3 degrees = 0.052 rad
    assert not window['vis'][:, list(LOWER_BODY)].any()
