"""Thin mmengine ``BaseMetric`` wrappers around :mod:`unihmr.evaluation.metrics`.

``process(data_batch, data_samples)`` takes ``data_samples``: a list of dicts, ONE SEQUENCE EACH (no
batch dim), torch tensors or NumPy arrays. Every key is optional; a metric is skipped for a sequence
that lacks its inputs (and left out of the result when no sequence has them). Metres, world y up.

=========================  ==============  =======================================================
key                        shape           meaning
=========================  ==============  =======================================================
``pred_joints_c``          (T, 22, 3)      predicted camera-space body joints
``gt_joints_c``            (T, 22, 3)      ground-truth camera-space body joints
``pred_verts_c``           (T, V, 3)       predicted camera-space vertices (PVE, same backend only)
``gt_verts_c``             (T, V, 3)       ground-truth camera-space vertices
``pred_joints_w``          (T, 22, 3)      predicted world-frame joints
``gt_joints_w``            (T, 22, 3)      ground-truth world-frame joints
``pred_transl_w``          (T, 3)          predicted world root; used for RTE only without joints_w
``gt_transl_w``            (T, 3)          ground-truth world root (same)
``vis``                    (T, 22) bool    joint visible (1) or occluded (0)
``pred_contact``           (T, 4)          predicted foot-contact probabilities (FEET_JOINT_NAMES order)
``gt_contact``             (T, 4)          ground-truth foot-contact labels
``pred_samples_joints_c``  (S, T, 22, 3)   S sampled hypotheses, camera space
``pred_body_pose``         (T, 21, 3)      predicted body-pose rotations, axis-angle (rotation errors)
``gt_body_pose``           (T, 21, 3)      ground-truth body-pose rotations, axis-angle
``K``                      (3, 3)          full-image intrinsics, or (T, 3, 3) per frame: 2D reprojection error
``valid``                  (T,) bool       real frames; other frames are dropped before any metric
``fps``                    float           frame rate (default ``fps`` of the metric, 30)
``seq_id``                 str             sequence name for the per-sequence table
=========================  ==============  =======================================================

``compute_metrics`` concatenates the per-frame values of all sequences and averages them (DESIGN
section 8), so long sequences weigh more. Non-finite values are left out of each mean, logged as a
warning, and counted in ``<metric>_nonfinite_frames`` (present only when non-zero). A metric whose
values are all left out or that has no values at all (foot sliding with no GT contact step) is NaN.
Keys are bare (``mpjpe``) unless a ``prefix`` is given. Per-sequence means
are kept in ``self.per_sequence`` (a list of dicts with ``seq_id``, ``num_frames`` and the metrics).
"""
from typing import Callable, Dict, NamedTuple, Optional, Sequence, Tuple

import numpy as np
import torch
from mmengine.evaluator import BaseMetric

from unihmr.body.joint_sets import DEFAULT_TORSO_SPLIT, FEET_JOINT_NAMES, NUM_BODY_JOINTS, TorsoSplit
from unihmr.registry import METRICS
from unihmr.utils.validation import check_tensor

from . import metrics as M
from .metrics.common import report_nonfinite

J = NUM_BODY_JOINTS
KEY_SPECS = {  # key -> (shape spec, floating); dim 0 is time except for samples (dim 1)
    'pred_joints_c': ((None, J, 3), True), 'gt_joints_c': ((None, J, 3), True),
    'pred_verts_c': ((None, None, 3), True), 'gt_verts_c': ((None, None, 3), True),
    'pred_joints_w': ((None, J, 3), True), 'gt_joints_w': ((None, J, 3), True),
    'pred_transl_w': ((None, 3), True), 'gt_transl_w': ((None, 3), True),
    'vis': ((None, J), False), 'valid': ((None,), False),
    'pred_contact': ((None, len(FEET_JOINT_NAMES)), False), 'gt_contact': ((None, len(FEET_JOINT_NAMES)), False),
    'pred_samples_joints_c': ((None, None, J, 3), True),
    'pred_body_pose': ((None, J - 1, 3), True), 'gt_body_pose': ((None, J - 1, 3), True),
}
SAMPLE_KEY = 'pred_samples_joints_c'
PAIRED = 'uncertainty_corr'  # pooled (spread, error) pairs, reduced by a Pearson correlation
SEEN = ('vis', 'occ')
PAIRED_METRICS = (PAIRED, *(f'{PAIRED}_{seen}' for seen in SEEN))  # each reduced by a Pearson correlation
CALIBRATION_KS = (0.5, 1.0, 2.0, 3.0)  # points of the calibration curve: error within k sample spreads


