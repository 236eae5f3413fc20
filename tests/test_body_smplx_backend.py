"""SMPLXBody: the smplx-package backend, checked on a small random model file in the SMPL-X NPZ format."""
import numpy as np
import pytest
import smplx
import torch
from smplx.vertex_ids import vertex_ids

from unihmr.body import SMPLXBody, SMPLXModelNotFoundError, resolve_smplx_path
from unihmr.body.joint_sets import BODY_PARENTS, COCO17_FROM_BODY_JOINTS
from unihmr.registry import BODY_MODELS

NUM_VERTICES = 10475
NUM_JOINTS = 55
NUM_FACES = 2000
SHAPE_AND_EXPRESSION = 400  # 300 shape + 100 expression components, as in SMPL-X v1.1
NUM_POSE_BASIS = (NUM_JOINTS - 1) * 9
# jaw and eyes hang off the head; each hand's 5 fingers are chains of 3 off the wrist.
SMPLX_PARENTS = (list(BODY_PARENTS) + [15, 15, 15]
                 + [p for finger in range(5) for p in (20, 25 + 3 * finger, 26 + 3 * finger)]
                 + [p for finger in range(5) for p in (21, 40 + 3 * finger, 41 + 3 * finger)])


def write_fake_smplx(path):
    """A random model with the keys and shapes ``smplx.SMPLX(ext='npz')`` reads from SMPLX_NEUTRAL.npz."""
    rng = np.random.default_rng(0)
    weights = rng.random((NUM_VERTICES, NUM_JOINTS)) ** 8
    regressor = rng.random((NUM_JOINTS, NUM_VERTICES))
    np.savez(
        path,
        v_template=rng.normal(0.0, 0.3, (NUM_VERTICES, 3)),
        f=rng.integers(0, NUM_VERTICES, (NUM_FACES, 3)).astype(np.uint32),
        J_regressor=regressor / regressor.sum(1, keepdims=True),
        kintree_table=np.stack([np.array(SMPLX_PARENTS) % 2**32, np.arange(NUM_JOINTS)]).astype(np.int64),
        weights=weights / weights.sum(1, keepdims=True),
        shapedirs=rng.normal(0.0, 1e-3, (NUM_VERTICES, 3, SHAPE_AND_EXPRESSION)).astype(np.float32),
        posedirs=rng.normal(0.0, 1e-3, (NUM_VERTICES, 3, NUM_POSE_BASIS)).astype(np.float32),
        hands_componentsl=rng.normal(size=(45, 45)), hands_componentsr=rng.normal(size=(45, 45)),
        hands_meanl=rng.normal(0.0, 0.2, 45), hands_meanr=rng.normal(0.0, 0.2, 45),
        lmk_faces_idx=rng.integers(0, NUM_FACES, 51), lmk_bary_coords=rng.dirichlet(np.ones(3), 51),
        dynamic_lmk_faces_idx=rng.integers(0, NUM_FACES, (79, 17)),
        dynamic_lmk_bary_coords=rng.dirichlet(np.ones(3), (79, 17)),
    )


@pytest.fixture(scope='module')
def model_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp('body_models')
    (root / 'smplx').mkdir()
    write_fake_smplx(root / 'smplx' / 'SMPLX_NEUTRAL.npz')
    return root


@pytest.fixture(scope='module')
def body(model_dir):
    return SMPLXBody(model_path=model_dir)


def random_inputs(batch_shape, seed=0):
    gen = torch.Generator().manual_seed(seed)
    shapes = {'global_orient': (3,), 'body_pose': (21, 3), 'betas': (10,), 'transl': (3,),
              'left_hand_pose': (15, 3), 'right_hand_pose': (15, 3)}
    return {name: torch.randn(*batch_shape, *shape, generator=gen) * 0.5 for name, shape in shapes.items()}


