"""MoRoHead's method-defining behaviours on a tiny model: MaskGIT fed the previous pass's refined trajectory, T = 1
is one greedy pass, [MASK] is the zero vector in training and sampling alike, what each training part trains, and
the bad inputs it names."""
import pytest
import torch

from unihmr.body.embedded import EmbeddedSMPLX
from unihmr.body.posing import with_camera_joints
from unihmr.codecs.moro import canonical_trajectory
from unihmr.data.collate import collate_windows
from unihmr.data.datasets.synthetic import SyntheticMotionDataset
from unihmr.models.heads.moro import MoRoHead

WIDTH = 16


@pytest.fixture(scope='module')
def body():
    return EmbeddedSMPLX()


@pytest.fixture(scope='module')
def batch(body):
    dataset = SyntheticMotionDataset(split='test', num_windows=2, window=20, feat_dim=8, severity='heavy')
    return with_camera_joints(collate_windows([dataset[0], dataset[1]]), body)


def tiny_head(body, batch, **changes):
    torch.manual_seed(0)
    args = dict(tokenizer=dict(type='MeshVQVAE', levels=(64, 24, 8), channels=(4, 8, 8)), width=32, heads=2,
                motion_depth=1, decoder_depth=1, band=8, clip=12, in_width=WIDTH, body_model=body,
                windowing=dict(window=16, overlap=4), fit=dict(iters=1))
    head = MoRoHead(**{**args, **changes})
    head.codec.compute_stats([batch])
    return head


def cond_of(batch):
    return torch.randn(*batch['valid'].shape, WIDTH, generator=torch.Generator().manual_seed(3))


def test_each_pass_reads_the_previous_refined_trajectory(body, batch):
    """MaskGIT's state: T_M's canonical trajectory at pass i + 1 is the canonical form of pass i's refined one."""
    head = tiny_head(body, batch).eval()
    seen, refined = [], []
    motion, decode = head.networks.motion, head.networks.decode
    head.networks.motion = lambda vectors, hidden, cano, valid: (seen.append(cano), motion(vectors, hidden, cano,
                                                                                            valid))[1]
    head.networks.decode = lambda *args: (refined.append(decode(*args)['camera']), decode(*args))[1]
    head.predict(cond_of(batch), batch, num_steps=3)
    assert len(seen) == 6  # 3 passes x 2 windows
    window = batch['valid'][:, :16]
    for step in (1, 2):
        trajectory = head.codec.field_denormalize('traj_cam', refined[step - 1])
        expected = head.codec.field_normalize('traj_cano', canonical_trajectory(trajectory, window))
        assert torch.allclose(seen[step], expected, atol=1e-5)


def test_one_pass_is_one_greedy_decision_of_every_token(body, batch):
    head = tiny_head(body, batch).eval()
    logits_seen = []
    decode = head.networks.decode
    head.networks.decode = lambda *args: (logits_seen.append(decode(*args)['logits']), decode(*args))[1]
    from unihmr.models.batch_ops import slice_time
    condition, coarse = head.coarse_trajectory(cond_of(batch)[:, :16], slice_time(batch, 0, 16))
    valid = batch['valid'][:, :16]
    camera = head.codec.field_normalize('traj_cam', coarse)
    vectors, _ = head.decode_hypothesis(condition, camera, coarse, valid, steps=1, temperature=None)
    assert len(logits_seen) == 1 and torch.equal(vectors, head.codebook()[logits_seen[0].argmax(-1)])


def test_mask_token_is_the_zero_vector_in_training_and_sampling(body, batch):
    """T_M ignores whatever code vector sits at a hidden position (training's BERT input and MaskGIT alike)."""
    head = tiny_head(body, batch).eval()
    vectors = torch.randn(1, 4, head.tokenizer.num_tokens, head.tokenizer.token_dim)
    hidden = torch.zeros(1, 4, head.tokenizer.num_tokens, dtype=torch.bool)
    hidden[:, 1, 2:5] = True
    other = vectors.clone()
    other[hidden] = torch.randn(int(hidden.sum()), head.tokenizer.token_dim)
    cano = torch.zeros(1, 4, 9)
    with torch.no_grad():
        first, second = head.networks.motion(vectors, hidden, cano, None), head.networks.motion(other, hidden, cano, None)
    assert torch.allclose(first['logits'], second['logits'], atol=1e-6)


@pytest.mark.parametrize('part', ['tokenizer', 'pose', 'motion', 'condition', 'video'])
def test_each_training_part_trains_its_parameters(body, batch, part):
    head = tiny_head(body, batch, train_part=part).train()
    losses = head.loss(cond_of(batch).requires_grad_(True), batch)
    assert all(torch.isfinite(value) for value in losses.values())
    sum(losses.values()).backward()

    def moved(module):
        return any(p.grad is not None and p.grad.abs().sum() > 0 for p in module.parameters())
    assert moved(head.tokenizer) == (part == 'tokenizer')  # frozen after its own phase
    assert moved(head.box_head) == (part == 'condition')  # the condition path: frozen in the video phase
    assert moved(head.networks.motion_encoder) == (part in ('pose', 'motion', 'video'))
    assert moved(head.networks.decoder) == (part in ('condition', 'video'))


