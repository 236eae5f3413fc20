"""FlowMatchingHead and the two-stage FactorizedHMR recoverer: masked path (eq. 6), loss on unknown
coordinates only (eq. 7), anchor held during integration, source noise 0.5 on joint positions, the
unconditional branch drops what the config says, batched guidance, many hypotheses, frozen stages, and the
build-time checks.

Mutations caught here (each applied once, each made a test below fail):
- the ODE field not zeroed on known coordinates while the network still reads them (z_K not held during
  integration) -> ``test_the_network_reads_the_anchor_unchanged_at_every_step``;
- joint-position source noise 1.0 instead of 0.5 -> ``test_source_noise_is_half_as_wide_on_joint_positions``;
- the classifier-free unconditional branch built without dropping anything ->
  ``test_the_unconditional_branch_ignores_the_dropped_modalities``.
"""
import pytest
import torch

from unihmr.apis.config import load_config
from unihmr.body.posing import with_camera_joints
from unihmr.data.collate import collate_windows
from unihmr.data.datasets.synthetic import SyntheticMotionDataset
from unihmr.evaluation import MotionMetric
from unihmr.models.estimate import Estimate
from unihmr.models.samplers import ODESampler
from unihmr.registry import MODELS

FEAT = 16


def tiny_model_cfg(config='configs/factorizedhmr/factorizedhmr_cpu_synthetic.py', **changes):
    cfg = load_config(config).model.to_dict()
    cfg['encoder'].update(width=32, feat_dim=FEAT)
    for stage in cfg['stages']:
        stage['backbone'].update(width=32, depth=1, heads=2, window=16)
        if stage.get('encoder'):
            stage['encoder'].update(width=32, feat_dim=FEAT)
    cfg.update(window=24, overlap=8, **changes)
    return cfg


@pytest.fixture(scope='module')
def batch():
    dataset = SyntheticMotionDataset(split='test', num_windows=2, window=20, feat_dim=FEAT, severity='heavy')
    return collate_windows([dataset[0], dataset[1]])


@pytest.fixture(scope='module')
def model(batch):
    torch.manual_seed(0)
    model = MODELS.build(tiny_model_cfg())
    for stage in model.stages:  # statistics as train.py computes them
        stage.codec.compute_stats([with_camera_joints(batch, model.body_model)])
    return model.eval()


def test_loss_trains_only_the_selected_stage(batch):
    torch.manual_seed(0)
    model = MODELS.build(tiny_model_cfg(train_stages=[1])).train()
    assert not model.stages[0].training and not model.encoder.training and model.stages[1].training
    losses = model.loss(batch)
    assert set(losses) >= {'stage1.loss_fm', 'stage1.loss_consistency', 'stage1.loss_proj_non_torso'}
    assert not any(name.startswith('stage0.') for name in losses)
    sum(losses.values()).backward()
    assert all(p.grad is None for p in model.stages[0].parameters())
    assert all(p.grad is None for p in model.encoder.parameters())
    assert any(p.grad is not None and p.grad.abs().sum() > 0 for p in model.stages[1].parameters())
    assert int(model.stages[1].loss_set.train_step) == 1  # the ramp counter advanced


def test_flow_loss_is_the_masked_velocity_error_on_unknown_coordinates_only(model, batch):
    head = model.stages[1]
    targets = head.with_targets(batch)
    z = head.codec.encode(targets)
    known = dict(x=z + 5.0, mask=head.codec.known_mask)  # an anchor far from the GT on z_K
    seen = {}

    def fake_velocity(z_t, t, tokens, valid, **kwargs):  # the exact conditional velocity on z_U, garbage on z_K
        seen['z_t'], seen['t'] = z_t, t
        tt = t[:, None, None]
        return torch.where(known['mask'], torch.full_like(z_t, 99.0), (z - z_t) / (1 - tt))

    head.velocity = fake_velocity
    head.known_from = lambda history, batch: known  # the earlier stage's anchor, as the head resolves it
    try:
        losses = head.loss(None, targets, {})
    finally:
        del head.velocity, head.known_from
    mask = known['mask']
    assert torch.equal(seen['z_t'][..., mask], known['x'][..., mask])  # eq. 6: known part is the anchor
    assert float(losses['loss_fm']) == pytest.approx(0.0, abs=1e-8)  # garbage on z_K is not penalised


def _anchor(model, batch) -> dict:
    return {'anchor': model.stages[0].predict(model.encoder(batch), batch)}


