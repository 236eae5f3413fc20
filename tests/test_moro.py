"""MoRo (unihmr/models/heads/moro*.py, codecs/moro.py, backbones/dual_stream.py, token_smoother.py): masks,
trajectory, networks and the head's method-defining behaviours, each against a hand-built case or a property."""
import math

import pytest
import torch

from unihmr.codecs.moro import (MoRoCodec, box_trajectory, canonical_trajectory, canonical_valid, noise_level,
                                trajectory_noise, trajectory_of)
from unihmr.geometry.camera import weak_perspective_to_transl
from unihmr.geometry.rotations import axis_angle_to_matrix, rot6d_to_matrix
from unihmr.geometry.trajectory import uncanonicalize_trajectory
from unihmr.models.backbones import DualStreamTransformer, TokenSmoother
from unihmr.models.heads.moro_losses import gumbel_temperature, gumbel_vectors, masked_cross_entropy
from unihmr.models.heads.moro_masking import bert_corrupt, confidence_guided_mask, draw_mask, lowest
from unihmr.models.windowing import Windowing


# ------------------------------------------------------------------------------------------------ masks
def test_mask_schemes_have_their_shape():
    generator = torch.Generator().manual_seed(0)
    joint = draw_mask(4, 10, 6, 'joint', generator)
    assert torch.equal(joint, joint[:, :1].expand_as(joint))  # the same tokens in every frame
    frame = draw_mask(4, 10, 6, 'frame', generator)
    assert torch.equal(frame, frame[..., :1].expand_as(frame))  # whole frames
    for row in frame[..., 0]:
        hidden = row.nonzero().flatten()
        assert hidden.numel() >= 1 and torch.equal(hidden, torch.arange(hidden[0], hidden[-1] + 1))  # one span
    assert draw_mask(2, 3, 4, 'all').all()
    with pytest.raises(ValueError, match='mask scheme'):
        draw_mask(1, 2, 3, 'columns')


def test_lowest_hides_the_ceiling_of_the_fraction():
    scores = torch.tensor([[0.5, 0.1, 0.9, 0.3]])
    assert lowest(scores, torch.tensor([0.5])).tolist() == [[False, True, False, True]]
    assert lowest(scores, torch.tensor([0.0])).sum() == 1  # at least one


def test_bert_corruption_swaps_about_a_tenth_and_hides_the_rest():
    ids = torch.zeros(200, 50, dtype=torch.long)
    masked = torch.rand(200, 50, generator=torch.Generator().manual_seed(0)) < 0.5
    inputs, hidden = bert_corrupt(ids, masked, num_codes=512, generator=torch.Generator().manual_seed(1))
    swapped = masked & ~hidden
    assert not (hidden & ~masked).any() and torch.equal(inputs[~masked], ids[~masked])
    assert abs(swapped.sum().item() / masked.sum().item() - 0.1) < 0.02


def test_confidence_guided_mask_hides_the_least_confident():
    logits = torch.tensor([[[5.0, 0.0], [0.1, 0.0], [2.0, 0.0], [0.0, 0.0]]])  # confidences: high, low, mid, lowest
    assert confidence_guided_mask(logits, torch.tensor([0.5])).tolist() == [[False, True, False, True]]


def test_cross_entropy_counts_masked_positions_only():
    logits = torch.tensor([[[10.0, 0.0], [0.0, 10.0]]])
    ids = torch.tensor([[1, 1]])  # the first is badly wrong, the second right
    assert masked_cross_entropy(logits, ids, torch.tensor([[False, True]])) < 1e-3
    assert masked_cross_entropy(logits, ids, torch.tensor([[True, False]])) > 9


def test_gumbel_vectors_keep_given_tokens_and_pass_gradients():
    torch.manual_seed(0)
    codebook = torch.randn(5, 3)
    logits = torch.randn(2, 4, 5, requires_grad=True)
    given = torch.randn(2, 4, 3)
    masked = torch.tensor([[True, False, True, False], [False, False, True, True]])
    vectors = gumbel_vectors(logits, codebook, 0.5, given, masked)
    assert torch.equal(vectors[~masked], given[~masked])
    assert (torch.cdist(vectors[masked], codebook).min(-1).values < 1e-5).all()  # hard: one code each
    vectors.sum().backward()
    assert logits.grad[masked].abs().sum() > 0 and logits.grad[~masked].abs().sum() == 0


def test_gumbel_temperature_is_cosine_annealed():
    assert gumbel_temperature(0.0) == pytest.approx(1.0) and gumbel_temperature(1.0) == pytest.approx(0.01)
    assert gumbel_temperature(0.5) == pytest.approx(0.505)


# ------------------------------------------------------------------------------------------- trajectory
def _trajectory(frames=6, seed=0):
    generator = torch.Generator().manual_seed(seed)
    orient = torch.randn(1, frames, 3, generator=generator)
    pelvis = torch.randn(1, frames, 3, generator=generator)
    return orient, pelvis, trajectory_of(orient, pelvis)


def test_canonical_trajectory_rolls_back_out_and_repeats_the_last_step():
    orient, pelvis, trajectory = _trajectory()
    canonical = canonical_trajectory(trajectory)
    assert torch.allclose(canonical[:, -1], canonical[:, -2])
    R, position = uncanonicalize_trajectory(rot6d_to_matrix(canonical[:, :-1, :6]), canonical[:, :-1, 6:],
                                            axis_angle_to_matrix(orient[:, 0]), pelvis[:, 0])
    assert torch.allclose(R, axis_angle_to_matrix(orient), atol=1e-5) and torch.allclose(position, pelvis, atol=1e-5)


