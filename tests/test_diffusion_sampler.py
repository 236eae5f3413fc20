"""The shared guided diffusion sampler (``samplers.diffusion``) against hand-derived cases and diffusers itself:
parameterisation conversions, DDPM ancestral sampling that ends on a perfect x0-predictor's answer, the
posterior-mean shift of RoHM eq. 14 (value, direction and variance vs diffusers), noise-space guidance of
ScoreHMR eq. 10 with the gradient taken from the detached noise prediction (the release) or through the
network (``through_denoiser``, the literal eq. 10) against hand formulas for a linear noise network, gradient
masks, active windows, in-painting, classifier-free mixing, the auxiliary-variable hook, early stop and DDIM
inversion.

Mutations caught here: noise-space guidance always differentiating through the network ->
``test_noise_guidance_gradient_with_a_linear_network[*-release]``; never doing so ->
``test_noise_guidance_gradient_with_a_linear_network[*-through the denoiser]``."""
import pytest
import torch

from unihmr.models.samplers import DiffusionSampler, Guidance

TARGET = torch.tensor([[0.5, -1.0, 2.0, 0.0]])


def perfect(sampler: DiffusionSampler, target=TARGET):
    """A network that knows the clean sample is ``target``, in the sampler's parameterisation."""
    def denoise(x_t, t):
        alpha = sampler.alphas_cumprod[t]
        eps = (x_t - alpha.sqrt() * target) / (1 - alpha).sqrt()
        return sampler.from_eps(eps, x_t, t)
    return denoise


@pytest.mark.parametrize('prediction', ['epsilon', 'sample', 'v_prediction'])
def test_conversions_recover_the_clean_sample_and_noise(prediction):
    sampler = DiffusionSampler(prediction_type=prediction)
    x0, eps, t = torch.randn(3, 4), torch.randn(3, 4), 400
    alpha = sampler.alphas_cumprod[t]
    x_t = alpha.sqrt() * x0 + (1 - alpha).sqrt() * eps
    output = sampler.from_eps(eps, x_t, t)
    v = alpha.sqrt() * eps - (1 - alpha).sqrt() * x0  # the v of Salimans & Ho, by hand
    expected = dict(epsilon=eps, sample=x0, v_prediction=v)[prediction]
    torch.testing.assert_close(output, expected, atol=1e-5, rtol=1e-5)
    x0_hat, eps_hat = sampler.to_x0_eps(output, x_t, t)
    torch.testing.assert_close(x0_hat, x0, atol=1e-4, rtol=1e-4)
    torch.testing.assert_close(eps_hat, eps, atol=1e-4, rtol=1e-4)


@pytest.mark.parametrize('kind', ['ddpm', 'ddim'])
@pytest.mark.parametrize('prediction', ['epsilon', 'sample'])
def test_sampling_with_a_perfect_network_ends_on_its_clean_sample(kind, prediction):
    sampler = DiffusionSampler(prediction_type=prediction, kind=kind)
    levels = sampler.timesteps(20)
    assert levels[0] > levels[-1] == 0 and len(levels) == 20  # respaced, descending to the clean end
    x = sampler.sample(perfect(sampler), torch.randn(1, 4), levels, generator=torch.Generator().manual_seed(0))
    torch.testing.assert_close(x, TARGET, atol=1e-4, rtol=1e-4)


def test_posterior_mean_shift_is_minus_scale_sigma_grad():
    sampler = DiffusionSampler(prediction_type='sample', kind='ddpm')
    levels = sampler.timesteps(10)
    t = levels[3]
    goal = torch.zeros(1, 4)
    guidance = Guidance(energy=lambda x0, level: (x0 - goal).square().sum(-1), mode='mean', scale=3.0)
    x_t = torch.randn(1, 4)
    plain = sampler.sample(perfect(sampler), x_t, [t], generator=torch.Generator().manual_seed(5))
    guided = sampler.sample(perfect(sampler), x_t, [t], guidance=guidance, generator=torch.Generator().manual_seed(5))
    sigma = sampler.posterior_variance(t, x_t)
    torch.testing.assert_close(sigma, sampler.scheduler._get_variance(t).to(sigma))  # diffusers' own Sigma_t
    torch.testing.assert_close(guided - plain, -3.0 * sigma * 2 * (TARGET - goal))  # grad of |x0 - goal|^2
    assert float(((guided - plain) * (TARGET - goal)).sum()) < 0  # downhill: against the energy's gradient


