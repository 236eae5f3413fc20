"""tools/export.py: a motion file to BVH (read back: same joints within 1 mm) and to AMASS's SMPL-X layout
(read back by the AMASS loader: same joints), and one line with exit code 2 for a bad file."""
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from unihmr.body.embedded import EmbeddedSMPLX
from unihmr.data.bvh.reader import read_bvh
from unihmr.data.bvh.retarget import retarget
from unihmr.data.datasets.amass import find_amass_files, iter_amass_sequences
from unihmr.data.synthetic.motion.limits import LIMITS, pose_to_rotvecs

TOOL = Path(__file__).resolve().parents[1] / 'tools' / 'export.py'


def export_main():
    spec = importlib.util.spec_from_file_location('export_tool', TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main


@pytest.fixture(scope='module')
def motion_file(tmp_path_factory):
    rng = np.random.default_rng(5)
    frames = 10
    centre, half = LIMITS.mean(-1), 0.4 * (LIMITS[..., 1] - LIMITS[..., 0])
    arrays = dict(global_orient_w=rng.normal(size=(frames, 3)) * 0.3,
                  body_pose=pose_to_rotvecs(centre + half * rng.uniform(-1, 1, size=(frames, 21, 3))),
                  transl_w=rng.normal(size=(frames, 3)), betas=rng.normal(size=(frames, 10)) * 0.5,
                  mocap_frame_rate=np.float32(30))
    path = tmp_path_factory.mktemp('motion') / 'walk.npz'
    np.savez(path, **arrays)
    return path, arrays


def joints(body, arrays, betas):
    tensors = {k: torch.as_tensor(np.asarray(arrays[k]), dtype=torch.float64) for k in ('global_orient_w', 'body_pose', 'transl_w')}
    return body(global_orient=tensors['global_orient_w'], body_pose=tensors['body_pose'], transl=tensors['transl_w'],
                betas=torch.as_tensor(betas, dtype=torch.float64)[None], return_verts=False).joints.numpy()


def test_export_round_trips_through_bvh_and_amass(tmp_path, motion_file):
    path, arrays = motion_file
    paths = export_main()([str(path), str(tmp_path)])
    body = EmbeddedSMPLX(dtype=torch.float64)
    betas = arrays['betas'].mean(0)  # the exported body: the mean betas
    expected = joints(body, arrays, betas)
    rest = body(betas=torch.as_tensor(betas)[None], return_verts=False).joints[0].numpy()
    back = retarget(read_bvh(paths['bvh']), rest)
    got = joints(body, dict(global_orient_w=back.global_orient, body_pose=back.body_pose, transl_w=back.transl), betas)
    assert np.linalg.norm(got - expected, axis=-1).max() < 1e-3
    (tmp_path / 'amass' / 'x').mkdir(parents=True)
    os.replace(paths['smplx'], tmp_path / 'amass' / 'x' / 'walk_stageii.npz')
    root = tmp_path / 'amass'
    seq = next(iter_amass_sequences(find_amass_files(root), root, EmbeddedSMPLX(), fps=30.0, ground=False))
    np.testing.assert_allclose(seq['joints_w'], expected, atol=1e-4)


def test_export_names_a_bad_file(tmp_path, motion_file):
    _, arrays = motion_file
    bad = tmp_path / 'bad.npz'
    np.savez(bad, **{k: v for k, v in arrays.items() if k != 'transl_w'})
    result = subprocess.run([sys.executable, str(TOOL), str(bad), str(tmp_path / 'out')], capture_output=True,
                            text=True, timeout=200, env={**os.environ, 'OMP_NUM_THREADS': '1'})
    assert result.returncode == 2 and 'Traceback' not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "bad.npz: missing keys ['transl_w']" in result.stderr
    assert not (tmp_path / 'out').exists()
