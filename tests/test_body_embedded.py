"""EmbeddedSMPLX against independent references: mannequin-x's NumPy model, the SMPL-X rest-joint fixture,
geometric properties of rotations, and finite differences."""
import csv
from pathlib import Path

import mannequin
import numpy as np
import pytest
import roma
import torch

from unihmr.body import EmbeddedSMPLX
from unihmr.body.joint_sets import BODY_JOINT_NAMES, BODY_PARENTS, COCO17_FLIP, COCO17_FROM_BODY_JOINTS
from unihmr.registry import BODY_MODELS

REST_JOINTS_CSV = Path(__file__).resolve().parent / 'fixtures' / 'smplx_neutral_rest_joints.csv'  # vendored
NUM_VERTICES = 24256
JOINT_TOL = 1e-5  # metres
VERTEX_TOL = 1e-5  # metres; mannequin computes in float32, we compare in float64
REFLECT_X = torch.tensor([-1.0, 1.0, 1.0], dtype=torch.float64)


@pytest.fixture(scope='module')
def model():
    return EmbeddedSMPLX(dtype=torch.float64)


def random_betas(count, seed):
    rng = np.random.default_rng(seed)
    return [np.zeros(10, np.float32)] + [rng.uniform(-2.5, 2.5, 10).astype(np.float32) for _ in range(count - 1)]


def random_pose(frames, seed):
    """Body and hand poses in axis-angle; global orientation anywhere on SO(3) (angles up to pi)."""
    rng = np.random.default_rng(seed)
    orient = rng.normal(size=(frames, 3))
    orient *= rng.uniform(0, np.pi, (frames, 1)) / np.linalg.norm(orient, axis=1, keepdims=True)
    return {'pelvis_rotation': orient, 'body_pose': rng.normal(0, 0.7, (frames, 21, 3)),
            'hand_pose': rng.normal(0, 0.5, (frames, 30, 3)), 'global_translation': rng.normal(0, 2.0, (frames, 3))}


def mannequin_reference(betas, pose):
    """Joints (T, 54, 3) and vertices (T, V, 3) from mannequin-x's own NumPy forward."""
    frames = pose['body_pose'].shape[0]
    body = mannequin.Mannequin('wooden', shape=betas)
    params = dict(pose, shape=np.broadcast_to(betas, (frames, 10)), global_rotation=np.zeros((frames, 3)),
                  head_pose=np.zeros((frames, 3, 3)), expression=np.zeros((frames, 10)))
    return body.joint_transforms(params)[..., :3, 3], body.vertices(params)


def as_inputs(betas, pose):
    """mannequin pose dict -> smplx-named tensors (float64)."""
    t = lambda value: torch.tensor(np.array(value), dtype=torch.float64)  # noqa: E731
    return {'global_orient': t(pose['pelvis_rotation']), 'body_pose': t(pose['body_pose']),
            'left_hand_pose': t(pose['hand_pose'][..., :15, :]), 'right_hand_pose': t(pose['hand_pose'][..., 15:, :]),
            'transl': t(pose['global_translation']), 'betas': t(betas)}


def test_rest_joints_match_smplx_fixture(model):
    with open(REST_JOINTS_CSV) as handle:
        rows = list(csv.DictReader(line for line in handle if not line.startswith('#')))
    assert [row['name'] for row in rows] == list(BODY_JOINT_NAMES)
    assert [int(row['parent']) for row in rows] == list(BODY_PARENTS)
    expected = torch.tensor([[float(row[axis]) for axis in 'xyz'] for row in rows], dtype=torch.float64)
    joints = model(return_verts=False).joints
    assert (joints - expected).norm(dim=-1).max() < 2e-4


