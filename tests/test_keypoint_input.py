"""User keypoint files for the demo: defaults, and a clear error for every kind of bad input."""
import json

import numpy as np
import pytest

from unihmr.apis.keypoint_input import LEVEL_CAMERA, load_keypoint_window
from unihmr.data.contract import OBSERVATIONS


def _kp2d(frames=5):
    rng = np.random.default_rng(0)
    kp = np.concatenate([rng.uniform(100, 300, (frames, 17, 2)), np.ones((frames, 17, 1))], -1)
    kp[2, :, 2] = 0.0  # a frame with no confident keypoint
    return kp


K = np.array([[1000.0, 0, 320], [0, 1000.0, 240], [0, 0, 1]])


def test_npz_with_defaults(tmp_path):
    path = tmp_path / 'kp.npz'
    np.savez(path, kp2d=_kp2d(), K=K)
    window = load_keypoint_window(path, feat_dim=8)
    assert set(OBSERVATIONS) <= set(window)
    assert window['K'].shape == (5, 3, 3) and window['img_feat'].shape == (5, 8)
    np.testing.assert_allclose(window['R_w2c'][3].numpy(), LEVEL_CAMERA)
    kp = _kp2d()
    low, high = kp[0, :, :2].min(0), kp[0, :, :2].max(0)
    np.testing.assert_allclose(window['bbox'][0].numpy(), [*(0.5 * (low + high)), 1.2 * (high - low).max()], rtol=1e-5)
    np.testing.assert_allclose(window['bbox'][2].numpy(), 0.5 * (window['bbox'][1] + window['bbox'][3]).numpy(),
                               rtol=1e-5)  # interpolated over the empty frame


def test_json_is_read_too(tmp_path):
    path = tmp_path / 'kp.json'
    path.write_text(json.dumps({'kp2d': _kp2d().tolist(), 'K': K.tolist(), 'fps': 25}))
    assert load_keypoint_window(path, feat_dim=4)['meta']['fps'] == 25.0


@pytest.mark.parametrize('arrays, message', [
    (dict(kp2d=_kp2d()), "missing keys \\['K'\\]"),
    (dict(kp2d=_kp2d()[:, :15], K=K), 'kp2d must have shape'),
    (dict(kp2d=np.zeros((0, 17, 3)), K=K), 'zero frames'),
    (dict(kp2d=np.where(np.arange(5)[:, None, None] == 1, np.nan, _kp2d()), K=K), 'kp2d has 51 non-finite'),
    (dict(kp2d=_kp2d(), K=K, bbox=np.zeros((4, 3))), 'bbox must have shape'),
    (dict(kp2d=_kp2d(), K=K, img_feat=np.zeros((5, 3))), 'img_feat must have shape'),
])
def test_bad_files_are_named(tmp_path, arrays, message):
    path = tmp_path / 'kp.npz'
    np.savez(path, **arrays)
    with pytest.raises(ValueError, match=message):
        load_keypoint_window(path, feat_dim=8)


def test_missing_and_unsupported_files(tmp_path):
    with pytest.raises(FileNotFoundError, match='keypoint file not found'):
        load_keypoint_window(tmp_path / 'none.npz', 8)
    (tmp_path / 'kp.txt').write_text('x')
    with pytest.raises(ValueError, match='unsupported file type'):
        load_keypoint_window(tmp_path / 'kp.txt', 8)


def _rotation_x(angle):
    c, s = np.cos(angle), np.sin(angle)
    return np.array([[1.0, 0, 0], [0, c, -s], [0, s, c]])


def _single_joint():
    kp = _kp2d()
    kp[..., 2] = 0.0
    kp[:, 0, 2] = 1.0  # only the nose is confident
    return kp


