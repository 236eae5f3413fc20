"""The main job: recover SMPL-X motion from a sequence with a trained recoverer, and show it.

Input: a synthetic test sequence (by seed and occlusion severity; ground truth known, so metrics are
printed) or a user's keypoint file (``keypoint_input``). Output, in the work dir: ``recovered.npz``
(SMPL-X parameters in camera and world frames, and AMASS's file keys in AMASS's z-up world),
``recovered.bvh`` (the world motion on our skeleton, ``unihmr.data.bvh.writer``), ``recovered.gif`` (the recovered
skeleton projected over the keypoints, next to a world side view of the recovered mesh), ``metrics.json``
when the ground truth is known, and the resolved config. Every file is written atomically.

With ``demo.num_samples`` S > 1 a generative model draws S hypotheses: the GIF draws every hypothesis's
skeleton thinly behind the first one (their spread shows the uncertainty), the npz adds
``hypotheses_joints_c`` (S, T, 22, 3), and the metrics add min-of-S, diversity and spread-error correlation.

A user file without ``img_feat`` is recovered with ``demo.keypoint_only`` (the keypoint-only model, issue 15)
when the configured model reads image features; the demo prints a line saying so, and ``config.py`` is that
model's.
"""
import json
from pathlib import Path

import imageio.v2 as imageio
import matplotlib.pyplot as plt
import numpy as np
import torch
from tqdm import tqdm

from unihmr.apis.config import load_config, save_config
from unihmr.apis.inference import build_model
from unihmr.apis.keypoint_input import load_keypoint_window
from unihmr.body.joint_sets import BODY_PARENTS
from unihmr.data.amass_format import amass_file_arrays
from unihmr.data.bvh.writer import write_bvh
from unihmr.data.collate import collate_windows
from unihmr.data.datasets.synthetic import SyntheticMotionDataset
from unihmr.evaluation import MotionMetric
from unihmr.geometry import project_points
from unihmr.utils.io import atomic_path, check_writable_dir, output_set, write_text
from unihmr.utils.validation import UserInputError
from unihmr.visualization.data_view import draw_body_frame, draw_keypoint_frame, person_view_box

def demo_window(demo_cfg, feat_dim: int) -> dict:
    """The input window: the user's keypoint file, or synthetic test sequence ``seed`` of ``num_frames``."""
    if demo_cfg.get('input'):
        return load_keypoint_window(demo_cfg['input'], feat_dim, track_id=demo_cfg.get('track_id'),
                                    K=demo_cfg.get('K'), image_size=demo_cfg.get('image_size'),
                                    fov_deg=demo_cfg.get('fov_deg'), fps=demo_cfg.get('fps'))
    dataset = SyntheticMotionDataset(split='test', num_windows=int(demo_cfg['seed']) + 1,
                                     window=int(demo_cfg['num_frames']), severity=demo_cfg['severity'],
                                     feat_dim=feat_dim)
    return dataset[int(demo_cfg['seed'])]


def uses_image_features(cfg) -> bool:
    """Whether the model of ``cfg`` reads ``img_feat`` (its encoder's modalities, or a prior conditioned on it)."""
    from unihmr.models.encoders import MODALITIES
    encoder = cfg.model.get('encoder')
    if encoder and 'img_feat' in tuple(encoder.get('modalities', MODALITIES)):
        return True
    priors = [stage.get('prior') or stage for stage in cfg.model.get('stages', [])]
    return any(p.get('type') == 'DiffusionPriorHead' and p.get('condition', 'img_feat') == 'img_feat' for p in priors)


def choose_model(cfg, window: dict):
    """``(cfg, checkpoint, note)``: a user file without ``img_feat`` read by an image-feature model switches to
    ``demo.keypoint_only`` (its ``config`` and ``checkpoint``) when set; ``note`` says so (else None)."""
    demo_cfg = cfg.demo
    fallback = demo_cfg.get('keypoint_only') or {}
    if window['meta'].get('has_img_feat', True) or not uses_image_features(cfg):
        return cfg, demo_cfg['checkpoint'], None
    if not fallback.get('config'):
        return cfg, demo_cfg['checkpoint'], (f"note: {demo_cfg['input']} has no img_feat; this model reads image "
                                             'features and gets zeros there (set demo.keypoint_only to switch)')
    chosen = load_config(fallback['config'])
    chosen.demo = dict(demo_cfg, checkpoint=fallback['checkpoint'])
    return chosen, fallback['checkpoint'], (f"note: {demo_cfg['input']} has no img_feat: recovering with the "
                                            f"keypoint-only model {fallback['config']} ({fallback['checkpoint']})")


def recovered_arrays(params: dict, fps: float, rest_joints: np.ndarray) -> dict:
    """SMPL-X parameters (T, ...) -> the npz arrays: camera / world frames (our y-up world) and the AMASS file
    keys in AMASS's z-up world (``amass_format``); ``betas`` (10,) the sequence mean; rest_joints (22, 3)."""
    arrays = {key: value.cpu().numpy() for key, value in params.items()}
    betas = arrays['betas'].mean(0)
    amass = amass_file_arrays(arrays['global_orient_w'], arrays['body_pose'], arrays['transl_w'], betas, fps,
                              rest_joints[0])
    return {**arrays, **amass, 'betas': betas}


def _draw_skeleton_2d(ax, pixels, **style):
    for joint, parent in enumerate(BODY_PARENTS):
        if parent >= 0:
            ax.plot(pixels[[parent, joint], 0], pixels[[parent, joint], 1], **style)


MESH_CHUNK = 64  # animation frames whose mesh is posed in one body-model call


