"""DDIM inversion / sampling with the diffusers schedulers (ScoreHMR section 4.1) and the ResMLP denoiser
(section 4.2): round trip within 1e-3 per dimension, guidance moves samples downhill, shapes and checks."""
import pytest
import torch

from unihmr.models.samplers import DDIMLoop, Guidance
from unihmr.registry import BACKBONES


@pytest.fixture(scope='module')
def denoiser():
    torch.manual_seed(0)
    net = BACKBONES.build(dict(type='ResMLPDenoiser', in_dim=12, cond_dim=4, width=32, hidden=64, num_blocks=3))
    torch.nn.init.normal_(net.out[-1].weight, std=0.05)  # a non-trivial noise prediction
    for block in net.blocks:
        torch.nn.init.normal_(block.time_mlp[-1].weight, std=0.05)
    return net.eval()


def _eps_fn(net, cond):
    return lambda x, t: net(x, torch.full(x.shape[:-1], t), cond)


def test_inversion_then_unguided_sampling_returns_the_input(denoiser):
    cond = torch.randn(64, 4)
    x0 = 0.5 * torch.randn(64, 12)
    loop = DDIMLoop(tau=50, step=2)
    assert loop.invert_times[0] == 0 and loop.invert_times[-1] == 50 and loop.sample_times == loop.invert_times[::-1]
    latent = loop.invert(_eps_fn(denoiser, cond), x0)
    assert (latent - x0).abs().mean() > 1e-2  # the latent is really noisier
    back = loop.sample(_eps_fn(denoiser, cond), latent)
    assert float((back - x0).abs().mean()) < 1e-3  # ScoreHMR: < 1e-3 per dimension


def test_guidance_pulls_the_sample_toward_a_target(denoiser):
    cond = torch.randn(8, 4)
    x0 = torch.zeros(8, 12)
    target = torch.ones(8, 12)
    loop = DDIMLoop(tau=100, step=10)
    latent = loop.invert(_eps_fn(denoiser, cond), x0)
    plain = loop.sample(_eps_fn(denoiser, cond), latent)
    guided = loop.sample(_eps_fn(denoiser, cond), latent,
                         Guidance(energy=lambda x0_hat, t: (x0_hat - target).square().sum(-1), scale=0.5))
    assert (guided - target).norm() < (plain - target).norm() - 0.1


def test_denoiser_handles_frames_and_names_bad_shapes(denoiser):
    x = torch.randn(2, 5, 12)
    out = denoiser(x, torch.randint(0, 1000, (2, 5)), torch.randn(2, 5, 4))
    assert out.shape == (2, 5, 12)
    single = denoiser(x[:1, :1], torch.tensor([[7]]), torch.zeros(1, 1, 4))
    batched = denoiser(x[:1], torch.full((1, 5), 7), torch.zeros(1, 5, 4))
    torch.testing.assert_close(single[0, 0], batched[0, 0])  # frames are independent
    with pytest.raises(ValueError, match='cond'):
        denoiser(x, 3, torch.randn(2, 5, 3))
    with pytest.raises(ValueError, match='x_t'):
        denoiser(torch.randn(2, 5, 11), 3, torch.randn(2, 5, 4))


@pytest.mark.parametrize('kwargs, words', [(dict(tau=51, step=2), 'tau'), (dict(step=3), 'step'),
                                           (dict(beta_schedule='cosine'), 'beta_schedule')])
def test_bad_ddim_settings_are_named(kwargs, words):
    with pytest.raises(ValueError, match=words):
        DDIMLoop(**kwargs)
