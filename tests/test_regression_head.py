"""RegressionHead: overfits one small batch, predicts contract shapes, keeps the body model out of state_dict."""
import pytest
import torch

from unihmr.body import EmbeddedSMPLX
from unihmr.data.collate import collate_windows
from unihmr.data.datasets.synthetic import SyntheticMotionDataset
from unihmr.models.batch_ops import slice_time
from unihmr.models.estimate import PARAM_NAMES, Estimate
from unihmr.models.heads import RegressionHead
from unihmr.registry import HEADS

TINY = dict(type='RoPETransformer', width=32, depth=1, heads=2, window=4)


@pytest.fixture(scope='module')
def batch():
    dataset = SyntheticMotionDataset(split='test', num_windows=2, window=32)
    # 16 frames keep the body-model passes fast
    return slice_time(collate_windows([dataset[0], dataset[1]]), 0, 16)


@pytest.fixture(scope='module')
def body():
    return EmbeddedSMPLX()


def _head(body, batch, **kwargs):
    torch.manual_seed(0)
    head = HEADS.build(dict(type='RegressionHead', backbone=TINY, in_width=batch['img_feat'].shape[-1], **kwargs),
                       default_args=dict(body_model=body))
    head.codec.compute_stats([batch])
    return head


def test_loss_decreases_when_overfitting(body, batch):
    head = _head(body, batch, losses=dict(verts_c=None))  # the 24k-vertex pass is slow on CPU; tested in test_losses
    optimizer = torch.optim.Adam(head.parameters(), lr=3e-3)
    totals = []
    for _ in range(30):
        losses = head.loss(batch['img_feat'], batch, {})
        assert all('loss' in name for name in losses)
        total = sum(losses.values())
        optimizer.zero_grad()
        total.backward()
        optimizer.step()
        totals.append(total.item())
    assert totals[-1] < 0.6 * totals[0], totals


def test_predict_shapes(body, batch):
    head = _head(body, batch)
    out = head.predict(batch['img_feat'], batch)
    assert isinstance(out, Estimate) and out.samples is None
    for frame in ('c', 'w'):
        params = out.body_args(frame)
        assert params['global_orient'].shape == (2, 16, 3) and params['transl'].shape == (2, 16, 3)
        assert params['body_pose'].shape == (2, 16, 21, 3) and params['betas'].shape == (2, 16, 10)
    assert set(out.params) == set(PARAM_NAMES) == set(batch['smpl_params'])
    assert out.contact.shape == (2, 16, 4) and ((out.contact >= 0) & (out.contact <= 1)).all()
    several = head.predict(batch['img_feat'], batch, num_samples=3)
    assert several.samples['body_pose'].shape == (3, 2, 16, 21, 3)
    torch.testing.assert_close(several.samples['transl_c'][2], out.transl_c)  # deterministic: copies
    with pytest.raises(ValueError, match='deterministic'):
        head.predict(batch['img_feat'], batch, num_steps=5)
    with pytest.raises(TypeError, match='solver'):
        head.predict(batch['img_feat'], batch, solver='euler')


def test_known_fields_of_an_earlier_estimate_are_imposed(body, batch):
    head = _head(body, batch, codec=dict(type='GVHMRCodec', known_fields=('betas', 'cam')), inputs=('anchor',))
    head.codec.compute_stats([batch])
    anchor = Estimate.from_params(batch['smpl_params'])
    out = head.predict(batch['img_feat'], batch, {'anchor': anchor})
    torch.testing.assert_close(out.betas, batch['smpl_params']['betas'], atol=1e-4, rtol=0)
    torch.testing.assert_close(out.transl_c, batch['smpl_params']['transl_c'], atol=1e-4, rtol=0)
    free = head.predict(batch['img_feat'], batch, {})  # nothing earlier: nothing imposed
    assert (free.betas - batch['smpl_params']['betas']).abs().max() > 1e-2


def test_body_model_outside_state_dict(body, batch):
    head = _head(body, batch)
    keys = set(head.state_dict())
    assert {'codec.mean', 'codec.std'} <= keys
    assert not any(k.startswith('body') or 'shape_space' in k or '_body' in k for k in keys)
    assert head.body_model is body and body not in list(head.modules())
    head.to(torch.float64)
    assert body.dtype == torch.float64
    head.to(torch.float32)
    assert body.dtype == torch.float32
    bare = RegressionHead(backbone=TINY, in_width=8, losses=dict(joints_c=None, joints_c_abs=None, verts_c=None,
                                                                  reproj=None))
    assert bare.body_model is None and not bare.loss_set.needs_body


def test_a_ramped_loss_ramps_in_any_head(body, batch):
    """The ramp counter lives in ``SMPLXLossSet``: a regression head's ramped term starts at weight 0 and grows
    by weight / ramp_iters per training call (before, only the flow head counted steps)."""
    head = _head(body, batch, losses=dict(verts_c=None, reproj=dict(ramp_iters=4, weight=2.0))).train()
    assert float(head.loss(batch['img_feat'], batch, {})['loss_reproj'].detach()) == 0.0  # step 0: weight 0
    unramped = _head(body, batch, losses=dict(verts_c=None)).train()
    full = float(unramped.loss(batch['img_feat'], batch, {})['loss_reproj'].detach())  # the same network (seed 0), weight 1
    assert float(head.loss(batch['img_feat'], batch, {})['loss_reproj'].detach()) == pytest.approx(2.0 / 4 * full, rel=1e-4)
    assert int(head.loss_set.train_step) == 2
    head.eval()
    head.loss(batch['img_feat'], batch, {})
    assert int(head.loss_set.train_step) == 2  # evaluation does not count
