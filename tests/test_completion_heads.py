"""The completion heads of FactorizedHMR's Stage-2 slot beyond flow matching (issue 18): the DDPM completion head
(``DiffusionCompletionHead``) and score guidance by energies inside flow-matching sampling.

Mutations caught here (each applied once, each made a test below fail):
- the energy gradient added to the velocity instead of subtracted ->
  ``test_one_guided_euler_step_is_the_clean_estimate_minus_the_energy_gradient``;
- the DDPM head's network fed the noised anchor instead of the clean one ->
  ``test_ddpm_sampling_shows_the_network_the_clean_anchor_at_every_level``;
- the DDPM head's energy gradient added to the posterior mean instead of subtracted ->
  ``test_ddpm_energy_guidance_moves_the_sample_down_the_energy``;
- the network time of sampling taken as 1 - level / N (the flow convention) instead of level / N ->
  ``test_ddpm_training_and_sampling_read_the_same_time_for_a_level``.
"""
import pytest
import torch

from unihmr.apis.config import load_config
from unihmr.body.posing import with_camera_joints
from unihmr.data.collate import collate_windows
from unihmr.data.datasets.synthetic import SyntheticMotionDataset
from unihmr.models.guidance import GuidanceSet
from unihmr.registry import MODELS

FEAT = 16
DDPM_MIX = 'configs/mixes/factorizedhmr_ddpm_cpu_keypoints_mixed.py'
GUIDED_MIX = 'configs/mixes/factorizedhmr_rohm_guidance_cpu_keypoints_mixed.py'


def tiny(config: str) -> dict:
    cfg = load_config(config).model.to_dict()
    cfg['encoder'].update(width=32)
    for stage in cfg['stages']:
        stage['backbone'].update(width=32, depth=1, heads=2, window=16)
        if stage.get('encoder'):
            stage['encoder'].update(width=32)
    cfg.update(window=24, overlap=8)
    return cfg


@pytest.fixture(scope='module')
def batch():
    dataset = SyntheticMotionDataset(split='test', num_windows=2, window=20, feat_dim=FEAT, severity='heavy')
    return collate_windows([dataset[0], dataset[1]])


def build(config: str, batch) -> torch.nn.Module:
    torch.manual_seed(0)
    model = MODELS.build(tiny(config))
    for stage in model.stages:
        stage.codec.compute_stats([with_camera_joints(batch, model.body_model)])
    torch.nn.init.normal_(model.stages[1].out_mlp[-1].weight, std=0.1)  # a fresh head outputs one constant
    return model.eval()


def anchor_history(model, batch) -> dict:
    with torch.no_grad():
        return {'anchor': model.stages[0].predict(model.encoder(batch), batch)}


# --------------------------------------------------------------------------------- flow + energies
def temporal_energy(head, x0):
    """Independent reference: sum over consecutive frames of the squared step of the denormalised latent."""
    x = head.codec.denormalize(x0)
    return (x[:, 1:] - x[:, :-1]).square().sum(-1).sum(-1)


