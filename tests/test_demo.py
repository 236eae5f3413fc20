"""The body-model demo: writes a figure, an .npz whose joints match its parameters, a mesh, the config."""
from pathlib import Path

import numpy as np
import pytest
import torch
import trimesh
from mmengine.config import Config

from unihmr.apis.config import load_config
from unihmr.apis.motion_demo import run_body_demo
from unihmr.body import EmbeddedSMPLX

CONFIG = Path(__file__).resolve().parents[1] / 'configs' / 'demo' / 'body_motion_demo.py'


def test_demo_outputs_are_consistent(tmp_path):
    cfg = load_config(CONFIG, ['motion.num_frames=12', 'output.render_frames=2'])
    paths = run_body_demo(cfg, tmp_path)
    assert all(path.exists() for path in paths.values())
    data = np.load(paths['npz'])
    assert data['body_pose'].shape == (12, 21, 3) and data['poses'].shape == (12, 66)
    assert data['joints'].shape == (12, 22, 3) and data['contact'].shape == (12, 4)
    assert data['segment_frames'].shape == (len(data['segment_names']), 2) and data['segment_frames'][0, 0] == 0
    out = EmbeddedSMPLX()(global_orient=torch.from_numpy(data['global_orient_w']),
                          body_pose=torch.from_numpy(data['body_pose']), betas=torch.from_numpy(data['betas']),
                          transl=torch.from_numpy(data['transl_w']))
    np.testing.assert_allclose(out.joints.detach().numpy(), data['joints'], atol=1e-5)
    np.testing.assert_allclose(data['joints_w'], data['joints'], atol=1e-5)
    lowest = out.vertices[..., 1].min().item()
    assert abs(lowest) < 0.01  # grounded: the body stands on y = 0 (soles within 1 cm, no deeper penetration)
    mesh = trimesh.load(paths['mesh'], process=False)
    np.testing.assert_allclose(mesh.vertices, out.vertices[0].detach().numpy(), atol=1e-5)
    assert Config.fromfile(str(paths['config'])).motion.num_frames == 12
    assert paths['figure'].read_bytes()[:4] == b'\x89PNG'


def test_demo_single_family(tmp_path):
    cfg = load_config(CONFIG, ['motion.num_frames=8', 'output.render_frames=1', 'motion.family=squat'])
    data = np.load(run_body_demo(cfg, tmp_path)['npz'])
    assert data['segment_names'].tolist() == ['squat'] and data['segment_frames'].tolist() == [[0, 8]]


def test_demo_family_parameters(tmp_path):
    overrides = ['motion.num_frames=8', 'output.render_frames=1', 'motion.family=walk', '+motion.speed=1.5']
    cfg = load_config(CONFIG, overrides)
    assert np.load(run_body_demo(cfg, tmp_path)['npz'])['segment_names'].tolist() == ['walk']
    cfg = load_config(CONFIG, ['motion.num_frames=8', '+motion.speed=1.5'])
    with pytest.raises(ValueError, match=r"\['speed'\] are parameters of one family"):
        run_body_demo(cfg, tmp_path)