class _Entry(NamedTuple):
    requires: Sequence[Sequence[str]]  # alternatives: any one complete key set suffices
    fn: Callable  # (metric, inputs, fps) -> tensor of per-frame values
    min_frames: int = 1
    min_samples: int = 1


def _root_w(d, who):
    return d[f'{who}_joints_w'][:, 0] if f'{who}_joints_w' in d else d[f'{who}_transl_w']


def _floor(m, d):
    return M.lowest_height(d['gt_joints_w']) if m.floor == 'gt_min' else 0.0


def _region_visibility(region: str, seen: str) -> Callable:
    """Metric function: errors of the visible ('vis') or occluded ('occ') joints of the torso / non-torso
    region, one value per selected (frame, joint) (FactorizedHMR Table 2 split by visibility)."""
    def fn(m, d, fps):
        joints = m.torso_split.torso_joints if region == 'torso' else m.torso_split.non_torso_joints
        in_region = torch.zeros(d['vis'].shape[-1], dtype=torch.bool, device=d['vis'].device)
        in_region[list(joints)] = True
        vis = d['vis'].bool()
        return M.masked_mpjpe(*(d[k] for k in CAM), (vis if seen == 'vis' else ~vis) & in_region, m.root_idxs)
    return fn


def _seen_joints(m, d, seen: str) -> torch.Tensor:
    """(T, J) bool: the visible ('vis') or occluded ('occ') joints, without the root joints (aligned to zero error
    and spread, they say nothing about calibration)."""
    joints = d['vis'].bool() if seen == 'vis' else ~d['vis'].bool()
    joints[:, list(m.root_idxs)] = False
    return joints


def _calibration(k: float, seen: str) -> Callable:
    """Metric function: one 0/1 value per visible / occluded (frame, joint): the sample mean's error is within k
    sample spreads (pooled: a point of the calibration curve)."""
    return lambda m, d, fps: M.within_spread(*(d[key] for key in SAMPLES), k, _seen_joints(m, d, seen), m.root_idxs)


def _region_rotation(region: str) -> Callable:
    """Metric function: geodesic errors (degrees) of the torso / non-torso body-pose rotations, one value per
    (frame, rotation)."""
    def fn(m, d, fps):
        rotations = m.torso_split.torso_pose if region == 'torso' else m.torso_split.non_torso_pose
        return M.rotation_error(*(d[k] for k in POSE))[:, list(rotations)].reshape(-1)
    return fn


