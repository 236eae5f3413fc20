"""ConditionEncoder: shapes, zero-initialised output, per-modality contributions, drop, missing keypoints, padding."""
import pytest
import torch

from unihmr.models.encoders import MODALITIES, ConditionEncoder
from unihmr.registry import ENCODERS

WIDTH, FEAT = 16, 12


def make_batch(batch=2, num_frames=6, seed=0):
    gen = torch.Generator().manual_seed(seed)
    K = torch.tensor([[1000.0, 0.0, 480.0], [0.0, 1000.0, 270.0], [0.0, 0.0, 1.0]]).expand(batch, num_frames, 3, 3)
    kp2d = torch.rand(batch, num_frames, 17, 3, generator=gen) * torch.tensor([960.0, 540.0, 1.0])
    kp2d[..., 2] = 0.5 + 0.5 * kp2d[..., 2]  # all confident
    axis = torch.randn(batch, num_frames, 3, generator=gen) * 0.3
    R_w2c = torch.linalg.matrix_exp(torch.cross(axis[..., None, :].expand(*axis.shape, 3),
                                                torch.eye(3).expand(batch, num_frames, 3, 3), dim=-1))
    return {'kp2d': kp2d, 'bbox': torch.rand(batch, num_frames, 3, generator=gen) * 300 + 50, 'K': K.clone(),
            'R_w2c': R_w2c, 'img_feat': torch.randn(batch, num_frames, FEAT, generator=gen),
            'valid': torch.ones(batch, num_frames, dtype=torch.bool)}


def perturbed(seed=0, **kwargs):
    """An encoder whose zero-initialised last layers got random weights."""
    torch.manual_seed(seed)
    encoder = ConditionEncoder(width=WIDTH, feat_dim=FEAT, num_freqs=4, **kwargs)
    with torch.no_grad():
        for mlp in encoder.mlps.values():
            mlp[-1].weight.normal_()
            mlp[-1].bias.normal_()
    return encoder


@pytest.mark.parametrize('num_frames', [1, 5, 33])
def test_fresh_encoder_outputs_zeros_of_the_right_shape(num_frames):
    encoder = ENCODERS.build(dict(type='ConditionEncoder', width=WIDTH, feat_dim=FEAT))
    out = encoder(make_batch(num_frames=num_frames))
    assert out.shape == (2, num_frames, WIDTH)
    assert torch.equal(out, torch.zeros_like(out))
    assert encoder.modalities == MODALITIES


def test_each_modality_changes_the_output_and_drop_removes_exactly_it():
    encoder, batch = perturbed(), make_batch()
    full = encoder(batch)
    inputs = encoder.embed_inputs(batch)
    for name in MODALITIES:
        dropped = encoder(batch, drop=[name])
        contribution = encoder.mlps[name](inputs[name])
        assert contribution.abs().max() > 1e-3, name
        torch.testing.assert_close(full - dropped, contribution, atol=1e-5, rtol=1e-5)
    assert torch.equal(encoder(batch, drop=MODALITIES), torch.zeros_like(full))


def test_per_sample_drop_mask():
    encoder, batch = perturbed(), make_batch()
    mixed = encoder(batch, drop={'img_feat': torch.tensor([True, False])})
    torch.testing.assert_close(mixed[0], encoder(batch, drop=['img_feat'])[0])
    torch.testing.assert_close(mixed[1], encoder(batch)[1])


def test_unknown_names_are_rejected():
    encoder = perturbed(modalities=('kp_rays', 'bbox'))
    assert encoder.modalities == ('kp_rays', 'bbox')
    with pytest.raises(ValueError, match=r"\['img_feat', 'nope'\].*allowed.*kp_rays"):
        encoder(make_batch(), drop=['img_feat', 'nope'])
    with pytest.raises(ValueError, match='nope'):
        ConditionEncoder(width=WIDTH, feat_dim=FEAT, modalities=('nope',))


def test_low_confidence_keypoints_use_the_learned_token():
    encoder, batch = perturbed(modalities=('kp_rays',)), make_batch()
    batch['kp2d'][:, :, 3:9, 2] = 0.1  # below the 0.3 threshold
    moved = {**batch, 'kp2d': batch['kp2d'].clone()}
    moved['kp2d'][:, :, 3:9, :2] += 123.0
    torch.testing.assert_close(encoder(moved), encoder(batch))
    moved['kp2d'][:, :, 0, :2] += 123.0  # a confident keypoint does matter
    assert (encoder(moved) - encoder(batch)).abs().max() > 1e-4


def test_padding_frames_do_not_produce_nan():
    encoder, batch = perturbed(modalities=MODALITIES + ("kp_box",)), make_batch(num_frames=8)
    batch['valid'][:, 5:] = False
    for key in ('kp2d', 'bbox', 'K', 'R_w2c', 'img_feat'):
        batch[key][:, 5:] = 0.0  # padding: all zeros, including K and R_w2c
    out = encoder(batch)
    assert torch.isfinite(out).all()
    out.sum().backward()
    assert all(torch.isfinite(p.grad).all() for p in encoder.parameters() if p.grad is not None)


def test_kp_box_is_the_keypoints_in_box_coordinates():
    """kp_box input = sin/cos features of (uv - box centre) / (side / 2), by hand; moving and scaling the person
    in the image (keypoints and box together) leaves it unchanged, and the ray input does change."""
    from unihmr.models.encoders import sinusoidal_features
    encoder, batch = perturbed(modalities=('kp_rays', 'kp_box')), make_batch()
    inputs = encoder.embed_inputs(batch)
    bbox, uv = batch['bbox'], batch['kp2d'][..., :2]
    by_hand = (uv - bbox[..., None, :2]) / (bbox[..., None, 2:] / 2)
    torch.testing.assert_close(inputs['kp_box'], sinusoidal_features(by_hand, encoder.box_freqs).flatten(-2))
    moved = {**batch, 'kp2d': batch['kp2d'].clone(), 'bbox': batch['bbox'].clone()}
    moved['kp2d'][..., :2] = 1.7 * uv + torch.tensor([40.0, -25.0])
    moved['bbox'][..., :2] = 1.7 * bbox[..., :2] + torch.tensor([40.0, -25.0])
    moved['bbox'][..., 2] = 1.7 * bbox[..., 2]
    moved_inputs = encoder.embed_inputs(moved)
    torch.testing.assert_close(moved_inputs['kp_box'], inputs['kp_box'], atol=1e-4, rtol=1e-4)
    assert (moved_inputs['kp_rays'] - inputs['kp_rays']).abs().max() > 1e-2


def test_kp_box_uses_its_missing_token_and_is_not_a_default_modality():
    assert 'kp_box' not in MODALITIES and 'kp_box' not in ConditionEncoder(width=WIDTH, feat_dim=FEAT).modalities
    encoder, batch = perturbed(modalities=('kp_box',)), make_batch()
    batch['kp2d'][:, :, 3:9, 2] = 0.1
    moved = {**batch, 'kp2d': batch['kp2d'].clone()}
    moved['kp2d'][:, :, 3:9, :2] += 123.0
    torch.testing.assert_close(encoder(moved), encoder(batch))
    low = encoder.embed_inputs(batch)['kp_box'].unflatten(-1, (17, -1))[:, :, 3:9]
    torch.testing.assert_close(low, encoder.missing_box_kp_token[3:9].expand_as(low))