def test_shaped_surface_is_nonlinear_in_betas():
    """The chosen betas exercise the non-linear shape terms: a linear model would give zero here."""
    neutral = mannequin.Mannequin('wooden')._identity['skin_vertices']
    curvature = []
    for betas in random_betas(4, seed=3)[1:]:
        plus = mannequin.Mannequin('wooden', shape=betas)._identity['skin_vertices']
        minus = mannequin.Mannequin('wooden', shape=-betas)._identity['skin_vertices']
        curvature.append(np.abs(plus + minus - 2 * neutral).max())
    assert max(curvature) > 2e-3


@pytest.mark.parametrize('seed', [3, 7])
def test_matches_mannequin_numpy(model, seed):
    """(B, T) batch of 4 body shapes x 3 frames, one call, against mannequin per shape, with +-betas."""
    shapes = random_betas(4, seed)
    shapes = [shapes[0], shapes[1], -shapes[1], shapes[2] if seed == 3 else shapes[3]]
    poses = [random_pose(3, seed * 10 + index) for index in range(len(shapes))]
    inputs = [as_inputs(betas, pose) for betas, pose in zip(shapes, poses)]
    batch = {name: torch.stack([item[name] for item in inputs]) for name in inputs[0]}
    batch['betas'] = batch['betas'][:, None]  # per-sequence betas broadcast over frames
    for min_frames in (8, 1):  # per-frame blending, then one matmul per distinct betas row
        model.shared_surface_min_frames = min_frames
        out = model(**batch)
        assert out.joints.shape == (4, 3, 22, 3) and out.vertices.shape == (4, 3, NUM_VERTICES, 3)
        for index, (betas, pose) in enumerate(zip(shapes, poses)):
            joints, vertices = mannequin_reference(betas, pose)
            assert np.abs(out.full_joints[index].numpy() - joints).max() < JOINT_TOL
            assert np.abs(out.joints[index].numpy() - joints[:, :22]).max() < JOINT_TOL
            assert np.abs(out.vertices[index].numpy() - vertices).max() < VERTEX_TOL
    model.shared_surface_min_frames = 8
    joints_only = model(**batch, return_verts=False)
    assert joints_only.vertices is None and joints_only.full_joints is None
    torch.testing.assert_close(joints_only.joints, out.joints, rtol=0, atol=1e-12)
    torch.testing.assert_close(joints_only.coco17, out.coco17, rtol=0, atol=1e-12)
    torch.testing.assert_close(out.coco17[..., 5:, :], out.joints[..., COCO17_FROM_BODY_JOINTS, :])
    torch.testing.assert_close(out.coco17[..., :5, :], out.vertices[..., model.face_vertex_ids, :])


def test_single_shape_batch_matches_mannequin(model):
    betas = random_betas(2, seed=11)[1]
    pose = random_pose(5, seed=12)
    out = model(**as_inputs(np.broadcast_to(betas, (5, 10)), pose))
    joints, vertices = mannequin_reference(betas, pose)
    assert np.abs(out.full_joints.numpy() - joints).max() < JOINT_TOL
    assert np.abs(out.vertices.numpy() - vertices).max() < VERTEX_TOL


def test_global_orient_rotates_about_pelvis(model):
    pose = torch.as_tensor(random_pose(1, seed=5)['body_pose'])
    betas = torch.as_tensor(random_betas(2, seed=5)[1], dtype=torch.float64)
    transl = torch.tensor([0.3, -0.2, 1.0], dtype=torch.float64)
    rotvec = torch.tensor([0.4, -1.1, 2.0], dtype=torch.float64)
    upright = model(body_pose=pose, betas=betas, transl=transl)
    turned = model(global_orient=rotvec[None], body_pose=pose, betas=betas, transl=transl)
    pelvis = upright.joints[:, :1]
    rotation = roma.rotvec_to_rotmat(rotvec)
    torch.testing.assert_close(turned.joints[:, 0], pelvis[:, 0])
    torch.testing.assert_close(turned.joints, pelvis + (upright.joints - pelvis) @ rotation.T)
    torch.testing.assert_close(turned.vertices, pelvis + (upright.vertices - pelvis) @ rotation.T)
    torch.testing.assert_close(upright.joints[0, 0], model(betas=betas).joints[0] + transl)