def test_noise_space_guidance_follows_eq_10():
    sampler = DiffusionSampler(prediction_type='epsilon', kind='ddim')
    t = sampler.timesteps(50, max_level=100)[0]
    guidance = Guidance(energy=lambda x0, level: x0.sum(-1), mode='noise', scale=0.7)
    x_t = torch.randn(1, 4)
    guided = sampler.sample(lambda x, level: torch.zeros_like(x), x_t, [t], guidance=guidance)
    # eps = 0, so x0_hat = x_t / sqrt(a) and d sum(x0_hat) / d x_t = 1 / sqrt(a): eq. 10 gives eps' below, and one
    # deterministic DDIM step (eta = 0) maps it to x_prev = sqrt(a_prev) x0' + sqrt(1 - a_prev) eps'
    alpha, prev = sampler.alphas_cumprod[t], sampler.alphas_cumprod[sampler.previous_level(t)]
    eps = 0.7 * (1 - alpha).sqrt() / alpha.sqrt() * torch.ones_like(x_t)
    x0 = (x_t - (1 - alpha).sqrt() * eps) / alpha.sqrt()
    torch.testing.assert_close(guided, prev.sqrt() * x0 + (1 - prev).sqrt() * eps, atol=1e-5, rtol=1e-5)


W = torch.tensor([[0.3, -0.2, 0.0, 0.1],  # a toy noise network eps(x) = W x (rows: output coordinates)
                  [0.1, 0.4, -0.3, 0.0],
                  [0.0, 0.2, 0.5, -0.1],
                  [-0.2, 0.0, 0.1, 0.6]])


@pytest.mark.parametrize('through', [False, True], ids=['release', 'through the denoiser'])
@pytest.mark.parametrize('prediction', ['epsilon', 'sample', 'v_prediction'])
def test_noise_guidance_gradient_with_a_linear_network(prediction, through):
    sampler = DiffusionSampler(prediction_type=prediction, kind='ddim')
    t = sampler.timesteps(50, max_level=400)[0]
    goal, scale = torch.tensor([[1.0, -2.0, 0.5, 3.0]]), 0.3
    grad_enabled = []

    def linear(x, level):  # eps = W x, in the sampler's parameterisation
        grad_enabled.append(torch.is_grad_enabled())
        return sampler.from_eps(x @ W.T, x, level)

    guidance = Guidance(energy=lambda x0, level: (x0 - goal).square().sum(-1), scale=scale, through_denoiser=through)
    x_t = torch.tensor([[0.7, -0.4, 1.2, 0.1]])
    guided = sampler.sample(linear, x_t, [t], guidance=guidance)
    # by hand: x0_hat = (x - b eps) / a with a = sqrt(alpha_t), b = sqrt(1 - alpha_t); dE/dx0 = 2 (x0_hat - goal);
    # dx0_hat/dx_t = I / a for the detached eps (the release), (I - b W) / a through eps = W x (row vectors:
    # grad_x0 (I - b W) / a)
    alpha, prev = sampler.alphas_cumprod[t].double(), sampler.alphas_cumprod[sampler.previous_level(t)].double()
    a, b = alpha.sqrt(), (1 - alpha).sqrt()
    x, w = x_t.double(), W.double()
    eps = x @ w.T
    grad_x0 = 2 * ((x - b * eps) / a - goal.double())
    grad = grad_x0 @ (torch.eye(4, dtype=torch.float64) - b * w) / a if through else grad_x0 / a
    eps_guided = eps + scale * b * grad  # eq. 10
    x0_guided = (x - b * eps_guided) / a
    expected = prev.sqrt() * x0_guided + (1 - prev).sqrt() * eps_guided  # one deterministic DDIM step (eta = 0)
    torch.testing.assert_close(guided.double(), expected, atol=1e-5, rtol=1e-5)
    assert grad_enabled == [through]  # the release evaluates the network without building a graph
    other = Guidance(energy=guidance.energy, scale=scale, through_denoiser=not through)
    assert (sampler.sample(linear, x_t, [t], guidance=other) - guided).abs().max() > 1e-3  # W != 0: they differ