def test_one_guided_euler_step_is_the_clean_estimate_minus_the_energy_gradient(batch):
    model = build(GUIDED_MIX, batch)
    head = model.stages[1]
    head.energies = GuidanceSet(dict(smooth=dict(type='TemporalConsistencyEnergy', weight=1.0)))
    history = anchor_history(model, batch)
    mask = head.codec.known_mask
    torch.manual_seed(3)
    plain, _ = head.sample_window(None, batch, history, 1, 1, guidance_scale=1.0, energy_scale=0.0)
    torch.manual_seed(3)
    guided, _ = head.sample_window(None, batch, history, 1, 1, guidance_scale=1.0, energy_scale=0.05)
    # one Euler step from t = 0 with the 'data' field lands on D; the guided field subtracts 0.05 grad E(D)
    x = plain.detach().clone().requires_grad_(True)
    grad, = torch.autograd.grad(temporal_energy(head, x).sum(), x)
    expected = plain - 0.05 * grad.masked_fill(mask, 0.0)
    torch.testing.assert_close(guided, expected, rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(guided[..., mask], plain[..., mask])  # the anchor is never moved
    assert float(temporal_energy(head, guided.detach()).sum()) < float(temporal_energy(head, plain.detach()).sum())


def test_flow_energies_act_only_in_their_level_window(batch):
    model = build(GUIDED_MIX, batch)
    head = model.stages[1]
    head.energies = GuidanceSet(dict(smooth=dict(type='TemporalConsistencyEnergy', weight=1.0, t_max=100)))
    history = anchor_history(model, batch)
    levels = []
    original = head.energy_value

    def recording(x0, batch_, history_, level):
        levels.append(level)
        return original(x0, batch_, history_, level)

    head.energy_value = recording
    torch.manual_seed(3)
    head.sample_window(None, batch, history, 1, 10, guidance_scale=1.0, energy_scale=0.05)
    del head.energy_value
    # Euler at t = 0, 0.1, ..., 0.9 -> levels 1000, 900, ..., 100; only t = 0.9 (level 100) is inside t <= 100
    assert levels == [1000, 900, 800, 700, 600, 500, 400, 300, 200, 100]
    torch.manual_seed(3)
    plain, _ = head.sample_window(None, batch, history, 1, 10, guidance_scale=1.0, energy_scale=0.0)
    head.energies.energies['smooth'].t_max = 50  # no Euler step reaches level 50: guidance changes nothing
    torch.manual_seed(3)
    outside, _ = head.sample_window(None, batch, history, 1, 10, guidance_scale=1.0, energy_scale=0.05)
    torch.testing.assert_close(outside, plain)


def test_the_guided_mix_builds_rohm_energies_with_speed_contacts(batch):
    cfg = load_config(GUIDED_MIX).model.to_dict()
    energies = cfg['stages'][1]['energies']
    assert energies['keypoints']['type'] == 'KeypointReprojectionEnergy' and energies['keypoints']['t_max'] == 100
    assert energies['skating']['contact'] == 'speed' and energies['skating']['t_max'] == 100
    assert energies['skating']['weight'] == 0  # chosen on the validation split (docs/mixing.md)
    model = build(GUIDED_MIX, batch)
    head = model.stages[1]
    head.energies = GuidanceSet(dict(energies, skating=dict(energies['skating'], weight=1000.0)))
    history = anchor_history(model, batch)
    with torch.no_grad():  # both energies (posed body, camera and world frames) run inside the sampler
        estimate = head.predict(None, batch, history, num_steps=10)
    assert torch.isfinite(estimate.body_pose).all()


# ------------------------------------------------------------------------------------- DDPM head
@pytest.mark.parametrize('level', [0, 999])
def test_ddpm_loss_noises_only_the_unknown_coordinates(batch, monkeypatch, level):
    model = build(DDPM_MIX, batch)
    head = model.stages[1].train()
    history = anchor_history(model, batch)
    seen = {}
    original = head.network

    def recording(z_t, t, tokens, valid):
        seen['z_t'], seen['t'] = z_t.detach(), t.detach()
        return original(z_t, t, tokens, valid)

    monkeypatch.setattr(head, 'network', recording)
    monkeypatch.setattr(torch, 'randint', lambda low, high, size, device=None: torch.full(size, level))
    losses = head.loss(None, batch, history)
    known = head.known_from(history, batch)
    mask = known['mask']
    torch.testing.assert_close(seen['z_t'][..., mask], known['x'][..., mask])  # the anchor, clean
    z = head.codec.encode(head.with_targets(batch))[..., ~mask]
    alpha = float(head.sampler.alphas_cumprod[level])
    z_t = seen['z_t'][..., ~mask]
    noise = (z_t - alpha ** 0.5 * z) / (1 - alpha) ** 0.5  # what the head must have added: unit Gaussian noise
    assert abs(float(noise.std()) - 1.0) < 0.1 and abs(float(noise.mean())) < 0.1
    if level == 0:  # the clean end: z_t is z up to the smallest noise of the schedule
        assert float((z_t - z).abs().max()) < 0.2
    torch.testing.assert_close(seen['t'], torch.full_like(seen['t'], level / 1000))
    assert 'loss_target' in losses and 'loss_eps' not in losses  # 'sample': the x0 loss is the shared target term


def test_ddpm_sampling_shows_the_network_the_clean_anchor_at_every_level(batch):
    model = build(DDPM_MIX, batch)
    head = model.stages[1]
    history = anchor_history(model, batch)
    known = head.known_from(history, batch)
    mask = known['mask']
    seen, original = [], head.network

    def recording(z_t, t, tokens, valid):
        seen.append(z_t.detach().clone())
        return original(z_t, t, tokens, valid)

    head.network = recording
    try:
        torch.manual_seed(1)
        point, samples = head.sample_window(None, batch, history, 3, 5, guidance_scale=1.0)
    finally:
        del head.network
    assert len(seen) == 5 and all(z.shape[0] == 3 * batch['valid'].shape[0] for z in seen)  # S batched
    for z_t in seen:
        torch.testing.assert_close(z_t[..., mask], known['x'].repeat(3, 1, 1)[..., mask])
    for sample in samples:
        torch.testing.assert_close(sample[..., mask], known['x'][..., mask])
    assert (samples[0][..., ~mask] - samples[1][..., ~mask]).abs().max() > 1e-3
    torch.testing.assert_close(point, samples[0])


def test_ddpm_training_and_sampling_read_the_same_time_for_a_level(batch, monkeypatch):
    model = build(DDPM_MIX, batch)
    head = model.stages[1]
    history = anchor_history(model, batch)
    times = []
    original = head.network

    def recording(z_t, t, tokens, valid):
        times.append(t.detach().clone())
        return original(z_t, t, tokens, valid)

    monkeypatch.setattr(head, 'network', recording)
    head.sample_window(None, batch, history, 1, 2, guidance_scale=1.0)
    levels = head.sampler.timesteps(2)  # e.g. [500, 0]
    assert [round(float(t[0]) * 1000) for t in times] == levels
    monkeypatch.setattr(torch, 'randint', lambda low, high, size, device=None: torch.full(size, levels[0]))
    head.train().loss(None, batch, history)
    assert round(float(times[-1][0]) * 1000) == levels[0]


def test_ddpm_energy_guidance_moves_the_sample_down_the_energy(batch, monkeypatch):
    model = build(DDPM_MIX, batch)
    head = model.stages[1]
    head.energies = GuidanceSet(dict(smooth=dict(type='TemporalConsistencyEnergy', weight=1.0)))
    history = anchor_history(model, batch)
    # a clean-sample network that returns its input: every change to the chain comes from the sampler itself
    monkeypatch.setattr(head, 'network', lambda z_t, t, tokens, valid: z_t)
    torch.manual_seed(2)
    plain, _ = head.sample_window(None, batch, history, 1, 5, guidance_scale=1.0, energy_scale=0.0)
    torch.manual_seed(2)
    guided, _ = head.sample_window(None, batch, history, 1, 5, guidance_scale=1.0, energy_scale=1.0)
    mask = head.codec.known_mask
    torch.testing.assert_close(guided[..., mask], plain[..., mask])
    assert float(temporal_energy(head, guided).sum()) < 0.9 * float(temporal_energy(head, plain).sum())


def test_the_ddpm_mix_changes_only_the_stage2_head():
    flow = load_config('configs/factorizedhmr/factorizedhmr_cpu_keypoints_mixed.py').model.to_dict()
    ddpm = load_config(DDPM_MIX).model.to_dict()
    assert ddpm['stages'][0] == flow['stages'][0]
    assert ddpm['stages'][1]['type'] == 'DiffusionCompletionHead'
    for key in ('codec', 'encoder', 'backbone', 'anchor_fields', 'losses', 'guidance'):
        assert ddpm['stages'][1][key] == flow['stages'][1][key], key


@pytest.mark.parametrize('demo', ['configs/demo/recover_moro_synthetic.py',
                                  'configs/demo/recover_ddpm_completion_synthetic.py'])
def test_hypothesis_demo_configs_name_shipped_weights(demo):
    """The demos that draw hypotheses of MoRo and the DDPM completion: S = 5, a shipped checkpoint of that model."""
    from pathlib import Path
    cfg = load_config(demo)
    assert cfg.demo.num_samples == 5 and Path(cfg.demo.checkpoint).is_file()
    state = torch.load(cfg.demo.checkpoint, map_location='cpu', weights_only=True)['state_dict']
    model = MODELS.build(cfg.model.to_dict())
    assert set(state) <= set(model.state_dict())  # the weights fit the demo's model