def test_leading_dims_and_defaults(model):
    pose = random_pose(6, seed=2)
    inputs = as_inputs(random_betas(2, seed=2)[1], pose)
    inputs['betas'] = inputs['betas'].expand(6, 10)
    flat = model(**inputs, return_verts=False)
    grid = model(**{name: value.reshape(2, 3, *value.shape[1:]) for name, value in inputs.items()},
                 return_verts=False)
    assert grid.joints.shape == (2, 3, 22, 3) and grid.coco17.shape == (2, 3, 17, 3)
    torch.testing.assert_close(grid.joints.reshape(6, 22, 3), flat.joints)
    torch.testing.assert_close(grid.coco17.reshape(6, 17, 3), flat.coco17)
    # flat (..., 63) body pose as in smplx; missing inputs are zeros broadcast to the batch
    flat_pose = model(body_pose=inputs['body_pose'].reshape(6, 63), return_verts=False)
    zeros = {name: torch.zeros_like(value) for name, value in inputs.items() if name != 'body_pose'}
    explicit = model(body_pose=inputs['body_pose'], **zeros, return_verts=False)
    torch.testing.assert_close(flat_pose.joints, explicit.joints)
    assert model(return_verts=False).joints.shape == (22, 3)


def test_face_points_are_placed_like_a_face(model):
    coco = model(return_verts=False).coco17
    nose, left_eye, right_eye, left_ear, right_ear = coco[:5]
    head, neck = model(return_verts=False).joints[[15, 12]]
    torch.testing.assert_close(coco[:5], coco[list(COCO17_FLIP[:5])] * REFLECT_X, rtol=0, atol=1e-4)
    assert left_eye[0] > 0.02 and left_ear[0] > left_eye[0]  # SMPL-X left is +x
    assert nose[2] > left_eye[2] > left_ear[2] and nose[2] > head[2] + 0.08  # the face looks along +z
    assert left_eye[1] > nose[1] > neck[1] and left_eye[1] > left_ear[1] > nose[1] - 0.03


def test_gradients_reach_every_input(model):
    inputs = {name: value.requires_grad_() for name, value in
              as_inputs(random_betas(2, seed=4)[1][None].repeat(2, 0), random_pose(2, seed=4)).items()}
    for return_verts in (True, False):
        out = model(**inputs, return_verts=return_verts)
        target = out.vertices if return_verts else out.coco17
        grads = torch.autograd.grad(target.square().sum() + out.joints.square().sum(), list(inputs.values()),
                                    allow_unused=True)
        for name, grad in zip(inputs, grads):
            if not return_verts and 'hand' in name:  # hands move neither the body joints nor the face
                assert grad is None
                continue
            assert torch.isfinite(grad).all() and grad.abs().sum() > 0, (name, return_verts)


def test_betas_gradient_matches_finite_differences(model):
    """The shaped surface (head fit, foot shift, rigid torso) differentiates like its finite differences."""
    gen = torch.Generator().manual_seed(0)
    pose = as_inputs(np.zeros(10), random_pose(1, seed=9))
    pose.pop('betas')
    projection = torch.randn(NUM_VERTICES, 3, generator=gen, dtype=torch.float64)

    def energy(betas):
        return (model(**pose, betas=betas).vertices * projection).sum()

    betas = torch.as_tensor(random_betas(2, seed=3)[1], dtype=torch.float64)[None].requires_grad_()
    assert torch.autograd.gradcheck(energy, (betas,), eps=1e-6, atol=1e-4, rtol=1e-4)