CAM, WORLD, SAMPLES = ('pred_joints_c', 'gt_joints_c'), ('pred_joints_w', 'gt_joints_w'), (SAMPLE_KEY, 'gt_joints_c')
POSE = ('pred_body_pose', 'gt_body_pose')
ENTRIES: Dict[str, _Entry] = {
    'mpjpe': _Entry([CAM], lambda m, d, fps: M.mpjpe(*(d[k] for k in CAM), m.root_idxs)),
    'pa_mpjpe': _Entry([CAM], lambda m, d, fps: M.pa_mpjpe(*(d[k] for k in CAM))),
    'pve': _Entry([CAM + ('pred_verts_c', 'gt_verts_c')], lambda m, d, fps: M.pve(
        d['pred_verts_c'], d['gt_verts_c'], *(d[k] for k in CAM), m.root_idxs)),
    'reproj_px': _Entry([CAM + ('K',)], lambda m, d, fps: M.reprojection_error(*(d[k] for k in CAM), d['K'])),
    'accel': _Entry([CAM], lambda m, d, fps: M.accel_error(*(d[k] for k in CAM), fps, m.root_idxs), 3),
    'mpjpe_vis': _Entry([CAM + ('vis',)], lambda m, d, fps: M.masked_mpjpe(*(d[k] for k in CAM), d['vis'].bool(),
                                                                        m.root_idxs)),
    'mpjpe_occ': _Entry([CAM + ('vis',)], lambda m, d, fps: M.masked_mpjpe(*(d[k] for k in CAM), ~d['vis'].bool(),
                                                                        m.root_idxs)),
    'mpjpe_torso': _Entry([CAM], lambda m, d, fps: M.regional_mpjpe(
        *(d[k] for k in CAM), m.torso_split.torso_joints, m.root_idxs)),
    'mpjpe_nontorso': _Entry([CAM], lambda m, d, fps: M.regional_mpjpe(
        *(d[k] for k in CAM), m.torso_split.non_torso_joints, m.root_idxs)),
    'pa_mpjpe_torso': _Entry([CAM], lambda m, d, fps: M.regional_pa_mpjpe(
        *(d[k] for k in CAM), m.torso_split.torso_joints)),
    'pa_mpjpe_nontorso': _Entry([CAM], lambda m, d, fps: M.regional_pa_mpjpe(
        *(d[k] for k in CAM), m.torso_split.non_torso_joints)),
    **{f'mpjpe_{region}_{seen}': _Entry([CAM + ('vis',)], _region_visibility(region, seen))
       for region in ('torso', 'nontorso') for seen in ('vis', 'occ')},
    **{f'rot_{region}': _Entry([POSE], _region_rotation(region)) for region in ('torso', 'nontorso')},
    'wa_mpjpe': _Entry([WORLD], lambda m, d, fps: M.wa_mpjpe(*(d[k] for k in WORLD), m.chunk_length)),
    'w_mpjpe': _Entry([WORLD], lambda m, d, fps: M.w_mpjpe(*(d[k] for k in WORLD), m.chunk_length)),
    'rte': _Entry([WORLD, ('pred_transl_w', 'gt_transl_w')],
                  lambda m, d, fps: M.rte(_root_w(d, 'pred'), _root_w(d, 'gt')), 2),
    'jitter': _Entry([('pred_joints_w',)], lambda m, d, fps: M.jitter(d['pred_joints_w'], fps), 4),
    'foot_sliding': _Entry([WORLD], lambda m, d, fps: M.foot_sliding(*(d[k] for k in WORLD)), 2),
    'g_mpjpe': _Entry([WORLD], lambda m, d, fps: M.g_mpjpe(*(d[k] for k in WORLD))),
    'g_accel': _Entry([WORLD], lambda m, d, fps: M.accel_error(*(d[k] for k in WORLD), fps, None), 3),
    'g_mpjpe_vis': _Entry([WORLD + ('vis',)], lambda m, d, fps: M.masked_g_mpjpe(*(d[k] for k in WORLD), d['vis'].bool())),
    'g_mpjpe_occ': _Entry([WORLD + ('vis',)], lambda m, d, fps: M.masked_g_mpjpe(*(d[k] for k in WORLD), ~d['vis'].bool())),
    'skating_ratio': _Entry([WORLD], lambda m, d, fps: M.skating_ratio(d['pred_joints_w'], fps, _floor(m, d)), 2),
    'ground_penetration': _Entry([WORLD], lambda m, d, fps: M.ground_penetration(d['pred_joints_w'], _floor(m, d))),
    'contact_acc': _Entry([('pred_contact', 'gt_contact')],
                          lambda m, d, fps: M.contact_accuracy(d['pred_contact'], d['gt_contact'])),
    'min_mpjpe': _Entry([SAMPLES], lambda m, d, fps: M.min_mpjpe(*(d[k] for k in SAMPLES), m.root_idxs)),
    'mean_mpjpe': _Entry([SAMPLES], lambda m, d, fps: M.mean_mpjpe(*(d[k] for k in SAMPLES), m.root_idxs)),
    'diversity': _Entry([(SAMPLE_KEY,)], lambda m, d, fps: M.diversity(d[SAMPLE_KEY], m.root_idxs), 1, 2),
    PAIRED: _Entry([SAMPLES], lambda m, d, fps: torch.stack(
        [v.reshape(-1) for v in M.spread_and_error(*(d[k] for k in SAMPLES), m.root_idxs)], -1), 1, 2),
    **{f'{PAIRED}_{seen}': _Entry([SAMPLES + ('vis',)], lambda m, d, fps, seen=seen: M.selected_spread_and_error(
        *(d[k] for k in SAMPLES), _seen_joints(m, d, seen), m.root_idxs), 1, 2) for seen in SEEN},
    **{f'calibration_{seen}_k{k:g}': _Entry([SAMPLES + ('vis',)], _calibration(k, seen), 1, 2)
       for seen in SEEN for k in CALIBRATION_KS},
}
CAMERA_METRICS = ('mpjpe', 'pa_mpjpe', 'pve', 'reproj_px', 'accel', 'mpjpe_vis', 'mpjpe_occ', 'mpjpe_torso', 'mpjpe_nontorso',
                  'pa_mpjpe_torso', 'pa_mpjpe_nontorso', 'mpjpe_torso_vis', 'mpjpe_torso_occ', 'mpjpe_nontorso_vis',
                  'mpjpe_nontorso_occ', 'rot_torso', 'rot_nontorso')
