"""The demo recovers a user file without img_feat with the keypoint-only model, and says so."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from unihmr.apis.config import load_config
from unihmr.apis.recover_demo import choose_model, uses_image_features

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / 'configs' / 'demo' / 'recover_synthetic.py'
KEYPOINT_ONLY = REPO / 'checkpoints' / 'gvhmr_cpu_keypoints_mixed' / 'model.pth'


def _window(has_img_feat):
    return dict(meta=dict(has_img_feat=has_img_feat))


def test_which_models_read_image_features():
    assert uses_image_features(load_config(DEMO))
    assert not uses_image_features(load_config(REPO / 'configs/gvhmr/gvhmr_cpu_keypoints_mixed.py'))
    assert uses_image_features(load_config(REPO / 'configs/scorehmr/scorehmr_prior_cpu_synthetic.py'))
    assert not uses_image_features(load_config(REPO / 'configs/scorehmr/scorehmr_prior_cpu_keypoints_mixed.py'))


def test_a_file_without_image_features_switches_to_the_keypoint_only_model():
    cfg = load_config(DEMO, ['demo.input=walk.npz'])
    cfg.demo.keypoint_only = {k: str(REPO / v) for k, v in cfg.demo.keypoint_only.items()}
    chosen, checkpoint, note = choose_model(cfg, _window(False))
    assert checkpoint == cfg.demo.keypoint_only['checkpoint'] and chosen.demo.checkpoint == checkpoint
    assert 'img_feat' not in chosen.model.encoder.modalities and 'kp_box' in chosen.model.encoder.modalities
    assert 'walk.npz has no img_feat' in note and 'keypoint-only model' in note
    same, checkpoint, note = choose_model(cfg, _window(True))  # the file has image features: no switch
    assert same is cfg and checkpoint == cfg.demo.checkpoint and note is None
    cfg.demo.keypoint_only = dict(config=None, checkpoint=None)  # none configured: zeros, and a note saying so
    same, checkpoint, note = choose_model(cfg, _window(False))
    assert same is cfg and 'gets zeros' in note


@pytest.mark.skipif(not KEYPOINT_ONLY.exists(), reason='the keypoint-only checkpoint is not shipped yet')
def test_the_demo_prints_the_switch_and_recovers(tmp_path):
    from unihmr.data.datasets import SyntheticMotionDataset
    window = SyntheticMotionDataset(split='test', num_windows=1, window=40, severity='none')[0]
    path = tmp_path / 'detections.npz'
    np.savez(path, kp2d=window['kp2d'].numpy(), K=window['K'][0].numpy())  # no img_feat
    result = subprocess.run([sys.executable, str(REPO / 'tools' / 'demo.py'), str(DEMO), f'demo.input={path}',
                             'demo.animation_step=20', '--work-dir', str(tmp_path / 'out')],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert 'has no img_feat: recovering with the keypoint-only model' in result.stdout
    saved = (tmp_path / 'out' / 'config.py').read_text()
    assert 'kp_box' in saved and 'gvhmr_cpu_keypoints_mixed/model.pth' in saved
    assert np.load(tmp_path / 'out' / 'recovered.npz')['body_pose'].shape == (40, 21, 3)


def test_the_factorizedhmr_demo_switches_to_its_keypoint_only_variant():
    cfg = load_config(REPO / 'configs/demo/recover_factorizedhmr_synthetic.py', ['demo.input=walk.npz'])
    cfg.demo.keypoint_only = {k: str(REPO / v) for k, v in cfg.demo.keypoint_only.items()}
    chosen, checkpoint, note = choose_model(cfg, _window(False))
    assert Path(checkpoint).exists() and 'factorizedhmr_cpu_keypoints_mixed' in checkpoint
    assert chosen.model.stages[1].type == 'FlowMatchingHead' and not uses_image_features(chosen)
    assert chosen.demo.num_samples == 5 and 'keypoint-only model' in note