def test_sampling_keeps_the_anchor_and_draws_distinct_hypotheses(model, batch):
    head = model.stages[1]
    history = _anchor(model, batch)
    known = head.known_from(history, batch)
    saved = head.out_mlp[-1].weight.detach().clone()
    torch.nn.init.normal_(head.out_mlp[-1].weight, std=0.1)  # a fresh head outputs one constant sample
    try:
        torch.manual_seed(1)
        point, samples = head.sample_window(None, batch, history, 3, 4)
        head.point_estimate = 'mean'
        torch.manual_seed(1)
        mean, _ = head.sample_window(None, batch, history, 3, 4)
        torch.manual_seed(1)
        estimate = head.predict(None, batch, history, num_samples=3, num_steps=4)
    finally:
        head.point_estimate = 'first'
        head.out_mlp[-1].weight.data.copy_(saved)
    assert samples.shape == (3, *known['x'].shape)
    mask = known['mask']
    for sample in samples:
        torch.testing.assert_close(sample[..., mask], known['x'][..., mask])
    assert (samples[0][..., ~mask] - samples[1][..., ~mask]).abs().max() > 1e-3
    torch.testing.assert_close(point, samples[0])
    torch.testing.assert_close(mean, samples.mean(0))  # same seed, same samples
    assert isinstance(estimate, Estimate) and estimate.num_samples == 3  # the samples decoded in data-contract names
    torch.testing.assert_close(estimate.samples['betas'][0], estimate.betas)
    torch.testing.assert_close(estimate.betas, history['anchor'].betas, atol=1e-4, rtol=0)  # betas are in z_K


def test_the_network_reads_the_anchor_unchanged_at_every_step(model, batch):
    head = model.stages[1]
    history = _anchor(model, batch)
    known = head.known_from(history, batch)
    seen, original = [], head.network

    def recording(z_t, t, tokens, valid):
        seen.append(z_t.detach().clone())
        return original(z_t, t, tokens, valid) + 1.0  # a clean estimate off on every coordinate, z_K included

    head.network = recording
    try:
        head.sample_window(None, batch, history, 1, 5, guidance_scale=1.0)
    finally:
        del head.network
    assert len(seen) == 5
    for z_t in seen:  # z_K held during integration, not only written back at the end
        torch.testing.assert_close(z_t[..., known['mask']], known['x'].expand_as(z_t)[..., known['mask']])


def test_source_noise_is_half_as_wide_on_joint_positions(model):
    head = model.stages[1]
    codec = head.codec
    nothing_known = dict(x=torch.zeros(4, 500, codec.dim), mask=torch.zeros(codec.dim, dtype=torch.bool))
    torch.manual_seed(0)
    noise = head.source_noise(nothing_known['x'], nothing_known)
    for name in ('joints_torso', 'joints_non_torso'):
        assert float(noise[..., codec.slices[name]].std()) == pytest.approx(0.5, abs=0.02)  # FactorizedHMR eq. 6
    for name in ('body_pose_non_torso', 'root_vel'):
        assert float(noise[..., codec.slices[name]].std()) == pytest.approx(1.0, abs=0.04)


def test_the_unconditional_branch_ignores_the_dropped_modalities(model, batch):
    head = model.stages[1]
    history = _anchor(model, batch)
    torch.nn.init.normal_(head.encoder.mlps['kp_rays'][-1].weight)  # make the keypoints matter
    torch.nn.init.normal_(head.out_mlp[-1].weight, std=0.1)
    changed = dict(batch, kp2d=batch['kp2d'] * 1.1, img_feat=batch['img_feat'] + 1.0)
    try:
        outputs = []
        for observed in (batch, changed):  # guidance scale 0: the unconditional field alone
            torch.manual_seed(2)
            outputs.append(head.sample_window(None, observed, history, 1, 3, guidance_scale=0.0)[0])
        torch.manual_seed(2)
        conditional = head.sample_window(None, changed, history, 1, 3, guidance_scale=1.0)[0]
    finally:
        torch.nn.init.zeros_(head.out_mlp[-1].weight)
    torch.testing.assert_close(*outputs)
    assert (conditional - outputs[1]).abs().max() > 1e-3  # the conditional branch does read them


def test_guided_sampling_evaluates_both_branches_in_one_forward(model, batch):
    head = model.stages[1]
    history = _anchor(model, batch)
    sizes, original = [], head.network

    def counting(z_t, t, tokens, valid):
        sizes.append(z_t.shape[0])
        return original(z_t, t, tokens, valid)

    head.network = counting
    try:
        head.predict(None, batch, history, num_samples=2, num_steps=3, guidance_scale=1.5)
        guided = list(sizes)
        sizes.clear()
        head.predict(None, batch, history, num_samples=2, num_steps=3, guidance_scale=1.0)
    finally:
        del head.network
    batch_size = batch['kp2d'].shape[0]
    assert guided == [2 * 2 * batch_size] * 3  # conditional + unconditional, S samples, one call per step
    assert sizes == [2 * batch_size] * 3


