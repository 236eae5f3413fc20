"""The recoverer: modes, windowed inference over long sequences, predict output for the metrics."""
import pytest
import torch

from unihmr.data.collate import collate_windows
from unihmr.data.datasets.synthetic import SyntheticMotionDataset
from unihmr.evaluation import MotionMetric
from unihmr.models.batch_ops import slice_time
from unihmr.models.windowing import crossfade_weights, window_spans
from unihmr.registry import MODELS

TINY = dict(type='Recoverer', encoder=dict(type='ConditionEncoder', width=32, feat_dim=16),
            stages=[dict(type='RegressionHead', codec=dict(type='GVHMRCodec'), losses=dict(verts_c=None),
                         backbone=dict(type='RoPETransformer', width=32, depth=1, heads=2, window=16))],
            window=24, overlap=8)


@pytest.fixture(scope='module')
def batch():
    dataset = SyntheticMotionDataset(split='test', num_windows=2, window=40, feat_dim=16, severity='mild')
    return collate_windows([dataset[0], dataset[1]])


@pytest.fixture(scope='module')
def model():
    torch.manual_seed(0)
    return MODELS.build(TINY).eval()


def test_window_spans_cover_every_frame_and_weights_sum_to_one():
    for frames, window, overlap in [(40, 24, 8), (24, 24, 8), (100, 30, 10), (31, 30, 0)]:
        spans = window_spans(frames, window, overlap)
        covered = torch.zeros(frames, dtype=torch.bool)
        for start, end in spans:
            assert end - start == min(window, frames) and 0 <= start and end <= frames
            covered[start:end] = True
        assert covered.all()
        weights = crossfade_weights(spans, frames)
        torch.testing.assert_close(weights.sum(0), torch.ones(frames))
        assert (weights >= 0).all()


def test_slice_time_keeps_meta_and_masks(batch):
    part = slice_time({**batch, 'mask': torch.ones(158, dtype=torch.bool)}, 5, 9)
    assert part['kp2d'].shape[1] == 4 and part['smpl_params']['body_pose'].shape[1] == 4
    assert part['meta'] is batch['meta'] and part['mask'].shape == (158,)


def test_loss_mode_returns_named_finite_losses(model, batch):
    model.train()
    losses = model(mode='loss', **batch)
    model.eval()
    assert {'loss_target', 'loss_joints_c', 'loss_reproj', 'loss_transl_w', 'loss_contact'} <= set(losses)
    assert all(torch.isfinite(v) for v in losses.values())


def test_windowed_inference_matches_one_pass_when_the_window_covers_the_sequence(model, batch):
    long_window = MODELS.build({**TINY, 'window': 64, 'overlap': 8}).eval()
    long_window.load_state_dict(model.state_dict())
    one_pass, windowed = long_window(mode='tensor', **batch), model(mode='tensor', **batch)
    assert windowed.body_pose.shape == one_pass.body_pose.shape == (2, 40, 21, 3)
    # The first frames are seen by the first window only, with no cross-fade: the same as one pass of it.
    first = model(mode='tensor', **slice_time(batch, 0, 24))
    for name in ('body_pose', 'global_orient_c', 'transl_c', 'betas'):
        torch.testing.assert_close(getattr(first, name)[:, :16], getattr(windowed, name)[:, :16], atol=1e-5, rtol=0)


def test_predict_feeds_the_motion_metric(model, batch):
    samples = model(mode='predict', **batch)
    assert len(samples) == 2 and samples[0]['seq_id'] == 'test-000000'
    assert samples[0]['pred_joints_c'].shape == (40, 22, 3) and samples[0]['gt_joints_w'].shape == (40, 22, 3)
    metric = MotionMetric()
    metric.process(batch, samples)
    results = metric.compute_metrics(metric.results)
    for key in ('mpjpe', 'pa_mpjpe', 'wa_mpjpe', 'rte', 'jitter', 'mpjpe_torso'):
        assert key in results and results[key] == results[key]  # present and not NaN


