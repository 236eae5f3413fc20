"""Export a recovered motion: ``python tools/export.py MOTION.npz OUT_DIR [--format bvh smplx]``.

MOTION.npz holds SMPL-X parameters in our y-up world, as the demos write them (``recovered.npz``,
``motion.npz``): ``global_orient_w`` (T, 3), ``body_pose`` (T, 21, 3), ``transl_w`` (T, 3), ``betas`` (10,)
or (T, 10) (their mean is used) and ``mocap_frame_rate`` (else ``--fps``). Writes to OUT_DIR:

- ``<name>.bvh``: the motion on our skeleton (``unihmr.data.bvh.writer``: joints named as SMPL-X's, offsets
  the body's rest bones for these betas in centimetres, zero pose the SMPL-X rest pose, y up);
- ``<name>_smplx.npz``: AMASS's SMPL-X layout in AMASS's z-up world (``unihmr.data.amass_format``), which
  the SMPL-X Blender add-on loads with "Add Animation" and ``AMASSDataset`` reads.

An animated glTF is not written: trimesh (our mesh library) exports static meshes only, and no maintained
Python library we use writes skinned glTF animation; the Blender add-on converts the ``.npz`` to any format
Blender exports (glTF included). Bad input exits with status 2 and one line, before anything is written.
"""
import argparse
import sys
import zipfile
from pathlib import Path

import numpy as np
import torch

from unihmr.body.joint_sets import NUM_BETAS, NUM_BODY_POSE
from unihmr.data.amass_format import amass_file_arrays
from unihmr.data.bvh.writer import write_bvh
from unihmr.data.datasets.format_checks import DatasetFormatError, check_shape, require_keys, require_path
from unihmr.utils.io import atomic_path

FORMATS = ('bvh', 'smplx')


def read_motion(path, fps=None) -> dict:
    """The motion arrays of ``path``; ``DatasetFormatError`` / ``FileNotFoundError`` naming the file and key."""
    path = require_path(path, 'motion file')
    try:
        with np.load(path, allow_pickle=False) as data:
            require_keys(data, ('global_orient_w', 'body_pose', 'transl_w', 'betas'), path)
            orient = check_shape(path, 'global_orient_w', data['global_orient_w'], (None, 3)).astype(np.float64)
            frames = len(orient)
            pose = check_shape(path, 'body_pose', data['body_pose'], (frames, NUM_BODY_POSE, 3)).astype(np.float64)
            transl = check_shape(path, 'transl_w', data['transl_w'], (frames, 3)).astype(np.float64)
            betas = np.asarray(data['betas'], dtype=np.float64)
            rate = float(data['mocap_frame_rate']) if 'mocap_frame_rate' in data else None
    except (OSError, ValueError, zipfile.BadZipFile) as error:
        if isinstance(error, DatasetFormatError):
            raise
        raise DatasetFormatError(f'{path}: not a readable .npz ({error})') from None
    if betas.shape[-1:] != (NUM_BETAS,) or betas.ndim > 2:
        raise DatasetFormatError(f'{path}: betas: expected shape ({NUM_BETAS},) or (T, {NUM_BETAS}), got {betas.shape}')
    fps = fps or rate
    if fps is None or not fps > 0:
        raise DatasetFormatError(f'{path}: no positive frame rate (mocap_frame_rate is {rate}); pass --fps')
    for key, value in (('global_orient_w', orient), ('body_pose', pose), ('transl_w', transl), ('betas', betas)):
        if not np.isfinite(value).all():
            raise DatasetFormatError(f'{path}: {key} holds non-finite values')
    return dict(global_orient_w=orient, body_pose=pose, transl_w=transl, betas=betas.reshape(-1, NUM_BETAS).mean(0),
                fps=fps)


def export(motion: dict, out_dir, name: str, formats=FORMATS, body_model=None) -> dict:
    """Write ``formats`` of ``motion`` (``read_motion``) into ``out_dir``; returns format -> path."""
    if body_model is None:
        from unihmr.body.embedded import EmbeddedSMPLX
        body_model = EmbeddedSMPLX()
    betas = torch.as_tensor(motion['betas'], dtype=torch.float32)[None]
    rest_joints = body_model(betas=betas, return_verts=False).joints[0].double().numpy()
    out_dir, paths = Path(out_dir), {}
    if 'bvh' in formats:
        paths['bvh'] = write_bvh(out_dir / f'{name}.bvh', motion['global_orient_w'], motion['body_pose'],
                                 motion['transl_w'], rest_joints, motion['fps'])
    if 'smplx' in formats:
        paths['smplx'] = out_dir / f'{name}_smplx.npz'
        with atomic_path(paths['smplx']) as tmp:
            np.savez(tmp, **amass_file_arrays(motion['global_orient_w'], motion['body_pose'], motion['transl_w'],
                                              motion['betas'], motion['fps'], rest_joints[0]))
    return paths


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('motion', help='an .npz with global_orient_w, body_pose, transl_w, betas')
    parser.add_argument('output', help='folder for the exported files')
    parser.add_argument('--format', nargs='+', default=list(FORMATS), choices=FORMATS)
    parser.add_argument('--fps', type=float, default=None, help='frame rate when the file has no mocap_frame_rate')
    parser.add_argument('--name', default=None, help='file name stem (default: the input name)')
    args = parser.parse_args(argv)
    try:
        motion = read_motion(args.motion, args.fps)
    except (FileNotFoundError, DatasetFormatError) as error:
        print(f'error: {error}', file=sys.stderr)
        raise SystemExit(2) from None
    paths = export(motion, args.output, args.name or Path(args.motion).stem, args.format)
    print(', '.join(f'{kind}: {path}' for kind, path in paths.items()))
    return paths


if __name__ == '__main__':
    main()