def test_leading_dims_shapes_and_reference(body, model_dir):
    inputs = random_inputs((2, 3))
    out = body(**inputs, return_full_joints=True)
    assert out.joints.shape == (2, 3, 22, 3)
    assert out.vertices.shape == (2, 3, NUM_VERTICES, 3)
    assert out.coco17.shape == (2, 3, 17, 3)
    assert out.full_joints.shape == (2, 3, NUM_JOINTS, 3)
    # Reference: smplx itself, batch of 6, all parameters passed explicitly.
    reference = smplx.SMPLX(str(model_dir / 'smplx' / 'SMPLX_NEUTRAL.npz'), ext='npz', use_pca=False,
                            flat_hand_mean=False, num_betas=10, batch_size=6)
    flat = {name: value.reshape(6, -1) for name, value in inputs.items()}
    expected = reference(**flat, return_verts=True)
    torch.testing.assert_close(out.joints.reshape(6, 22, 3), expected.joints[:, :22])
    torch.testing.assert_close(out.vertices.reshape(6, NUM_VERTICES, 3), expected.vertices)
    face_ids = [vertex_ids['smplx'][key] for key in ('nose', 'leye', 'reye', 'lear', 'rear')]
    torch.testing.assert_close(out.coco17.reshape(6, 17, 3)[:, :5], expected.vertices[:, face_ids])
    torch.testing.assert_close(out.coco17[..., 5:, :], out.joints[..., COCO17_FROM_BODY_JOINTS, :])


def test_defaults_and_joints_only(body):
    out = body(body_pose=torch.zeros(4, 63), return_verts=False)
    assert out.vertices is None and out.joints.shape == (4, 22, 3)
    torch.testing.assert_close(out.joints, body().joints.expand(4, 22, 3))
    assert body.faces.shape == (NUM_FACES, 3) and body.faces.dtype == torch.long


def test_gradients_reach_every_input(body):
    inputs = {name: value.requires_grad_() for name, value in random_inputs((2,), seed=1).items()}
    out = body(**inputs)
    (out.vertices.square().sum() + out.joints.sum()).backward()
    for name, value in inputs.items():
        assert value.grad is not None and value.grad.abs().sum() > 0, name


def test_registry_builds_backend(model_dir):
    built = BODY_MODELS.build(dict(type='SMPLXBody', model_path=str(model_dir / 'smplx' / 'SMPLX_NEUTRAL.npz')))
    assert isinstance(built, SMPLXBody)


def test_path_resolution(model_dir, monkeypatch):
    target = model_dir / 'smplx' / 'SMPLX_NEUTRAL.npz'
    assert resolve_smplx_path(model_dir) == target
    assert resolve_smplx_path(model_dir / 'smplx') == target
    assert resolve_smplx_path(target) == target
    monkeypatch.setenv('UNIHMR_SMPLX_PATH', str(model_dir))
    assert resolve_smplx_path() == target


def test_missing_file_gives_one_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv('UNIHMR_SMPLX_PATH', str(tmp_path / 'nowhere'))
    with pytest.raises(SMPLXModelNotFoundError) as caught:
        SMPLXBody()
    error = caught.value
    assert isinstance(error, FileNotFoundError)
    assert error.__cause__ is None and error.__context__ is None
    message = str(error)
    for needed in ('https://smpl-x.is.tue.mpg.de', 'registration', 'non-commercial', 'SMPL-X v1.1 NPZ',
                   'model_path=', 'UNIHMR_SMPLX_PATH', '~/.cache/unihmr/body_models/smplx/SMPLX_NEUTRAL.npz',
                   str(tmp_path / 'nowhere')):
        assert needed in message, needed
    with pytest.raises(SMPLXModelNotFoundError):
        SMPLXBody(model_path=tmp_path / 'missing.npz')


def test_model_file_arrays_stay_out_of_checkpoints(body):
    assert len(body.state_dict()) == 0
    assert any(True for _ in body.buffers())  # still buffers, so .to(device) moves them