def test_checkpoint_holds_no_body_model_tensors(model):
    assert not any(key.startswith('body_model') for key in model.state_dict())
    assert any(key.endswith('codec.mean') for key in model.state_dict())


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match='overlap'):
        MODELS.build({**TINY, 'overlap': 30})
    with pytest.raises(ValueError, match="unknown mode 'train'"):
        MODELS.build(TINY)(mode='train')
    from unihmr.utils.validation import UserInputError  # the tools report these in one line, exit 2
    for name, value in (('num_steps', 0), ('num_samples', 0), ('num_steps', 2.5)):
        with pytest.raises(UserInputError, match=f'{name} must be a positive integer, got {value}'):
            MODELS.build({**TINY, name: value})


def test_world_trajectory_is_grounded(model, batch):
    estimate = model(mode='tensor', **batch)
    params = estimate.body_args('w')
    lowest = model.body_model(**params, return_verts=False).joints[..., [7, 8, 10, 11], 1].amin(dim=(-1, -2))
    rest = model.body_model(betas=params['betas'][:, :1])
    rest_height = rest.joints[:, 0, [7, 8, 10, 11], 1].amin(-1) - rest.vertices[:, 0, :, 1].amin(-1)
    torch.testing.assert_close(lowest, rest_height, atol=1e-4, rtol=0)


def test_grounding_ignores_padding_frames(model, batch):
    padded = dict(batch, valid=batch['valid'].clone())
    padded['valid'][:, 30:] = False
    estimate = model.recover(padded)
    joints = model.body_model(**estimate.body_args('w'), return_verts=False).joints[..., [7, 8, 10, 11], 1]
    rest = model.body_model(betas=estimate.betas[:, :1])
    rest_height = rest.joints[:, 0, [7, 8, 10, 11], 1].amin(-1) - rest.vertices[:, 0, :, 1].amin(-1)
    torch.testing.assert_close(joints[:, :30].amin(dim=(-1, -2)), rest_height, atol=1e-4, rtol=0)


def test_a_long_sequence_decodes_once(model, batch):
    """40 frames in windows of 24 (overlap 8): two windows, cross-faded in normalised space, decoded once."""
    codec = model.stages[0].codec
    calls, original = [], codec.decode
    codec.decode = lambda x, *args, **kwargs: calls.append(x.shape) or original(x, *args, **kwargs)
    try:
        model.recover(batch)
    finally:
        del codec.decode
    assert len(window_spans(40, 24, 8)) == 2 and calls == [(2, 40, codec.dim)]


def test_window_ids_keep_windows_of_one_sequence_apart():
    """Per-sequence results key: the seq_id, plus @start for a window that starts later in its sequence."""
    from unihmr.models.recoverer import window_id
    assert window_id(dict(seq_id='test-000003', start=0), 0) == 'test-000003'
    assert window_id(dict(seq_id='003/003_01_stageii', start=120), 1) == '003/003_01_stageii@120'
    assert window_id({}, 5) == '5'


def test_single_frames_gathers_each_row_as_its_own_sequence():
    from unihmr.models.batch_ops import single_frames
    values = torch.arange(2 * 4 * 3).view(2, 4, 3)
    batch = dict(x=values, nested=dict(y=values[..., 0]), per_sequence=torch.tensor([7, 8]), meta=['a', 'b'])
    out = single_frames(batch, torch.tensor([[3, 0], [1, 1]]))
    assert out['x'].shape == (4, 1, 3)
    assert torch.equal(out['x'][:, 0], torch.stack([values[0, 3], values[0, 0], values[1, 1], values[1, 1]]))
    assert torch.equal(out['nested']['y'][:, 0], torch.tensor([9, 0, 15, 15]))
    assert torch.equal(out['per_sequence'], torch.tensor([7, 7, 8, 8])) and out['meta'] == ['a', 'a', 'b', 'b']