def test_unconditional_tokens_keep_the_anchor_conditions_only(model, batch):
    head = model.stages[1]
    anchor = head.known_from(_anchor(model, batch), batch)
    torch.nn.init.normal_(head.encoder.mlps['kp_rays'][-1].weight)  # make every modality matter
    torch.nn.init.normal_(head.encoder.mlps['bbox'][-1].weight)
    torch.nn.init.normal_(head.anchor_mlp[-1].weight)
    changed = dict(batch, kp2d=batch['kp2d'] * 1.1, img_feat=batch['img_feat'] + 1.0)
    drop = head.guidance.dropped
    same = head.tokens(None, batch, anchor, drop=drop), head.tokens(None, changed, anchor, drop=drop)
    torch.testing.assert_close(*same)  # keypoints and image features are dropped
    moved = dict(batch, bbox=batch['bbox'] * 1.1)
    assert (head.tokens(None, moved, anchor, drop=drop) - same[0]).abs().max() > 0  # the box is kept
    shifted = dict(anchor, x=anchor['x'] + 0.5)
    assert (head.tokens(None, batch, shifted, drop=drop) - same[0]).abs().max() > 0  # so is the anchor


def test_recoverer_reports_multi_sample_metrics(model, batch):
    model.num_samples = 3
    head = model.stages[1]
    saved = head.out_mlp[-1].weight.detach().clone()
    torch.nn.init.normal_(head.out_mlp[-1].weight, std=0.1)  # a fresh head outputs one constant sample
    try:
        results = model.predict(batch)
    finally:
        model.num_samples = 1
        head.out_mlp[-1].weight.data.copy_(saved)
    assert results[0]['pred_samples_joints_c'].shape == (3, 20, 22, 3)
    metric = MotionMetric()
    metric.process(batch, results)
    values = metric.compute_metrics(metric.results)
    assert values['min_mpjpe'] <= values['mean_mpjpe'] and values['diversity'] > 0
    assert 'uncertainty_corr' in values


def test_regression_completion_is_the_one_change_of_the_ablation_config(batch):
    flow = tiny_model_cfg()
    ablation = tiny_model_cfg('configs/factorizedhmr/factorizedhmr_regression_completion_cpu_synthetic.py')
    assert flow['stages'][0] == ablation['stages'][0]
    assert (flow['stages'][1]['type'], ablation['stages'][1]['type']) == ('FlowMatchingHead', 'RegressionHead')
    for key in ('codec', 'encoder', 'backbone', 'anchor_fields'):
        assert flow['stages'][1][key] == ablation['stages'][1][key]
    model = MODELS.build(dict(ablation, train_stages=[1]))
    losses = model.loss(batch)
    assert 'stage1.loss_consistency' in losses and torch.isfinite(sum(losses.values()))


@pytest.mark.parametrize('change, words', [
    (dict(sampler=dict(solver='leapfrog')), 'solver'),
    (dict(sampler=dict(steps=0)), 'steps'),
    (dict(codec=dict(type='GVHMRCodec', fields=('betas', 'cam'), known_fields=('betas',),
                     unknown_fields=('betas', 'cam'))), 'partition'),
    (dict(anchor_source='stage0'), 'anchor_source'),
    (dict(encoder=None), 'own encoder'),
    (dict(point_estimate='median'), 'point_estimate'),
    (dict(prediction='score'), 'prediction'),
])
def test_bad_head_settings_fail_at_build_time(change, words):
    cfg = tiny_model_cfg()
    cfg['stages'][1].update(change)
    with pytest.raises(ValueError, match=words):
        MODELS.build(cfg)


@pytest.mark.parametrize('change, words', [(dict(num_samples=0), 'num_samples'),
                                           (dict(sampler_cfg=dict(temperature=2)), 'temperature'),
                                           (dict(train_stages=[2]), 'train_stages')])
def test_bad_recoverer_settings_fail_at_build_time(change, words):
    with pytest.raises(ValueError, match=words):
        MODELS.build(tiny_model_cfg(**change))


def test_predict_rejects_a_bad_sample_count(model, batch):
    with pytest.raises(ValueError, match='num_samples'):
        model.recover(batch, num_samples=0)


def test_gt_anchor_switch_trains_without_running_stage1(batch):
    cfg = tiny_model_cfg(train_stages=[1])
    cfg['stages'][1]['anchor_source'] = 'gt'
    model = MODELS.build(cfg).train()

    def forbidden(*args, **kwargs):
        raise AssertionError('stage 1 ran although stage 2 trains on the GT anchor')

    model.stages[0].predict = forbidden
    losses = model.loss(batch)
    assert torch.isfinite(sum(losses.values()))
    assert float(losses['stage1.loss_transl_c'].detach()) == pytest.approx(0.0, abs=1e-6)  # tau_c is the GT one


