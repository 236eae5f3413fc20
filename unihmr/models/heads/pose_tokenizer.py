"""MoRo's pose tokenizer as a stage of its own (MoRo paper 3; specs/moro.md, "Pose tokenizer"): trained in its own
phase on local meshes of the training motion, and, at test time, a round trip (mesh -> tokens -> mesh -> SMPL-X
fit) whose error the standard metrics report (`tools/test.py`; the root comes from the ground truth).
"""
from typing import Optional

import torch

from unihmr.body.mesh_fit import fit_to_mesh
from unihmr.models.estimate import Estimate, ground_truth_estimate
from unihmr.models.heads.base import BaseHead, build_part, check_num_samples
from unihmr.registry import HEADS, TOKENIZERS


def sample_frames(valid: torch.Tensor, count: int, generator: Optional[torch.Generator] = None) -> torch.Tensor:
    """Indices (B, count) of frames drawn with replacement among the valid frames of each row of ``valid`` (B, T)."""
    weights = valid.float() + (valid.sum(1, keepdim=True) == 0).float()  # a row without valid frames draws any
    return torch.multinomial(weights, count, replacement=True, generator=generator)


def frames_of(params: dict, rows: torch.Tensor, names=('body_pose', 'betas')) -> dict:
    """``params`` entries (B, T, ...) at the frames ``rows`` (B, n) -> (B, n, ...)."""
    return {name: torch.gather(params[name], 1, rows.view(*rows.shape, *[1] * (params[name].dim() - 2)).expand(
        *rows.shape, *params[name].shape[2:])) for name in names}


def tokenizer_losses(tokenizer, batch: dict, frames_per_window: int, vertex_weight: float = 1.0) -> dict:
    """The tokenizer's training losses on ``frames_per_window`` valid frames of every window of ``batch``: the mean
    vertex distance (m) of the round trip and the codebook (commitment) loss."""
    chosen = frames_of(batch['smpl_params'], sample_frames(batch['valid'], frames_per_window))
    with torch.no_grad():
        mesh = tokenizer.local_mesh(chosen['body_pose'], chosen['betas']).flatten(0, 1)
    out = tokenizer(mesh)
    distance = (out['vertices'] - mesh).norm(dim=-1).mean()
    return dict(loss_vertex=vertex_weight * distance, loss_codebook=out['loss_codebook'])


@HEADS.register_module()
class PoseTokenizerHead(BaseHead):
    """Trains ``tokenizer`` (a ``MeshVQVAE``) on single frames: ``frames_per_window`` valid frames of every window
    (MoRo trains on meshes, batch 256, per-vertex L2); the loss is the mean vertex distance (m) plus the codebook
    (commitment) loss.

    ``predict`` is the round trip: every frame tokenized, decoded, and fitted (``fit``: arguments of
    ``fit_to_mesh``); root orientation and translation from the ground truth, so the metrics measure the
    tokenizer and the fit alone. It is deterministic: S > 1 repeats the answer as the S samples.
    """

    def __init__(self, tokenizer: dict = dict(type='MeshVQVAE'), frames_per_window: int = 16,
                 vertex_weight: float = 1.0, fit: dict = dict(iters=20), in_width=None, body_model=None, inputs=(),
                 windowing=None):
        super().__init__(None, body_model, inputs, windowing)  # in_width: unused, the tokenizer reads no condition
        spec = dict(tokenizer, body_model=body_model) if isinstance(tokenizer, dict) else tokenizer
        self.tokenizer = build_part(TOKENIZERS, spec)
        self.frames_per_window, self.vertex_weight, self.fit = frames_per_window, vertex_weight, dict(fit)

    def reads(self, training: bool = False) -> tuple:
        return ()

    def loss(self, cond, batch: dict, history: Optional[dict] = None) -> dict:
        return tokenizer_losses(self.tokenizer, batch, self.frames_per_window, self.vertex_weight)

    @torch.no_grad()
    def round_trip(self, batch: dict) -> dict:
        """``mesh`` and ``decoded`` (B, T, N0, 3) local meshes, ``ids`` (B, T, P) and the fit of ``decoded``."""
        params = batch['smpl_params']
        mesh = self.tokenizer.local_mesh(params['body_pose'], params['betas'])
        out = self.tokenizer(mesh.flatten(0, 1))
        decoded = out['vertices'].unflatten(0, mesh.shape[:2])
        fit = fit_to_mesh(self.body_model, decoded, self.tokenizer.vertex_ids, batch['valid'], **self.fit)
        return dict(mesh=mesh, decoded=decoded, ids=out['ids'].unflatten(0, mesh.shape[:2]), **fit)

    @torch.no_grad()
    def predict(self, cond, batch: dict, history: Optional[dict] = None, num_samples: int = 1,
                num_steps: Optional[int] = None, **options):
        check_num_samples(num_samples)
        if num_steps is not None or options:
            raise ValueError(f'PoseTokenizerHead is deterministic (a round trip): num_steps does not apply (got '
                             f'{num_steps}), nor options {sorted(options)}')
        fit = self.round_trip(batch)
        estimate = Estimate.from_params(dict(ground_truth_estimate(batch).params, body_pose=fit['body_pose'],
                                             betas=fit['betas']))
        if num_samples == 1:
            return estimate
        return estimate.with_params(samples={name: value.expand(num_samples, *value.shape).clone()
                                             for name, value in estimate.params.items()})