WORLD_METRICS = ('wa_mpjpe', 'w_mpjpe', 'rte', 'jitter', 'foot_sliding', 'g_mpjpe', 'g_accel', 'g_mpjpe_vis', 'g_mpjpe_occ',
                 'skating_ratio',
                 'ground_penetration', 'contact_acc')
MULTI_SAMPLE_METRICS = ('min_mpjpe', 'mean_mpjpe', 'diversity', *PAIRED_METRICS,
                        *(f'calibration_{seen}_k{k:g}' for seen in SEEN for k in CALIBRATION_KS))


def prepare_sample(sample: dict) -> Tuple[Dict[str, torch.Tensor], int]:
    """Check the known keys of one data sample (ValueError naming the key), drop invalid frames.

    Returns the tensors and the number of frames kept.
    """
    d, num_frames = {}, None
    specs = dict(KEY_SPECS)
    if sample.get('K') is not None and torch.as_tensor(sample['K']).dim() != 2:
        specs['K'] = ((None, 3, 3), True)  # per frame; (3, 3) per sequence is checked below
    for key, (spec, floating) in specs.items():
        if sample.get(key) is None:
            continue
        d[key] = check_tensor(key, torch.as_tensor(sample[key]), spec, floating=floating)
        t = d[key].shape[1 if key == SAMPLE_KEY else 0]
        if num_frames is None:
            num_frames, first = t, key
        elif t != num_frames:
            raise ValueError(f'{key}: expected {num_frames} frames like {first}, got shape {tuple(d[key].shape)}')
    if 'valid' in d:
        valid = d.pop('valid').bool()
        d = {k: (v[:, valid] if k == SAMPLE_KEY else v[valid]) for k, v in d.items()}
        num_frames = int(valid.sum())
    if sample.get('K') is not None and 'K' not in d:
        d['K'] = check_tensor('K', torch.as_tensor(sample['K']), (3, 3), floating=True)
    return d, num_frames or 0


def _summarize_pairs(pairs: np.ndarray, name: Optional[str]):
    """Pearson r of the finite (spread, error) rows and the number of non-finite rows."""
    finite = np.isfinite(pairs).all(-1)
    n_bad = int((~finite).sum())
    if name is not None:
        report_nonfinite(name, n_bad, len(pairs))
    if finite.sum() < 2:
        return float('nan'), n_bad
    return float(M.pearson(torch.from_numpy(pairs[finite, 0]), torch.from_numpy(pairs[finite, 1]))), n_bad