@pytest.mark.parametrize('prediction', ['velocity', 'data'])
def test_one_euler_step_lands_on_the_network_estimate(model, batch, prediction):
    head = model.stages[1]
    anchor = head.known_from(_anchor(model, batch), batch)
    tokens = head.tokens(None, batch, anchor)
    z0 = head.source_noise(anchor['x'].expand(*batch['valid'].shape, -1), anchor)
    t = torch.zeros(z0.shape[0])
    configured, head.prediction = head.prediction, prediction
    torch.nn.init.normal_(head.out_mlp[-1].weight, std=0.1)
    try:
        raw = head.out_mlp(head.backbone(tokens + head.x_proj(z0) + head.time_embed(head.time_features(t * 1000.0))[:, None],
                                         batch.get('valid')))
        step = z0 + head.velocity(z0, t, tokens, batch.get('valid'))  # Euler from t = 0 to 1
    finally:
        head.prediction = configured
        torch.nn.init.zeros_(head.out_mlp[-1].weight)
    expected = raw if prediction == 'data' else z0 + raw  # 'data': the clean sample; 'velocity': z0 + v
    torch.testing.assert_close(step, expected, atol=1e-5, rtol=1e-5)


def _network_outputs(head, store):
    """Wrap ``head.network`` to record (z_t, t, output) of every call; returns the original."""
    original = head.network

    def recording(z_t, t, tokens, valid):
        out = original(z_t, t, tokens, valid)
        store.append((z_t.detach().clone(), t.detach().clone(), out.detach().clone()))
        return out

    head.network = recording
    return original


@pytest.mark.parametrize('t_value', [0.3, 0.9, 0.98])
def test_training_and_sampling_use_one_velocity_field(model, batch, monkeypatch, t_value):
    """Issue 14, finding 1: with prediction='data' the field is (D - z_t) / (1 - t) at every t, in the loss and in
    the sampler alike (reference: that formula on the recorded network output). Mutations caught: a floor on 1 - t
    in training only (the old min_gap 0.2) fails t = 0.9 and 0.98 on the training side; the same floor in sampling
    only fails them on the sampling side."""
    head = model.stages[1]
    assert head.prediction == 'data'
    history = _anchor(model, batch)
    known = head.known_from(history, batch)
    unknown = ~known['mask']
    torch.nn.init.normal_(head.out_mlp[-1].weight, std=0.1)
    try:
        # sampling: the field handed to the ODE solver, evaluated at t
        captured = {}
        monkeypatch.setattr(ODESampler, 'sample', lambda self, field, z0, mask=None: captured.update(field=field) or z0)
        head.sample_window(None, batch, history, 1, 4, guidance_scale=1.0)
        z = torch.randn(*batch['valid'].shape, head.codec.dim)
        calls = []
        original = _network_outputs(head, calls)
        try:
            v_sample = captured['field'](torch.tensor(t_value), z)
        finally:
            head.network = original
        _, _, D = calls[-1]
        torch.testing.assert_close(v_sample[..., unknown], ((D - z) / (1 - t_value))[..., unknown])
        # training: eq. 7 at the same t with the loss weight min(1, ((1 - t) / floor)^2)
        targets = head.with_targets(batch)
        z_gt = head.codec.encode(targets)
        eps = head.source_noise(z_gt, known)
        t = torch.full((z_gt.shape[0],), t_value)
        calls = []
        original = _network_outputs(head, calls)
        try:
            losses = head.flow_losses(z_gt, eps, t, head.tokens(None, targets, known), known, targets)
        finally:
            head.network = original
        z_t, _, D = calls[-1]
        weight = min(1.0, ((1 - t_value) / head.weight_floor) ** 2)
        error = (((D - z_t) / (1 - t_value) - (z_gt - eps)).square() * weight)[..., unknown]
        assert float(losses['loss_fm'].detach()) == pytest.approx(head.fm_weight * float(error.mean()), rel=1e-4)
    finally:
        torch.nn.init.zeros_(head.out_mlp[-1].weight)


def test_the_last_euler_step_lands_on_the_clean_estimate(model, batch):
    """The field reaches the network's clean sample at t = 1: after 50 Euler steps the unknown coordinates are the
    D predicted at t = 0.98 (the step (1 - t) v = D - z_t)."""
    head = model.stages[1]
    history = _anchor(model, batch)
    unknown = ~head.known_from(history, batch)['mask']
    torch.nn.init.normal_(head.out_mlp[-1].weight, std=0.1)
    calls = []
    original = _network_outputs(head, calls)
    try:
        point, _ = head.sample_window(None, batch, history, 1, 50, guidance_scale=1.0)
    finally:
        head.network = original
        torch.nn.init.zeros_(head.out_mlp[-1].weight)
    _, t_last, D = calls[-1]
    assert float(t_last[0]) == pytest.approx(0.98)
    torch.testing.assert_close(point[..., unknown], D[..., unknown], atol=1e-5, rtol=1e-5)
