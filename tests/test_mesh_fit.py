"""SMPL-X parameters back from a decimated local mesh (unihmr/body/mesh_fit.py) and the body model's vertex subset."""
import pytest
import roma
import torch

from unihmr.body.base import body_part_weights
from unihmr.body.embedded import EmbeddedSMPLX
from unihmr.body.mesh_fit import fit_to_mesh, local_mesh, part_alignment_pose
from unihmr.models.tokenizers import body_hierarchy


@pytest.fixture(scope='module')
def body():
    return EmbeddedSMPLX()


@pytest.fixture(scope='module')
def ids(body):
    return body_hierarchy(body).vertex_ids


def test_vertex_subset_equals_the_full_mesh_rows(body):
    torch.manual_seed(0)
    args = dict(body_pose=torch.randn(2, 3, 21, 3) * 0.3, betas=torch.randn(2, 1, 10),
                global_orient=torch.randn(2, 3, 3), transl=torch.randn(2, 3, 3))
    chosen = torch.tensor([3, 9000, 24000, 17])
    full, part = body(**args), body(**args, vertex_ids=chosen)
    assert torch.allclose(part.vertices, full.vertices[..., chosen, :], atol=1e-6)
    assert torch.allclose(part.coco17, full.coco17) and torch.allclose(part.joints, full.joints)


def test_folded_skin_weights_sum_to_one_and_hands_go_to_the_wrists(body):
    weights = torch.tensor([[0.2, 0.3, 0.5]])  # joints 0, 1, 2 where 2 is a child of 1 beyond the body set
    assert torch.allclose(body_part_weights(weights, parents=[-1, 0, 1], num_body=2), torch.tensor([[0.2, 0.8]]))
    folded = body.skin_weights(torch.arange(body.num_vertices))
    assert torch.allclose(folded.sum(-1), torch.ones(body.num_vertices), atol=1e-5)
    assert folded[:, 20].sum() > 100 and folded[:, 21].sum() > 100  # the hands' vertices count for the wrists


def test_part_alignment_of_the_rest_mesh_is_the_rest_pose(body, ids):
    rest = local_mesh(body, torch.zeros(21, 3), torch.zeros(10), ids)
    assert part_alignment_pose(body, rest[None], ids).abs().max() < 1e-3


def _moderate_poses(count, seed):
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(1, count, 21, 3, generator=generator) * 0.25, torch.randn(1, 1, 10, generator=generator) * 0.5


def test_fit_recovers_the_joints_of_a_posed_mesh(body, ids):
    """From the mesh alone, 20 iterations bring the pelvis-relative joints within 1 cm; the closed-form start
    alone is worse (the iterations matter)."""
    pose, betas = _moderate_poses(8, seed=1)
    target = local_mesh(body, pose, betas, ids)
    truth = body(body_pose=pose, betas=betas).joints

    def joint_error(fit):
        joints = body(body_pose=fit['body_pose'], betas=fit['betas']).joints
        return ((joints - joints[..., :1, :]) - (truth - truth[..., :1, :])).norm(dim=-1).mean()
    start, fitted = fit_to_mesh(body, target, ids, iters=0), fit_to_mesh(body, target, ids, iters=20)
    assert joint_error(fitted) < 0.01 < joint_error(start)
    assert fitted['vertex_error'].mean() < start['vertex_error'].mean()
    assert fitted['betas'].shape == (1, 8, 10) and torch.equal(fitted['betas'][:, 0], fitted['betas'][:, -1])


def test_padding_frames_do_not_move_the_shape(body, ids):
    pose, betas = _moderate_poses(4, seed=2)
    target = local_mesh(body, pose, betas, ids)
    valid = torch.tensor([[True, True, False, False]])
    garbage = target.clone()
    garbage[:, 2:] = target[:, 2:] * 3  # a giant in the padding
    clean = fit_to_mesh(body, target[:, :2], ids, iters=5)
    padded = fit_to_mesh(body, garbage, ids, valid=valid, iters=5)
    assert torch.allclose(clean['betas'][:, 0], padded['betas'][:, 0], atol=1e-4)
    angle = roma.rotmat_geodesic_distance(roma.rotvec_to_rotmat(clean['body_pose']),
                                          roma.rotvec_to_rotmat(padded['body_pose'][:, :2]))
    assert angle.max() < 1e-3