def test_bad_settings_are_named(body, batch):
    head = tiny_head(body, batch).eval()
    with pytest.raises(ValueError, match='num_steps'):
        head.predict(cond_of(batch), batch, num_steps=0)
    with pytest.raises(ValueError, match='shorter than the temporal attention band'):
        tiny_head(body, batch, band=30)
    with pytest.raises(ValueError, match='train_part'):
        tiny_head(body, batch, train_part='images')


def test_the_smoother_can_be_skipped_at_inference(body, batch):
    head = tiny_head(body, batch).eval()
    with torch.no_grad():
        head.smoother.gate.fill_(1.0)  # a smoother that changes the codes
    cond = cond_of(batch)
    smoothed, raw = head.predict(cond, batch, num_steps=1), head.predict(cond, batch, num_steps=1, smooth=False)
    assert not torch.allclose(smoothed.body_pose, raw.body_pose)
    assert torch.equal(smoothed.transl_w, smoothed.transl_w) and torch.allclose(smoothed.global_orient_c,
                                                                                raw.global_orient_c)


def test_windows_are_cut_or_blended_after_decoding(body, batch):
    """'cut' takes each frame's codes from one window; 'blend' cross-fades the decoded vectors in the overlap."""
    cut = tiny_head(body, batch).eval()
    blend = tiny_head(body, batch, window_join='blend').eval()
    blend.load_state_dict(cut.state_dict())
    cond = cond_of(batch)
    condition, coarse = cut.coarse_trajectory(cond, batch)
    camera = cut.codec.field_normalize('traj_cam', coarse)
    vectors_cut, _ = cut.decode_hypothesis(condition, camera, coarse, batch['valid'], 2, None)
    vectors_blend, _ = blend.decode_hypothesis(condition, camera, coarse, batch['valid'], 2, None)
    # windows (0, 16) and (4, 20): frames 0-3 from the first only, 16-19 from the second only
    assert torch.equal(vectors_cut[:, :4], vectors_blend[:, :4]) and torch.equal(vectors_cut[:, 16:], vectors_blend[:, 16:])
    codes = cut.codebook()
    in_codebook = torch.cdist(vectors_blend[:, 4:16].flatten(0, -2), codes).min(-1).values < 1e-6
    assert not in_codebook.all()  # blended values lie between codes
    with pytest.raises(ValueError, match='window_join'):
        tiny_head(body, batch, window_join='average')


def test_the_codebook_stays_frozen_after_the_tokenizer_phase(body, batch):
    """vector-quantize-pytorch updates its EMA codebook in training mode: only the tokenizer phase may."""
    for part, moves in (('pose', False), ('tokenizer', True)):
        head = tiny_head(body, batch, train_part=part).train()
        before = head.tokenizer.quantizer.codebook().clone()
        head.loss(cond_of(batch), batch)
        assert torch.equal(before, head.tokenizer.quantizer.codebook()) != moves


def test_condition_phase_trains_on_single_frames_without_motion_terms(body, batch):
    """MoRo's image pretraining (supp. A.3): T_D sees one-frame sequences (the frames drawn from each window), so the
    velocity and skating terms, which need time, are absent; the video phase trains on clips and has them."""
    lengths = []
    for part in ('condition', 'video'):
        head = tiny_head(body, batch, train_part=part, frames_per_window=5).train()
        decode = head.networks.decode
        head.networks.decode = lambda *args: (lengths.append(args[1].shape[:2]), decode(*args))[1]
        losses = head.loss(cond_of(batch), batch)
        assert ('loss_velocity' in losses) == ('loss_skating' in losses) == (part == 'video'), sorted(losses)
        assert all(torch.isfinite(value) for value in losses.values())
    assert lengths[0] == (2 * 5, 1)  # 2 windows x 5 frames, one frame each
    assert all(length == (2, 12) for length in lengths[1:])  # the video phase: clips of 12 frames


def test_hypotheses_decode_in_one_batch_with_the_first_greedy(body, batch):
    head = tiny_head(body, batch, fit=dict(iters=0)).eval()  # the fit's closed-form start: per sequence, exact
    cond = cond_of(batch)
    passes = []
    head.networks.motion_encoder.register_forward_pre_hook(lambda module, args: passes.append(args[0].shape[0]))
    torch.manual_seed(0)
    several = head.predict(cond, batch, num_samples=3, num_steps=2, temperature=5.0)
    # one network pass per MaskGIT step and window, each over all 3 x 2 sequences: no loop over hypotheses
    windows = len(head.windowing.spans(batch['valid'].shape[1]))
    assert passes == [3 * 2] * (2 * windows)
    samples = several.samples['body_pose']
    assert samples.shape[:2] == (3, 2)
    greedy = head.predict(cond, batch, num_samples=1, num_steps=2)
    # the first hypothesis is the greedy decoding
    assert torch.allclose(samples[0], greedy.body_pose, atol=1e-5)
    assert torch.allclose(several.body_pose, greedy.body_pose, atol=1e-5)
    assert not torch.allclose(samples[1], samples[0], atol=1e-3)  # a hot temperature changes the others