def _animation(window, joints_c, estimate, body_model, joints_w, path, step: int, fps: float, hypotheses=None):
    """GIF: keypoints + recovered skeleton (and ``hypotheses`` (S, T, 22, 3) camera joints, thin) | world mesh.

    Streamed so that memory does not grow with the sequence: the mesh is posed only for the drawn frames, in
    chunks of ``MESH_CHUNK``, and each frame is appended to the GIF as soon as it is drawn."""
    K = window['K']
    pixels = project_points(joints_c, K).numpy()
    hypothesis_pixels = None if hypotheses is None else project_points(hypotheses, K).numpy()
    image_size = tuple(int(v) for v in window['meta'].get('image_size', (2 * K[0, 0, 2].item(), 2 * K[0, 1, 2].item())))
    view = person_view_box(window['bbox'].numpy(), image_size)
    occluders = window['meta'].get('occluders')
    faces = body_model.faces.cpu().numpy()
    world = {key: value[0] for key, value in estimate.body_args('w').items()}  # (T, ...)
    drawn = list(range(0, pixels.shape[0], step))
    with atomic_path(path) as tmp, imageio.get_writer(tmp, format='GIF', duration=step / fps, loop=0) as writer:
        for start in tqdm(range(0, len(drawn), MESH_CHUNK), desc='drawing', unit='chunk', leave=False):
            frames = drawn[start:start + MESH_CHUNK]
            with torch.no_grad():
                vertices = body_model(**{key: value[frames] for key, value in world.items()}).vertices.numpy()
            for t, vertices_t in zip(frames, vertices):
                fig, (left, right) = plt.subplots(1, 2, figsize=(7.2, 3.8))
                draw_keypoint_frame(left, window['kp2d'][t].numpy(), image_size,
                                    None if occluders is None else occluders[t].numpy(), title=f'frame {t}',
                                    view_box=view)
                for sample in ([] if hypothesis_pixels is None else hypothesis_pixels):
                    _draw_skeleton_2d(left, sample[t], color='tab:orange', linewidth=0.8, alpha=0.6)
                _draw_skeleton_2d(left, pixels[t], color='tab:red', linewidth=1.5)
                draw_body_frame(right, vertices_t, faces, joints_w, title='recovered, world side view')
                fig.tight_layout()
                fig.canvas.draw()
                writer.append_data(np.asarray(fig.canvas.buffer_rgba())[..., :3].copy())
                plt.close(fig)


DEMO_OUTPUTS = ('recovered.npz', 'recovered.bvh', 'recovered.gif', 'metrics.json', 'config.py')


def run_recovery_demo(cfg, work_dir) -> dict:
    """Recover the demo sequence with ``cfg.model`` + ``cfg.demo.checkpoint``; returns the written paths.

    Inputs and the output folder are checked before any work; the outputs are written into a temporary folder
    and moved into ``work_dir`` together at the end (``output_set``), so an interrupted run leaves the previous
    run's set as it was. ``demo.noise_seed`` seeds the sampling noise of generative models (written in
    ``config.py``)."""
    demo_cfg = dict(cfg.demo)
    check_writable_dir(work_dir)
    animation_step = int(demo_cfg['animation_step'])
    if animation_step < 1:
        raise UserInputError(f'demo.animation_step must be a positive integer, got {animation_step}')
    window = demo_window(demo_cfg, int(cfg.model.encoder.feat_dim))
    cfg, checkpoint, note = choose_model(cfg, window)
    if note:
        print(note)
    model = build_model(cfg, checkpoint)
    fps = float(window['meta'].get('fps', 30.0))
    if not fps > 0:
        raise UserInputError(f'demo input: fps must be positive, got {fps}')
    batch = collate_windows([window])
    num_samples = int(demo_cfg.get('num_samples', 1))
    torch.manual_seed(int(demo_cfg.get('noise_seed', 0)))
    with torch.no_grad():
        estimate = model.recover(batch, num_samples=num_samples)
        hypotheses = model.sample_joints(estimate)  # (S, 1, T, 22, 3) or None
        params = {key: value[0] for key, value in estimate.params.items()}
        posed_c = model.body_model(**{k: v[0] for k, v in estimate.body_args('c').items()}, return_verts=False)
        joints_w = model.body_model(**{k: v[0] for k, v in estimate.body_args('w').items()}, return_verts=False).joints
    work_dir = Path(work_dir)
    hypotheses = None if hypotheses is None else hypotheses[:, 0]
    extra = {} if hypotheses is None else {'hypotheses_joints_c': hypotheses.numpy()}
    names = {'npz': 'recovered.npz', 'bvh': 'recovered.bvh', 'animation': 'recovered.gif', 'config': 'config.py'}
    rest_joints = model.body_model(betas=params['betas'].mean(0, keepdim=True), return_verts=False).joints[0]
    rest_joints = rest_joints.double().cpu().numpy()
    with output_set(work_dir, members=DEMO_OUTPUTS) as staging:
        arrays = recovered_arrays(params, fps, rest_joints)
        with atomic_path(staging / names['npz']) as tmp:
            np.savez(tmp, **arrays, **extra)
        write_bvh(staging / names['bvh'], arrays['global_orient_w'], arrays['body_pose'], arrays['transl_w'],
                  rest_joints, fps)
        _animation(window, posed_c.joints, estimate, model.body_model, joints_w.numpy(), staging / names['animation'],
                   animation_step, fps, hypotheses)
        if 'smpl_params' in window:
            metric = MotionMetric()
            metric.process(batch, model.package(batch, estimate))
            metrics = metric.compute_metrics(metric.results)
            write_text(staging / 'metrics.json', json.dumps({k: float(v) for k, v in metrics.items()}, indent=2) + '\n')
            names['metrics'] = 'metrics.json'
        save_config(cfg, staging)
    return {key: work_dir / name for key, name in names.items()}