def test_gradient_mask_and_active_window():
    sampler = DiffusionSampler(prediction_type='sample', kind='ddpm')
    levels = sampler.timesteps(10)
    mask = torch.tensor([True, True, False, False])  # e.g. RoHM: no guidance on trajectory / contact coordinates
    seen = []

    def energy(x0, t):
        if t > levels[5]:
            return None  # inactive above the window
        seen.append(t)
        return x0.square().sum(-1)

    x_t = torch.randn(1, 4)

    def shrinking(x, t):  # a network whose clean estimate depends on its input, so every shift carries on
        return 0.5 * x

    plain = sampler.sample(shrinking, x_t, levels, generator=torch.Generator().manual_seed(1))
    guided = sampler.sample(shrinking, x_t, levels, generator=torch.Generator().manual_seed(1),
                            guidance=Guidance(energy=energy, mode='mean', scale=50.0, grad_mask=mask))
    assert seen == levels[5:]
    torch.testing.assert_close(guided[..., ~mask], plain[..., ~mask])
    assert (guided[..., mask] - plain[..., mask]).abs().min() > 1e-4


def test_inpainting_holds_known_coordinates():
    sampler = DiffusionSampler(prediction_type='epsilon', kind='ddpm')
    known = torch.tensor([[9.0, 9.0, 9.0, 9.0]])
    mask = torch.tensor([False, True, False, True])
    out = sampler.sample(perfect(sampler), torch.randn(1, 4), sampler.timesteps(10), inpaint=(known, mask),
                         generator=torch.Generator().manual_seed(0))
    torch.testing.assert_close(out[..., mask], known[..., mask])
    torch.testing.assert_close(out[..., ~mask], TARGET[..., ~mask], atol=1e-4, rtol=1e-4)


def test_classifier_free_mixing_and_early_stop():
    sampler = DiffusionSampler(prediction_type='sample', kind='ddim')
    cond, uncond = torch.full((1, 4), 2.0), torch.full((1, 4), 1.0)
    calls = []

    def both(x, t):  # [conditional; unconditional] halves
        calls.append(x.shape[0])
        return torch.cat([cond.expand(x.shape[0] // 2, -1), uncond.expand(x.shape[0] // 2, -1)])

    levels = sampler.timesteps(5)
    out = sampler.sample(both, torch.randn(1, 4), levels, cfg_scale=1.5)
    torch.testing.assert_close(out, uncond + 1.5 * (cond - uncond), atol=1e-5, rtol=0)
    assert calls == [2] * 5  # both branches in one batched call per step
    early = sampler.sample(both, torch.randn(1, 4), levels, cfg_scale=1.0, return_x0_at=levels[1])
    assert len(calls) == 5 + 2  # stopped at the second level and returned the predicted clean sample
    torch.testing.assert_close(early, cond)


def test_aux_step_sees_each_energy_before_the_sample_moves():
    sampler = DiffusionSampler(prediction_type='epsilon', kind='ddim')
    offset = torch.zeros(1, 4, requires_grad=True)
    optimizer = torch.optim.SGD([offset], lr=0.1)
    energies = []

    def step(energy):
        energies.append(float(energy.detach().sum()))
        offset.grad, = torch.autograd.grad(energy.sum(), offset, retain_graph=True)
        optimizer.step()

    guidance = Guidance(energy=lambda x0, t: (x0 + offset - 3.0).square().sum(-1), scale=0.1, aux_step=step)
    sampler.sample(perfect(sampler), torch.randn(1, 4), sampler.timesteps(50, max_level=60), guidance=guidance)
    assert len(energies) == 4 and energies[-1] < energies[0]  # the auxiliary variable descends the same energy
    assert (offset > 0).all()


def test_ddim_inversion_round_trip():
    sampler = DiffusionSampler(prediction_type='epsilon', kind='ddim')
    levels = sampler.timesteps(100, max_level=200)  # spacing 10
    x0 = TARGET.clone()
    latent = sampler.invert(perfect(sampler), x0, levels[::-1], step=10)
    assert (latent - x0).abs().max() > 1e-2
    torch.testing.assert_close(sampler.sample(perfect(sampler), latent, levels), x0, atol=1e-4, rtol=1e-4)


def test_bad_settings_are_named():
    with pytest.raises(ValueError, match='prediction_type'):
        DiffusionSampler(prediction_type='score')
    with pytest.raises(ValueError, match='kind'):
        DiffusionSampler(kind='euler')
    with pytest.raises(ValueError, match='num_steps'):
        DiffusionSampler().timesteps(0)
    with pytest.raises(ValueError, match='guidance mode'):
        Guidance(energy=lambda x, t: x, mode='score')
