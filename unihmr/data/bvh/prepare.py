"""BVH clips to AMASS-style SMPL-X files: find, calibrate one rest alignment per rig, retarget, write, report.

Output layout (``tools/prepare_bvh.py SRC OUT``): ``OUT/<subject>/<clip>_stageii.npz`` in AMASS's SMPL-X
layout and z-up world (``unihmr.data.amass_format``), so ``AMASSDataset(root=OUT)`` reads them as it reads
AMASS (``subsets=[subject, ...]`` picks subjects), and ``OUT/report.json`` with the per-clip report of
``retarget`` and ``continuity`` (each clip is first cut to its longest stretch without a jump: a leading bind frame,
a splice). The subject of a clip is the part of its name before the first underscore (CMU's ``002_01`` is subject
``002``), else its folder name.
"""
import json
from pathlib import Path

import numpy as np
import torch

from unihmr.data.bvh.continuity import trim_jumps
from unihmr.data.bvh.flat_foot import flat_foot_correction
from unihmr.data.bvh.reader import BVHFormatError, read_bvh
from unihmr.data.bvh.retarget import clip_alignment, mapped_skeleton, mean_alignment, resolve_rig, retarget
from unihmr.data.amass_format import amass_file_arrays
from unihmr.data.datasets.format_checks import require_path
from unihmr.utils.io import atomic_path, write_text

def find_bvh_files(source) -> list:
    """``source`` itself if it is a file, else every ``*.bvh`` below it (sorted); messages name the path."""
    source = require_path(source, 'BVH source')
    files = [source] if source.is_file() else sorted(source.rglob('*.bvh'))
    if not files:
        raise FileNotFoundError(f"BVH source: no '*.bvh' files under '{source}'")
    return files


def subject_of(path: Path) -> str:
    return path.stem.split('_')[0] if '_' in path.stem else path.parent.name


def rest_joints_of(body_model, betas) -> np.ndarray:
    """The body's rest joints (22, 3) for ``betas`` (10,), metres."""
    out = body_model(betas=torch.as_tensor(betas, dtype=torch.float32)[None], return_verts=False)
    return out.joints[0].double().numpy()


def rig_key(motion, rig='auto') -> str:
    """The joints a clip's rig map names, as one string: clips with the same key share one rig's joint frames."""
    return ','.join(resolve_rig(motion, rig)[0].values())


def shared_alignments(motions, rest_joints: np.ndarray, rig='auto', rest: str = None) -> tuple:
    """Per rig (``rig_key``), the rest alignment shared by its clips that take it from a standing frame
    (``mean_alignment``, then the ankles turned so that planted feet stand flat: ``flat_foot_correction``), and a
    report per rig; clips at their rig's zero pose need none (it is exact)."""
    groups = {}
    for motion in motions:
        skeleton = mapped_skeleton(motion, rig, rest)
        if skeleton.rest == 'standing':
            groups.setdefault(rig_key(motion, rig), []).append((skeleton, 1.0 / motion.frame_time))
    alignments, reports = {}, {}
    for number, (key, members) in enumerate(groups.items()):
        mean, spread = mean_alignment([clip_alignment(skeleton, rest_joints)[0] for skeleton, _ in members])
        alignments[key], flat_feet = flat_foot_correction(members, mean)
        reports[f'rig {number}'] = dict(rest='standing', clips=len(members), first_joint=key.split(',')[0],
                                        spread_deg_median=float(np.median(spread)),
                                        spread_deg_p95=float(np.percentile(spread, 95)), flat_feet=flat_feet)
    return alignments, reports or dict(rest='zero')


def prepare_bvh(source, out_dir, body_model, rig='auto', rest: str = None, shared: bool = True,
                betas=None, progress: bool = True) -> dict:
    """Convert every clip of ``source`` into ``out_dir`` (module docstring); returns the report written there.

    Every file is read and checked before anything is written. ``shared``: the clips of one rig that take
    their rest alignment from a standing frame share one (``shared_alignments``); else each clip uses its own."""
    files = find_bvh_files(source)
    motions = [read_bvh(path) for path in files]  # no progress bar: a bad file must give one line
    for motion in motions:
        resolve_rig(motion, rig)  # every rig map checked before anything is written
    trimmed = [trim_jumps(motion, mapped_skeleton(motion, rig, rest).positions) for motion in motions]
    motions = [motion for motion, _ in trimmed]
    betas = np.zeros(10) if betas is None else np.asarray(betas, dtype=np.float64)
    rest_joints = rest_joints_of(body_model, betas)
    alignments, calibration = shared_alignments(motions, rest_joints, rig, rest) if shared else ({}, dict(shared=False))
    out_dir = Path(out_dir)
    clips = {}
    iterate = zip(files, motions, [report for _, report in trimmed])
    if progress:
        from tqdm import tqdm
        iterate = tqdm(list(iterate), desc='retarget', unit='clip')
    for path, motion, continuity in iterate:
        result = retarget(motion, rest_joints, rig=rig, rest=rest, alignment=alignments.get(rig_key(motion, rig)),
                          betas=betas)
        name = f'{subject_of(path)}/{path.stem}_stageii.npz'
        with atomic_path(out_dir / name) as temporary:
            np.savez(temporary, **amass_file_arrays(result.global_orient, result.body_pose, result.transl,
                                                    result.betas, result.fps, rest_joints[0]))
        clips[name] = dict(result.report, **continuity)
    report = dict(source=str(source), calibration=calibration, clips=clips, summary=summarize(clips))
    write_text(out_dir / 'report.json', json.dumps(report, indent=1))
    return report


def summarize(clips: dict) -> dict:
    """Over all clips: frame-weighted mean and the largest p95 / max of the report's errors."""
    frames = np.array([clip['frames'] for clip in clips.values()], dtype=np.float64)

    def weighted(key, stat):
        return float(np.average([clip[key][stat] for clip in clips.values()], weights=frames))

    return dict(clips=len(clips), frames=int(frames.sum()),
                bone_direction_deg_mean=weighted('bone_direction_deg', 'mean'),
                bone_direction_deg_p95_max=max(clip['bone_direction_deg']['p95'] for clip in clips.values()),
                joint_position_mm_mean=weighted('joint_position_mm', 'mean'),
                joint_position_mm_p95_max=max(clip['joint_position_mm']['p95'] for clip in clips.values()),
                stance_foot_slide_median=_median_of_travelling(clips),
                clips_cut_at_jumps=sum(clip.get('jumps', 0) > 0 for clip in clips.values()),
                limit_violation_fraction=float(np.average([c['limit_violation_fraction'] for c in clips.values()],
                                                          weights=frames)))


def _median_of_travelling(clips: dict):
    slides = [clip['stance_foot_slide'] for clip in clips.values() if clip.get('stance_foot_slide') is not None]
    return float(np.median(slides)) if slides else None


__all__ = ['BVHFormatError', 'find_bvh_files', 'prepare_bvh', 'shared_alignments', 'summarize']
