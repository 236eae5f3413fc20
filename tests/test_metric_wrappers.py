import logging
import math

import numpy as np
import pytest
import torch
from mmengine.logging import MMLogger

from unihmr.body.joint_sets import FEET_JOINTS
from unihmr.evaluation import CAMERA_METRICS, CameraMetric, MotionMetric, MultiSampleMetric, WorldMetric
from unihmr.registry import METRICS

F64 = torch.float64


def body(T, seed=0):
    return torch.randn(T, 22, 3, generator=torch.Generator().manual_seed(seed), dtype=F64) * 0.3


def camera_sample(T, joint_error_m, seq_id, seed=0):
    gt = body(T, seed)
    pred = gt.clone()
    pred[:, 3, 0] += joint_error_m  # one of 22 joints
    return dict(pred_joints_c=pred, gt_joints_c=gt, seq_id=seq_id)


def run(metric, samples):
    metric.process({}, samples)
    return metric.evaluate(len(samples))


class Capture(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def test_registry_builds_all_wrappers():
    for name in ('MotionMetric', 'CameraMetric', 'WorldMetric', 'MultiSampleMetric'):
        metric = METRICS.build(dict(type=name))
        assert isinstance(metric, MotionMetric)
    assert CameraMetric().metrics == CAMERA_METRICS
    with pytest.raises(ValueError, match="unknown \\['mpjpe_typo'\\]"):
        MotionMetric(metrics=['mpjpe', 'mpjpe_typo'])


def test_per_frame_concatenation_weights_long_sequences_more():
    # 10 frames at 1 mm and 30 frames at 2 mm: the frame-weighted mean is 1.75, not (1 + 2) / 2.
    metric = CameraMetric(metrics=['mpjpe', 'pa_mpjpe', 'accel'])
    out = run(metric, [camera_sample(10, 0.022, 'a'), camera_sample(30, 0.044, 'b', seed=1)])
    assert out['mpjpe'] == pytest.approx(1.75)
    assert out['accel'] == pytest.approx(0.0, abs=1e-6)
    assert set(out) == {'mpjpe', 'pa_mpjpe', 'accel'}  # pve, vis, ... skipped: inputs absent
    per_seq = {row['seq_id']: row for row in metric.per_sequence}
    assert per_seq['a']['mpjpe'] == pytest.approx(1.0) and per_seq['b']['mpjpe'] == pytest.approx(2.0)
    assert per_seq['a']['num_frames'] == 10 and per_seq['b']['num_frames'] == 30


def test_nan_frame_is_excluded_counted_and_logged():
    bad = camera_sample(10, 0.022, 'bad')
    bad['pred_joints_c'][4, 7, 1] = float('nan')
    capture = Capture()
    logger = MMLogger.get_current_instance()
    logger.addHandler(capture)
    try:
        out = run(CameraMetric(metrics=['mpjpe']), [bad, camera_sample(5, 0.044, 'ok')])
    finally:
        logger.removeHandler(capture)
    assert out['mpjpe'] == pytest.approx((9 * 1.0 + 5 * 2.0) / 14)
    assert out['mpjpe_nonfinite_frames'] == 1
    assert any('mpjpe' in m and '1 of 15' in m for m in capture.messages)


def test_valid_mask_numpy_inputs_and_camera_extras():
    sample = camera_sample(6, 0.022, 's')
    sample['pred_joints_c'][5] += 10.0  # a padded frame, dropped by `valid`
    sample = {k: (v.numpy() if isinstance(v, torch.Tensor) else v) for k, v in sample.items()}
    sample['valid'] = np.array([1, 1, 1, 1, 1, 0], dtype=bool)
    sample['vis'] = np.ones((6, 22), dtype=bool)
    sample['vis'][:, 3] = False
    sample['pred_verts_c'] = sample['pred_joints_c'].copy()
    sample['gt_verts_c'] = sample['gt_joints_c'].copy()
    out = run(CameraMetric(), [sample])
    assert out['mpjpe'] == pytest.approx(1.0) and out['pve'] == pytest.approx(1.0)
    assert out['mpjpe_vis'] == pytest.approx(0.0) and out['mpjpe_occ'] == pytest.approx(22.0)
    assert out['mpjpe_torso'] == pytest.approx(22.0 / 9)  # spine1 (joint 3) is one of 9 torso joints
    assert out['mpjpe_nontorso'] == pytest.approx(0.0)
    # region x visibility: the one moved joint is an occluded torso joint
    assert out['mpjpe_torso_occ'] == pytest.approx(22.0) and out['mpjpe_torso_vis'] == pytest.approx(0.0)
    assert out['mpjpe_nontorso_vis'] == pytest.approx(0.0)
    assert math.isnan(out['mpjpe_nontorso_occ'])  # no occluded non-torso joint


def test_world_metric_full_sample_and_skipping():
    T = 12
    gt = body(T) + torch.tensor([0.0, 1.0, 0.0], dtype=F64)
    gt = gt + torch.arange(T, dtype=F64)[:, None, None] * torch.tensor([0.05, 0.0, 0.0], dtype=F64)
    gt[:, list(FEET_JOINTS)] = gt[0, list(FEET_JOINTS)]  # planted feet
    pred = gt.clone()
    pred[:, list(FEET_JOINTS), 0] += torch.arange(T, dtype=F64)[:, None] * 0.002
    contact = torch.ones(T, 4)
    sample = dict(pred_joints_w=pred, gt_joints_w=gt, gt_contact=contact, pred_contact=contact * 0.9, fps=30)
    out = run(WorldMetric(), [sample])
    assert set(out) == {'wa_mpjpe', 'w_mpjpe', 'rte', 'jitter', 'foot_sliding', 'g_mpjpe', 'g_accel', 'skating_ratio',
                        'ground_penetration', 'contact_acc'}
    assert out['foot_sliding'] == pytest.approx(2.0) and out['contact_acc'] == pytest.approx(1.0)
    assert out['g_accel'] == pytest.approx(0.0, abs=1e-9)  # the feet drift at constant speed: no acceleration
    assert out['g_mpjpe'] == pytest.approx(np.mean(np.arange(T) * 2.0) * 4 / 22)
    only_transl = run(WorldMetric(), [dict(pred_transl_w=gt[:, 0], gt_transl_w=gt[:, 0])])
    assert set(only_transl) == {'rte'} and only_transl['rte'] == pytest.approx(0.0, abs=1e-6)


def test_g_accel_by_hand():
    """One joint off by c t^2 (t in frames): its second difference is 2c per frame^2, i.e. 2c fps^2 m/s^2, averaged
    over the 22 joints; no alignment, so a world offset growing linearly adds nothing."""
    T, c = 10, 0.001
    gt = body(T)
    pred = gt + torch.arange(T, dtype=F64)[:, None, None] * torch.tensor([0.0, 0.0, 0.3], dtype=F64)
    pred[:, 5, 1] += c * torch.arange(T, dtype=F64) ** 2
    out = run(WorldMetric(), [dict(pred_joints_w=pred, gt_joints_w=gt, fps=30)])
    assert out['g_accel'] == pytest.approx(2 * c * 30 ** 2 / 22)


def test_multi_sample_metric():
    gt = body(8)
    samples = gt + 0.03 * torch.randn(4, 8, 22, 3, generator=torch.Generator().manual_seed(5), dtype=F64)
    out = run(MultiSampleMetric(), [dict(pred_samples_joints_c=samples, gt_joints_c=gt, seq_id='m')])
    assert set(out) == {'min_mpjpe', 'mean_mpjpe', 'diversity', 'uncertainty_corr'}
    assert out['min_mpjpe'] <= out['mean_mpjpe'] and out['diversity'] > 0 and -1 <= out['uncertainty_corr'] <= 1
    single = run(MultiSampleMetric(), [dict(pred_samples_joints_c=samples[:1], gt_joints_c=gt)])
    assert set(single) == {'min_mpjpe', 'mean_mpjpe'}  # diversity and correlation need S >= 2


def test_wrong_shapes_name_the_key_and_both_shapes():
    metric = CameraMetric()
    with pytest.raises(ValueError, match=r'pred_joints_c: expected shape \(\*, 22, 3\), got \(10, 21, 3\)'):
        metric.process({}, [dict(pred_joints_c=torch.zeros(10, 21, 3), gt_joints_c=torch.zeros(10, 22, 3))])
    with pytest.raises(ValueError, match=r'gt_joints_c: expected 10 frames like pred_joints_c, got shape \(9, 22, 3\)'):
        metric.process({}, [dict(pred_joints_c=torch.zeros(10, 22, 3), gt_joints_c=torch.zeros(9, 22, 3))])
    with pytest.raises(ValueError, match=r'pred_samples_joints_c: expected shape \(\*, \*, 22, 3\), got \(10, 22, 3\)'):
        metric.process({}, [dict(pred_samples_joints_c=torch.zeros(10, 22, 3))])


def test_rotation_errors_split_torso_and_non_torso_rotations():
    from unihmr.body.joint_sets import DEFAULT_TORSO_SPLIT
    gt = torch.zeros(4, 21, 3, dtype=F64)
    pred = gt.clone()
    pred[:, DEFAULT_TORSO_SPLIT.torso_pose[0], 2] = math.radians(16)  # one of the 8 torso rotations turned 16 deg
    sample = dict(camera_sample(4, 0.0, 'a'), pred_body_pose=pred, gt_body_pose=gt)
    result = run(CameraMetric(), [sample])
    assert result['rot_torso'] == pytest.approx(16 / len(DEFAULT_TORSO_SPLIT.torso_pose))
    assert result['rot_nontorso'] == 0
    assert 'rot_torso' not in run(CameraMetric(), [camera_sample(4, 0.0, 'b')])  # no rotations, no metric


def test_reprojection_error_needs_the_intrinsics_of_the_sequence():
    sample = camera_sample(6, 0.02, 'a')
    sample['gt_joints_c'] = sample['gt_joints_c'] + torch.tensor([0.0, 0.0, 3.0], dtype=F64)  # in front
    sample['pred_joints_c'] = sample['pred_joints_c'] + torch.tensor([0.0, 0.0, 3.0], dtype=F64)
    assert 'reproj_px' not in run(CameraMetric(), [dict(sample)])
    K = torch.tensor([[600.0, 0.0, 0.0], [0.0, 600.0, 0.0], [0.0, 0.0, 1.0]], dtype=F64)
    out = run(CameraMetric(), [dict(sample, K=K)])
    assert 0 < out['reproj_px'] < 600 * 0.02 / 2.0  # one of 22 joints moved 2 cm, depths ~3 m
    with pytest.raises(ValueError, match='K'):
        run(CameraMetric(), [dict(sample, K=torch.eye(4, dtype=F64))])
    per_frame = run(CameraMetric(), [dict(sample, K=K.expand(6, 3, 3))])
    assert per_frame['reproj_px'] == pytest.approx(out['reproj_px'])