@METRICS.register_module()
class MotionMetric(BaseMetric):
    """Per-frame HMR metrics pooled over sequences; ``metrics`` names a subset of ``ENTRIES`` (all if None).

    Args:
        fps: default frame rate when a sample has no ``fps``.
        root_idxs: joints whose mean is the root for camera-space alignment (pelvis).
        chunk_length: frames per WA-/W-MPJPE chunk.
        torso_names: body-pose joints of the torso region (``TorsoSplit``); default FactorizedHMR's.
        floor: ``'ground'`` (heights above y = 0) or ``'gt_min'`` (RoHM: above the lowest GT joint).
    """

    default_metrics: Sequence[str] = tuple(ENTRIES)
    default_prefix: Optional[str] = ''  # keys stay bare ('mpjpe'); pass prefix= to namespace them

    def __init__(self, metrics: Optional[Sequence[str]] = None, fps: float = 30.0, root_idxs: Sequence[int] = (0,),
                 chunk_length: int = 100, torso_names: Optional[Sequence[str]] = None, floor: str = 'ground',
                 collect_device: str = 'cpu', prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.metrics = tuple(self.default_metrics if metrics is None else metrics)
        unknown = [name for name in self.metrics if name not in ENTRIES]
        if unknown:
            raise ValueError(f'metrics: unknown {unknown}; available: {list(ENTRIES)}')
        if floor not in ('ground', 'gt_min'):
            raise ValueError(f"floor: expected 'ground' or 'gt_min', got {floor!r}")
        self.fps, self.root_idxs, self.chunk_length, self.floor = fps, tuple(root_idxs), chunk_length, floor
        self.torso_split = DEFAULT_TORSO_SPLIT if torso_names is None else TorsoSplit(tuple(torso_names))
        self.per_sequence: list = []

    @staticmethod
    def _available(entry: _Entry, d: dict, num_frames: int) -> bool:
        if not any(all(k in d for k in keys) for keys in entry.requires):
            return False
        num_samples = d[SAMPLE_KEY].shape[0] if SAMPLE_KEY in d else 0
        return num_frames >= entry.min_frames and (entry.min_samples == 1 or num_samples >= entry.min_samples)

    def compute_sequence(self, sample: dict) -> Tuple[Dict[str, np.ndarray], int]:
        """Per-frame values (float64 arrays) of every requested metric whose inputs the sample has,
        and the number of valid frames."""
        d, num_frames = prepare_sample(sample)
        fps = float(sample.get('fps') or self.fps)
        values = {}
        with torch.no_grad():
            for name in self.metrics:
                entry = ENTRIES[name]
                if self._available(entry, d, num_frames):
                    values[name] = entry.fn(self, d, fps).detach().cpu().double().numpy()
        return values, num_frames

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            values, num_frames = self.compute_sequence(sample)
            self.results.append({'seq_id': sample.get('seq_id'), 'num_frames': num_frames, 'values': values})

    def compute_metrics(self, results: list) -> Dict[str, float]:
        out = {}
        for name in self.metrics:
            parts = [r['values'][name] for r in results if name in r['values']]
            if not parts:
                continue
            pooled = np.concatenate(parts)
            mean, n_bad = _summarize_pairs(pooled, name) if name in PAIRED_METRICS else M.summarize(pooled, name)
            out[name] = mean
            if n_bad:
                out[f'{name}_nonfinite_frames'] = n_bad
        self.per_sequence = [
            {'seq_id': r['seq_id'], 'num_frames': r['num_frames'],
             **{k: (_summarize_pairs(v, None) if k in PAIRED_METRICS else M.summarize(v))[0] for k, v in r['values'].items()}}
            for r in results]
        return out


@METRICS.register_module()
class CameraMetric(MotionMetric):
    """Camera-space metrics: MPJPE, PA-MPJPE, PVE, accel, visibility and torso splits."""
    default_metrics = CAMERA_METRICS


@METRICS.register_module()
class WorldMetric(MotionMetric):
    """World-space and physical metrics: WA-/W-/G-MPJPE, RTE, jitter, foot sliding, skating, penetration, contact."""
    default_metrics = WORLD_METRICS


@METRICS.register_module()
class MultiSampleMetric(MotionMetric):
    """Metrics over S sampled hypotheses: min-of-S and mean MPJPE, diversity, spread-error correlation."""
    default_metrics = MULTI_SAMPLE_METRICS