def test_padding_never_reaches_a_valid_canonical_step():
    _, _, trajectory = _trajectory()
    valid = torch.tensor([[True, True, True, True, False, False]])
    garbage = trajectory.clone()
    garbage[:, 4:] += 100.0
    clean, moved = canonical_trajectory(trajectory, valid), canonical_trajectory(garbage, valid)
    assert torch.allclose(clean[:, :4], moved[:, :4])
    assert torch.allclose(clean[:, 3], clean[:, 2])  # the step into padding repeats the one before
    assert canonical_valid(valid).tolist() == [[True, True, True, False, False, False]]


def test_trajectory_noise_schedule_and_size():
    assert noise_level(0.1) == (0.0, 0.0) and noise_level(0.45) == (1.0, 0.01) and noise_level(0.9) == (2.0, 0.03)
    _, _, trajectory = _trajectory(frames=4000)
    noisy = trajectory_noise(trajectory, 2.0, 0.03, torch.Generator().manual_seed(0))
    shift = (noisy[..., 6:] - trajectory[..., 6:]).std()
    R, R_noisy = rot6d_to_matrix(trajectory[..., :6]), rot6d_to_matrix(noisy[..., :6])
    angle = torch.arccos(((R.transpose(-1, -2) @ R_noisy).diagonal(dim1=-2, dim2=-1).sum(-1) - 1) / 2)
    assert abs(shift - 0.03) < 0.003
    assert abs(math.degrees(angle.mean()) - 2.0 * math.sqrt(8 / math.pi)) < 0.3  # mean of a 3D Gaussian's norm


def test_box_trajectory_is_the_cliff_transform():
    box_out = torch.tensor([[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, math.log(1.3), 0.05, -0.02]])
    bbox, K = torch.tensor([[320.0, 200.0, 180.0]]), torch.tensor([[[1000.0, 0, 300], [0, 1000.0, 250], [0, 0, 1]]])
    expected = weak_perspective_to_transl(torch.tensor([[1.3, 0.05, -0.02]]), bbox, K)
    assert torch.allclose(box_trajectory(box_out, bbox, K)[:, 6:], expected)


def test_windows_join_at_mid_overlap():
    windowing = Windowing(window=6, overlap=2)
    spans = windowing.spans(10)  # (0, 6), (4, 10)
    parts = [torch.full((1, 6), float(index)) for index in range(len(spans))]
    assert windowing.join(parts, spans, 10).tolist() == [[0, 0, 0, 0, 0, 1, 1, 1, 1, 1]]


# --------------------------------------------------------------------------------------------- networks
def test_dual_stream_band_and_padding():
    """One layer: a frame more than ``window`` away has no influence; padding frames never do."""
    torch.manual_seed(0)
    network = DualStreamTransformer(width=16, depth=1, heads=2, window=3).eval()
    x = torch.randn(1, 10, 4, 16)
    moved = x.clone()
    moved[:, 0] += 5.0 * torch.randn(4, 16)  # not a constant: the pre-norm would remove it
    with torch.no_grad():
        out, out_moved = network(x), network(moved)
    assert torch.allclose(out[:, 4:], out_moved[:, 4:], atol=1e-5) and not torch.allclose(out[:, 1], out_moved[:, 1])
    valid = torch.ones(1, 10, dtype=torch.bool)
    valid[:, 8:] = False
    padded = x.clone()
    padded[:, 8:] = 99.0 * torch.randn(2, 4, 16)
    with torch.no_grad():
        assert torch.allclose(network(x, valid)[:, :8], network(padded, valid)[:, :8], atol=1e-5)


def test_smoother_starts_near_identity_and_smooths():
    torch.manual_seed(0)
    conv = TokenSmoother(dim=3, kind='conv')
    x = torch.randn(2, 12, 5, 3)
    expected = x + 0.1 * conv.net(x.permute(0, 2, 3, 1).reshape(10, 3, 12)).view(2, 5, 3, 12).permute(0, 3, 1, 2)
    assert torch.allclose(conv(x), expected, atol=1e-6) and float(conv.gate.detach()) == pytest.approx(0.1)
    mlp = TokenSmoother(dim=3, kind='mlp', kernel=3)
    changed = x.clone()
    changed[:, 6] += 1.0
    effect = (mlp(changed) - mlp(x)).abs().sum(dim=(0, 2, 3))
    assert (effect[[5, 6, 7]] > 0).all() and (effect[[0, 1, 2, 3, 9, 10, 11]] == 0).all()  # a 3-frame neighbourhood


def test_codec_fits_trajectory_statistics():
    codec = MoRoCodec()
    _, pelvis, trajectory = _trajectory(frames=30)
    orient = _trajectory(frames=30)[0]
    batch = dict(smpl_params=dict(global_orient_c=orient), joints_c=torch.cat([pelvis[..., None, :]] * 22, dim=-2),
                 valid=torch.ones(1, 30, dtype=torch.bool))
    codec.compute_stats([batch])
    x = codec.encode(batch)
    assert torch.allclose(x.mean((0, 1)), torch.zeros(18), atol=1e-4)
    assert torch.allclose(codec.field_denormalize('traj_cam', x[..., 9:]), trajectory, atol=1e-4)
