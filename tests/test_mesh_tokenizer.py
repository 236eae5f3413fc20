"""MoRo's mesh tokenizer (unihmr/models/tokenizers/): the pooling hierarchy, the spatially varying convolution, the
quantizers and the tokenizer stage."""
import math

import pytest
import torch

from unihmr.body.embedded import EmbeddedSMPLX
from unihmr.models.tokenizers import MeshVQVAE, RegionConv, TokenQuantizer, body_hierarchy, codebook_usage
from unihmr.models.tokenizers.mesh_hierarchy import farthest_point_sample, tree_hops


@pytest.fixture(scope='module')
def body():
    return EmbeddedSMPLX()


@pytest.fixture(scope='module')
def hierarchy(body):
    return body_hierarchy(body)


def test_farthest_point_sample_spreads_points():
    points = torch.tensor([[0.0, 0, 0], [0.1, 0, 0], [1.0, 0, 0], [0.5, 0, 0], [0.9, 0, 0]])
    assert farthest_point_sample(points, 3).tolist() == [0, 2, 3]  # start, farthest, then the middle


def test_tree_hops_counts_edges():
    parents = [0, 0, 1, 1, 0]  # 0 - 1 - {2, 3}; 0 - 4
    hops = tree_hops(parents)
    assert hops[2, 3] == 2 and hops[2, 4] == 3 and hops[0, 0] == 0 and torch.equal(hops, hops.T)


def test_hierarchy_is_nested_and_sized(hierarchy, body):
    assert [len(rest) for rest in hierarchy.rest] == [512, 192, 87]
    assert hierarchy.vertex_ids.unique().numel() == 512 and int(hierarchy.vertex_ids.max()) < body.num_vertices
    for fine, coarse in zip(hierarchy.rest[:-1], hierarchy.rest[1:]):  # every centre is a point of the level below
        assert torch.cdist(coarse, fine).min(1).values.max() < 1e-3  # cdist rounding
    assert hierarchy.down[0].shape == (192, 8) and hierarchy.up[0].shape == (512, 4)


GROUPS = dict(left_leg={4, 7, 10}, right_leg={5, 8, 11}, left_arm={18, 20}, right_arm={19, 21},
              torso={0, 3, 6, 9, 12, 15})
APART = [{'left_leg', 'right_leg'}, {'left_arm', 'torso'}, {'right_arm', 'torso'}, {'left_arm', 'left_leg'},
         {'right_arm', 'right_leg'}]


def test_regions_follow_the_skeleton(hierarchy):
    """No link the convolutions use joins the two legs, or an arm (elbow, wrist, hand) and the torso or a leg:
    with plain Euclidean neighbours the coarse levels join the legs (the rest pose holds them ~10 cm apart)."""
    def group(part):
        return next((name for name, joints in GROUPS.items() if int(part) in joints), None)
    parts = hierarchy.parts
    links = [(hierarchy.same[0], 0, 0)] + [(hierarchy.down[i], i + 1, i) for i in range(2)] + [
        (hierarchy.up[i], i, i + 1) for i in range(2)]
    for neighbours, query, point in links:
        for row, found in enumerate(neighbours):
            for index in found:
                assert {group(parts[query][row]), group(parts[point][index])} not in APART


def test_region_conv_matches_the_formula():
    torch.manual_seed(0)
    neighbours = torch.tensor([[0, 1], [2, 0], [1, 1]])
    conv = RegionConv(neighbours, in_channels=2, out_channels=3, num_basis=2)
    x = torch.randn(4, 3, 2)
    expected = torch.zeros(4, 3, 3)
    for n in range(3):
        for k in range(2):
            for m in range(2):
                expected[:, n] += conv.coefficients[n, k, m] * (x[:, neighbours[n, k]] @ conv.basis[m])
    assert torch.allclose(conv(x), expected + conv.bias, atol=1e-5)