def test_shared_betas_gradient_is_per_sequence(model):
    """Betas broadcast over frames (stride 0) get the same gradient as an explicit copy per frame."""
    gen = torch.Generator().manual_seed(1)
    betas = (torch.rand(2, 1, 10, generator=gen, dtype=torch.float64) * 4 - 2).requires_grad_()
    copied = betas.detach().repeat(1, 3, 1).requires_grad_()
    pose = torch.randn(2, 3, 21, 3, generator=gen, dtype=torch.float64) * 0.4
    projection = torch.randn(NUM_VERTICES, 3, generator=gen, dtype=torch.float64)
    (model(body_pose=pose, betas=betas).vertices * projection).sum().backward()
    (model(body_pose=pose, betas=copied).vertices * projection).sum().backward()
    torch.testing.assert_close(betas.grad, copied.grad.sum(1, keepdim=True))


@pytest.mark.parametrize('name, value, expected', [
    ('body_pose', torch.zeros(4, 20, 3), '(..., 21, 3)'),
    ('betas', torch.zeros(4, 16), '(..., 10)'),
    ('global_orient', torch.zeros(4, 4), '(..., 3)'),
    ('left_hand_pose', torch.zeros(4, 15, 4), '(..., 15, 3)'),
])
def test_wrong_shapes_name_the_argument(model, name, value, expected):
    with pytest.raises(ValueError) as caught:
        model(**{name: value})
    message = str(caught.value)
    assert name in message and expected in message and str(tuple(value.shape)) in message


def test_wrong_dtype_and_mismatched_batches_are_rejected(model):
    with pytest.raises(ValueError, match='transl.*floating'):
        model(transl=torch.zeros(2, 3, dtype=torch.long))
    with pytest.raises(ValueError, match='global_orient.*body_pose'):
        model(global_orient=torch.zeros(4, 3), body_pose=torch.zeros(5, 21, 3))
    with pytest.raises(ValueError, match='betas'):
        model(betas=np.zeros(10))


def test_dtype_device_faces_and_registry():
    body = BODY_MODELS.build(dict(type='EmbeddedSMPLX'))
    assert isinstance(body, EmbeddedSMPLX) and body.dtype == torch.float32
    out = body(body_pose=torch.zeros(2, 21, 3, dtype=torch.float64))  # inputs are cast to the model dtype
    assert out.vertices.dtype == torch.float32 and out.vertices.shape == (2, NUM_VERTICES, 3)
    assert body.faces.dtype == torch.long and body.faces.shape[1] == 3 and int(body.faces.max()) == NUM_VERTICES - 1
    assert body.to(torch.float64).dtype == torch.float64
    assert body(return_verts=False).joints.dtype == torch.float64


def test_repeated_shapes_reuse_the_face_fit_and_a_new_shape_refits():
    """The one-entry face-point cache (guidance loops pose the same betas again and again) returns what an
    uncached fit gives, and a changed betas row, or betas with gradients, is fitted anew."""
    from unihmr.body import EmbeddedSMPLX
    body = EmbeddedSMPLX()
    torch.manual_seed(0)
    betas = torch.randn(3, 10)
    pose = dict(global_orient=torch.zeros(3, 3), body_pose=0.1 * torch.randn(3, 21, 3), transl=torch.zeros(3, 3))
    first = body(betas=betas, return_verts=False, **pose).coco17
    again = body(betas=betas.clone(), return_verts=False, **pose).coco17  # same values, new tensor: cached
    torch.testing.assert_close(again, first, rtol=0, atol=0)
    other = betas.clone()
    other[0, 0] += 1.0
    moved = body(betas=other, return_verts=False, **pose).coco17
    fresh = EmbeddedSMPLX()(betas=other, return_verts=False, **pose).coco17
    torch.testing.assert_close(moved, fresh, rtol=0, atol=0)
    assert (moved[0, :5] - first[0, :5]).abs().max() > 1e-4  # the face points follow the new shape
    with_grad = betas.clone().requires_grad_(True)
    body(betas=with_grad, return_verts=False, **pose).coco17.sum().backward()
    assert with_grad.grad is not None and with_grad.grad.abs().sum() > 0