@pytest.mark.parametrize('arrays, message', [
    (dict(kp2d=_kp2d(), K=K, bbox=np.array([[200.0, 200.0, 0.0]] * 5)), r'bbox\[0\] size must be positive'),
    (dict(kp2d=_kp2d(), K=K, bbox=np.array([[200.0, 200.0, 100.0]] * 4 + [[200.0, 200.0, -5.0]])), r'bbox\[4\]'),
    (dict(kp2d=_kp2d(), K=np.diag([-1000.0, 1000.0, 1.0]) + np.array([[0, 0, 320], [0, 0, 240], [0, 0, 0]])),
     r'K\[0\] focal lengths must be positive'),
    (dict(kp2d=_kp2d(), K=K.T), 'looks transposed'),
    (dict(kp2d=_kp2d(), K=K, R_w2c=2 * _rotation_x(0.3)), r'R_w2c\[0\] is not a rotation'),
    (dict(kp2d=_kp2d(), K=K, R_w2c=np.diag([1.0, 1.0, -1.0])), 'not a rotation'),  # a reflection, det -1
    (dict(kp2d=_kp2d(), K=K, fps=-30.0), 'fps must be one positive number'),
    (dict(kp2d=_kp2d(), K=K, fps=np.array([30.0, 30.0])), 'fps must be one positive number'),
    (dict(kp2d=np.concatenate([_kp2d()[..., :2] / 640.0, _kp2d()[..., 2:]], -1), K=K), 'looks normalised'),
    (dict(kp2d=_single_joint(), K=K), 'no frame has 3 keypoints'),
])
def test_degenerate_observations_are_named(tmp_path, arrays, message):
    path = tmp_path / 'kp.npz'
    np.savez(path, **arrays)
    with pytest.raises(ValueError, match=message):
        load_keypoint_window(path, feat_dim=8)


def test_a_rotating_camera_and_a_frame_with_one_joint_are_fine(tmp_path):
    kp = _kp2d()
    kp[1, 1:, 2] = 0.0  # frame 1: only the nose; its box comes from its neighbours, not from one point
    path = tmp_path / 'kp.npz'
    np.savez(path, kp2d=kp, K=K, R_w2c=np.stack([_rotation_x(0.1 * t) for t in range(5)]), fps=np.array(25.0))
    window = load_keypoint_window(path, feat_dim=8)
    assert float(window['bbox'][1, 2]) > 50 and window['meta']['fps'] == 25.0


@pytest.mark.parametrize('text, message', [('[1, 2]', 'JSON object'), ('{"kp2d": "abc", "K": [1]}', 'numbers only'),
                                           ('{"kp2d": null, "K": [1]}', 'kp2d must have shape'), ('{"kp2d": [', 'cannot read')])
def test_malformed_json_is_named(tmp_path, text, message):
    path = tmp_path / 'kp.json'
    path.write_text(text)
    with pytest.raises(ValueError, match=message):
        load_keypoint_window(path, feat_dim=8)


@pytest.mark.parametrize('content', [b'', b'PK\x03\x04truncated', b'not a zip at all'])
def test_empty_or_truncated_npz_is_named(tmp_path, content):
    path = tmp_path / 'kp.npz'
    path.write_bytes(content)
    with pytest.raises(ValueError, match='cannot read it'):
        load_keypoint_window(path, feat_dim=8)


def test_the_demo_refuses_a_degenerate_file_in_one_line_and_writes_nothing(tmp_path):
    import subprocess
    import sys
    from pathlib import Path
    repo = Path(__file__).resolve().parents[1]
    path = tmp_path / 'kp.npz'
    np.savez(path, kp2d=_kp2d(), K=K.T)
    out = tmp_path / 'out'
    result = subprocess.run([sys.executable, str(repo / 'tools' / 'demo.py'), str(repo / 'configs/demo/recover_synthetic.py'),
                             f'demo.input={path}', '--work-dir', str(out)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1 and 'K[0]' in result.stderr
    assert not out.exists() or not any(out.iterdir())


def test_keypoints_far_outside_the_image_are_named(tmp_path):
    kp = _kp2d()
    kp[..., :2] += 5000.0  # the image is about 640 x 480 px (K's principal point)
    path = tmp_path / 'kp.npz'
    np.savez(path, kp2d=kp, K=K)
    with pytest.raises(ValueError, match='outside the image'):
        load_keypoint_window(path, feat_dim=8)
