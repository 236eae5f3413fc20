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
from unihmr.data.synthetic.motion import make_motion

CONFIG = Path(__file__).resolve().parents[1] / 'configs' / 'demo' / 'body_motion_demo.py'


def test_demo_outputs_are_consistent(tmp_path):
    cfg = load_config(CONFIG, ['motion.num_frames=12', 'output.render_frames=2'])
    paths = run_body_demo(cfg, tmp_path)
    assert all(path.exists() for path in paths.values())
    data = np.load(paths['npz'])
    assert data['body_pose'].shape == (12, 21, 3) and data['poses'].shape == (12, 66)
    assert data['joints'].shape == (12, 22, 3)
    out = EmbeddedSMPLX()(global_orient=torch.from_numpy(data['global_orient_w']),
                          body_pose=torch.from_numpy(data['body_pose']), betas=torch.from_numpy(data['betas']),
                          transl=torch.from_numpy(data['transl_w']))
    np.testing.assert_allclose(out.joints.detach().numpy(), data['joints'], atol=1e-5)
    lowest = out.vertices[..., 1].min().item()
    assert abs(lowest) < 1e-4  # grounded: the lowest vertex of the clip touches y = 0
    mesh = trimesh.load(paths['mesh'], process=False)
    np.testing.assert_allclose(mesh.vertices, out.vertices[0].detach().numpy(), atol=1e-5)
    assert Config.fromfile(str(paths['config'])).motion.num_frames == 12
    assert paths['figure'].read_bytes()[:4] == b'\x89PNG'


def test_unknown_motion_family_is_named():
    with pytest.raises(ValueError, match="unknown motion family 'moonwalk'"):
        make_motion('moonwalk', 10)


def test_motion_is_deterministic_by_seed():
    first, again, other = make_motion('walk', 20, seed=3), make_motion('walk', 20, seed=3), make_motion('walk', 20, seed=4)
    assert all(torch.equal(first[k], again[k]) for k in first)
    assert not torch.equal(first['body_pose'], other['body_pose'])
