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
