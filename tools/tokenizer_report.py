"""MoRo's tokenizer on test motions: ``python tools/tokenizer_report.py CONFIG CHECKPOINT [key=value ...] [--out r.json]``.

The config's stage that holds a tokenizer (``PoseTokenizerHead`` or ``MoRoHead``) round-trips every valid frame of
``cfg.test_dataloader`` (mesh -> tokens -> mesh -> SMPL-X fit) and reports, over valid frames:
- ``vertex_mm``: mean distance of the decoded to the true decimated local mesh;
- ``fit_vertex_mm``: of the fitted body to the decoded mesh (the fit's own error);
- ``joint_mm`` / ``joint_mm_continuous``: pelvis-relative joints of the fitted body against the truth, through the
  quantizer and, for reference, with the encoder's continuous tokens (what quantization costs);
- ``perplexity``, ``used`` and ``dead`` codes of the codebook on these frames;
- ``fit_ms_per_frame``: the fit's cost.
"""
import json
import time
from pathlib import Path

import torch

from unihmr.apis.cli import exit_on_user_error, parse_tool_args, tool_parser
from unihmr.apis.inference import build_dataloader, build_model
from unihmr.body.mesh_fit import fit_to_mesh
from unihmr.models.tokenizers import codebook_usage
from unihmr.utils.io import check_writable_dir, write_text


def tokenizer_stage(model):
    stages = [stage for stage in model.stages if hasattr(stage, 'tokenizer')]
    if not stages:
        raise SystemExit('error: the config has no stage with a tokenizer (PoseTokenizerHead or MoRoHead)')
    return stages[0]


@torch.no_grad()
def report(model, loader, fit: dict) -> dict:
    tokenizer, body = tokenizer_stage(model).tokenizer, model.body_model
    sums, ids_seen, frames, fit_seconds = {}, [], 0, 0.0
    for batch in loader:
        params, valid = batch['smpl_params'], batch['valid'].bool()
        mesh = tokenizer.local_mesh(params['body_pose'], params['betas'])
        flat = mesh.flatten(0, 1)
        encoded = tokenizer.encode(flat)
        quantized, ids, _ = tokenizer.quantizer(encoded)
        truth = body(body_pose=params['body_pose'], betas=params['betas'], return_verts=False).joints
        truth = truth - truth[..., :1, :]
        for name, tokens in (('', quantized), ('_continuous', encoded)):
            decoded = tokenizer.decode(tokens).unflatten(0, mesh.shape[:2])
            start = time.perf_counter()
            fitted = fit_to_mesh(body, decoded, tokenizer.vertex_ids, valid, **fit)
            if not name:
                fit_seconds += time.perf_counter() - start
            joints = body(body_pose=fitted['body_pose'], betas=fitted['betas'], return_verts=False).joints
            joints = joints - joints[..., :1, :]
            per_frame = {f'joint_mm{name}': (joints - truth).norm(dim=-1).mean(-1)}
            if not name:
                per_frame.update(vertex_mm=(decoded - mesh).norm(dim=-1).mean(-1), fit_vertex_mm=fitted['vertex_error'])
            for key, value in per_frame.items():
                sums[key] = sums.get(key, 0.0) + float(value[valid].sum()) * 1000
        ids_seen.append(ids.unflatten(0, mesh.shape[:2])[valid])
        frames += int(valid.sum())
    out = {key: value / frames for key, value in sums.items()}
    out.update(codebook_usage(torch.cat(ids_seen), tokenizer.num_codes), frames=frames,
               fit_ms_per_frame=1000 * fit_seconds / frames, fit_iters=fit.get('iters'))
    return out


def main(argv=None):
    parser = tool_parser(__doc__.splitlines()[0], positionals=[('checkpoint', 'checkpoint file (.pth)')])
    parser.add_argument('--out', default=None, help='report JSON (default: <work-dir>/tokenizer_report.json)')
    parser.add_argument('--fit-iters', type=int, default=None, help="the fit's Adam iterations (default: the stage's)")
    args, cfg, work_dir = parse_tool_args(parser, 'tokenizer_report', argv)
    out = Path(args.out) if args.out else Path(work_dir) / 'tokenizer_report.json'
    exit_on_user_error(check_writable_dir, out.parent)
    model = exit_on_user_error(build_model, cfg, args.checkpoint).eval()
    fit = dict(tokenizer_stage(model).fit)
    if args.fit_iters is not None:
        fit['iters'] = args.fit_iters
    result = report(model, exit_on_user_error(build_dataloader, cfg.test_dataloader), fit)
    write_text(out, json.dumps(result, indent=2))
    for name, value in result.items():
        print(f'{name:>22}: {value}')
    print(f'wrote {out}')


if __name__ == '__main__':
    main()