def test_vq_ids_are_the_nearest_codes_and_lookup_returns_them():
    torch.manual_seed(0)
    quantizer = TokenQuantizer(dim=9, kind='vq', codebook_size=16).eval()
    z = torch.randn(5, 87, 9)
    quantized, ids, loss = quantizer(z)
    codebook = quantizer.codebook()
    assert codebook.shape == (16, 9)
    assert torch.equal(ids, torch.cdist(z, codebook[None].expand(5, -1, -1)).argmin(-1))
    assert torch.allclose(quantizer.lookup(ids), quantized, atol=1e-6) and loss.ndim == 0
    with pytest.raises(ValueError, match='token ids must be in 0..15'):
        quantizer.lookup(torch.tensor([16]))


def test_fsq_has_512_distinct_codes_and_lookup_matches_its_output():
    torch.manual_seed(0)
    quantizer = TokenQuantizer(dim=9, kind='fsq', levels=(8, 8, 8))
    codebook = quantizer.codebook()
    assert quantizer.num_codes == 512 == math.prod((8, 8, 8)) and codebook.shape == (512, 9)
    assert codebook.unique(dim=0).shape[0] == 512
    quantized, ids, loss = quantizer(torch.randn(4, 87, 9))
    assert torch.allclose(quantizer.lookup(ids), quantized, atol=1e-5) and loss == 0


def test_codebook_usage_by_hand():
    usage = codebook_usage(torch.tensor([0, 0, 1, 1]), num_codes=4)
    assert usage == dict(perplexity=pytest.approx(2.0), used=2, dead=2)


def test_tokenizer_shapes_and_local_mesh(body, hierarchy):
    torch.manual_seed(0)
    tokenizer = MeshVQVAE(body)
    pose, betas = torch.randn(2, 3, 21, 3) * 0.2, torch.randn(2, 1, 10)
    mesh = tokenizer.local_mesh(pose, betas)
    full = body(body_pose=pose, betas=betas)
    assert torch.allclose(mesh, full.vertices[..., hierarchy.vertex_ids, :] - full.joints[..., :1, :], atol=1e-6)
    out = tokenizer(mesh.flatten(0, 1))
    assert out['vertices'].shape == (6, 512, 3) and out['ids'].shape == (6, 87)
    assert int(out['ids'].max()) < tokenizer.num_codes
    (out['vertices'].sum() + out['loss_codebook']).backward()
    assert tokenizer.encoder[0].basis.grad is not None  # the straight-through estimator reaches the encoder


def test_sample_frames_draws_only_valid_frames():
    from unihmr.models.heads.pose_tokenizer import sample_frames
    valid = torch.tensor([[True, False, True, False], [False, False, False, True]])
    rows = sample_frames(valid, 50, torch.Generator().manual_seed(0))
    assert set(rows[0].tolist()) == {0, 2} and set(rows[1].tolist()) == {3}


def test_tokenizer_stage_trains_and_round_trips(body):
    """The stage's loss reaches the tokenizer; its prediction keeps the ground-truth root and fits the pose."""
    from unihmr.models.heads.pose_tokenizer import PoseTokenizerHead
    torch.manual_seed(0)
    head = PoseTokenizerHead(frames_per_window=4, fit=dict(iters=2), body_model=body)
    frames = 5
    params = dict(body_pose=torch.randn(2, frames, 21, 3) * 0.2, betas=torch.randn(2, 1, 10).expand(2, frames, 10),
                  global_orient_c=torch.randn(2, frames, 3), transl_c=torch.randn(2, frames, 3),
                  global_orient_w=torch.randn(2, frames, 3), transl_w=torch.randn(2, frames, 3))
    batch = dict(smpl_params=params, valid=torch.ones(2, frames, dtype=torch.bool))
    losses = head.loss(None, batch)
    sum(losses.values()).backward()
    assert set(losses) == {'loss_vertex', 'loss_codebook'} and head.tokenizer.to_vertices.weight.grad.abs().sum() > 0
    estimate = head.predict(None, batch)
    assert torch.equal(estimate.transl_w, params['transl_w']) and torch.equal(estimate.global_orient_c,
                                                                              params['global_orient_c'])
    assert estimate.body_pose.shape == (2, frames, 21, 3) and torch.isfinite(estimate.body_pose).all()
