"""RoPETransformer: shapes, relative positions, padding masking, blocked band attention == dense, gradients."""
import pytest
import torch

from unihmr.models.backbones import RoPETransformer, band_mask, blocked_band_attention
from unihmr.registry import BACKBONES

WIDTH, HEADS = 32, 4


def make(window=None, seed=0, **kwargs):
    torch.manual_seed(seed)
    return RoPETransformer(WIDTH, depth=2, heads=HEADS, window=window, **kwargs).eval()


@pytest.mark.parametrize('num_frames', [1, 7, 64])
@pytest.mark.parametrize('window', [None, 4])
def test_output_shape(num_frames, window):
    out = make(window)(torch.randn(3, num_frames, WIDTH), torch.ones(3, num_frames, dtype=torch.bool))
    assert out.shape == (3, num_frames, WIDTH)
    assert torch.isfinite(out).all()


def test_built_from_registry():
    model = BACKBONES.build(dict(type='RoPETransformer', width=WIDTH, depth=1, heads=HEADS, window=8))
    assert isinstance(model, RoPETransformer) and model.window == 8


@pytest.mark.parametrize('window', [None, 3])
def test_time_shift_with_masked_padding_in_front_leaves_real_frames_unchanged(window):
    # RoPE makes attention depend on relative positions only: prepending masked padding frames shifts
    # every absolute position but no relative one between real frames.
    model, pad = make(window), 5
    x = torch.randn(2, 20, WIDTH)
    shifted = torch.cat([torch.randn(2, pad, WIDTH), x], dim=1)
    valid = torch.ones(2, 20 + pad, dtype=torch.bool)
    valid[:, :pad] = False
    with torch.no_grad():
        torch.testing.assert_close(model(shifted, valid)[:, pad:], model(x), atol=1e-5, rtol=1e-5)


def test_absolute_positions_are_not_seen_without_padding():
    # Sanity for the test above: without the mask, the padding frames do change the real outputs.
    model, pad = make(), 5
    x = torch.randn(1, 20, WIDTH)
    shifted = torch.cat([torch.randn(1, pad, WIDTH), x], dim=1)
    with torch.no_grad():
        assert (model(shifted)[:, pad:] - model(x)).abs().max() > 1e-3


@pytest.mark.parametrize('window', [None, 3])
def test_padding_frames_do_not_influence_real_frames(window):
    model = make(window, block=4)
    x = torch.randn(2, 30, WIDTH)
    valid = torch.rand(2, 30) > 0.4
    changed = torch.where(valid[..., None], x, torch.randn_like(x) * 10)
    with torch.no_grad():
        a, b = model(x, valid), model(changed, valid)
    torch.testing.assert_close(a[valid], b[valid], atol=1e-5, rtol=1e-5)
    assert torch.isfinite(b).all()


@pytest.mark.parametrize('num_frames, window, block', [(1, 2, 2), (10, 2, 3), (37, 5, 8), (64, 4, 16), (50, 7, 7)])
def test_blocked_band_attention_equals_dense_band_mask(num_frames, window, block):
    torch.manual_seed(num_frames)
    q, k, v = (torch.randn(2, HEADS, num_frames, 8) for _ in range(3))
    key_valid = torch.rand(2, num_frames) > 0.3
    dense = torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=band_mask(key_valid, window))
    blocked = blocked_band_attention(q, k, v, key_valid, window, block)
    torch.testing.assert_close(blocked, dense, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize('num_frames', [23, 40, 61])
def test_blocked_model_equals_dense_model(num_frames):
    blocked, dense = make(window=3, block=5), make(window=3, blocked=False)
    dense.load_state_dict(blocked.state_dict())
    x, valid = torch.randn(2, num_frames, WIDTH), torch.rand(2, num_frames) > 0.2
    with torch.no_grad():
        torch.testing.assert_close(blocked(x, valid), dense(x, valid), atol=1e-5, rtol=1e-5)


def test_window_limits_the_receptive_field():
    # Two layers of window 2 see at most 4 frames away: changing frame 0 leaves frames >= 5 unchanged.
    model = make(window=2, block=2)
    x = torch.randn(1, 30, WIDTH)
    changed = x.clone()
    changed[:, 0] = torch.randn(WIDTH) * 3
    with torch.no_grad():
        a, b = model(x), model(changed)
    torch.testing.assert_close(a[:, 5:], b[:, 5:], atol=1e-5, rtol=1e-5)
    assert (a[:, 4] - b[:, 4]).abs().max() > 1e-4


def test_gradient_flows_to_every_parameter():
    model = make(window=3, block=4).train()
    x = torch.randn(2, 25, WIDTH, requires_grad=True)
    model(x, torch.rand(2, 25) > 0.2).square().mean().backward()
    assert x.grad is not None and x.grad.abs().sum() > 0
    for name, param in model.named_parameters():
        if param.requires_grad:
            assert param.grad is not None and torch.isfinite(param.grad).all(), name


def test_bad_shapes_are_reported():
    with pytest.raises(ValueError, match='x'):
        make()(torch.randn(2, 5, WIDTH + 1))
    with pytest.raises(ValueError, match='valid'):
        make()(torch.randn(2, 5, WIDTH), torch.ones(2, 4, dtype=torch.bool))
