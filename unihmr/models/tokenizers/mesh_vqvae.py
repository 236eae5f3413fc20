"""MoRo's pose tokenizer: a mesh VQ-VAE of the local body (MoRo paper 3; specs/moro.md, "Pose tokenizer").

The body with global orientation and translation zeroed (pelvis at the origin) is posed on the decimated mesh of
:class:`~unihmr.models.tokenizers.mesh_hierarchy.MeshHierarchy` (512 vertices), encoded by spatially varying mesh
convolutions that pool it to 87 region tokens of L = 9 numbers, quantized (vector-quantize-pytorch: EMA codebook
of 512, commitment 0.25, dead codes reset, ``rotation_trick=False``; or FSQ ``levels=[8, 8, 8]``, 512 codes, the
ablation), and decoded by the symmetric convolutions back to the vertices. SMPL-X parameters come back by a fit
(``unihmr.body.mesh_fit``).
"""
import math
from typing import Sequence

import torch
from torch import nn
from vector_quantize_pytorch import FSQ, VectorQuantize

from unihmr.models.tokenizers.mesh_hierarchy import MORO_LEVELS, body_hierarchy
from unihmr.registry import TOKENIZERS


class RegionConv(nn.Module):
    """A spatially varying mesh convolution (the vcConv of the fully convolutional mesh autoencoder that MoRo's
    tokenizer is built from, in kind): each output point n mixes its ``k`` input neighbours with its own kernel,
    a combination of ``num_basis`` shared kernels, ``out[n] = sum_k sum_m A[n, k, m] x[nbr[n, k]] B[m] + b[n]``.

    x (F, N_in, C_in) -> (F, N_out, C_out); ``neighbours`` (N_out, k) indexes N_in.
    """

    def __init__(self, neighbours: torch.Tensor, in_channels: int, out_channels: int, num_basis: int = 8):
        super().__init__()
        count, k = neighbours.shape
        self.register_buffer('neighbours', neighbours.clone(), persistent=False)
        self.coefficients = nn.Parameter(torch.randn(count, k, num_basis) / math.sqrt(k))
        self.basis = nn.Parameter(torch.randn(num_basis, in_channels, out_channels) / math.sqrt(in_channels * num_basis))
        self.bias = nn.Parameter(torch.zeros(count, out_channels))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        count, k = self.neighbours.shape
        kernels = torch.einsum('nkm,mcd->nkcd', self.coefficients, self.basis).flatten(1, 2)  # (N_out, k C_in, C_out)
        gathered = x.transpose(0, 1)[self.neighbours]  # (N_out, k, F, C_in)
        gathered = gathered.permute(0, 2, 1, 3).flatten(2)  # (N_out, F, k C_in)
        return torch.bmm(gathered, kernels).transpose(0, 1) + self.bias  # one matmul per point: ~1.6x the einsums


class TokenQuantizer(nn.Module):
    """One interface over the two quantizers: ``forward(z (F, P, L)) -> (quantized, ids (F, P), aux loss)``,
    ``lookup(ids) -> (..., P, L)``, ``codebook() -> (num_codes, L)``.

    ``kind='vq'``: ``VectorQuantize`` (EMA decay 0.99, commitment 0.25, dead codes with EMA count below 1 reset from
    encoder outputs, plain straight-through: ``rotation_trick=False``); ``kind='fsq'``: ``FSQ(levels)`` (no
    codebook loss, no dead codes by construction).
    """

    def __init__(self, dim: int, kind: str = 'vq', codebook_size: int = 512, levels: Sequence[int] = (8, 8, 8),
                 decay: float = 0.99, commitment_weight: float = 0.25, dead_code_threshold: float = 1.0):
        super().__init__()
        if kind == 'vq':
            self.quantizer = VectorQuantize(dim=dim, codebook_size=codebook_size, decay=decay,
                                            commitment_weight=commitment_weight,
                                            threshold_ema_dead_code=dead_code_threshold, rotation_trick=False)
            self.num_codes = codebook_size
        elif kind == 'fsq':
            self.quantizer = FSQ(levels=list(levels), dim=dim)
            self.num_codes = math.prod(levels)
        else:
            raise ValueError(f"TokenQuantizer: kind must be 'vq' or 'fsq', got {kind!r}")
        self.kind, self.dim = kind, dim

    def forward(self, z: torch.Tensor) -> tuple:
        if self.kind == 'vq':
            quantized, ids, loss = self.quantizer(z)
            return quantized, ids, loss.sum()
        quantized, ids = self.quantizer(z)
        return quantized, ids, z.new_zeros(())

    def lookup(self, ids: torch.Tensor) -> torch.Tensor:
        """Code vectors (..., L) of ``ids`` (...)."""
        if ids.numel() and (int(ids.min()) < 0 or int(ids.max()) >= self.num_codes):
            raise ValueError(f'token ids must be in 0..{self.num_codes - 1}, got {int(ids.min())}..{int(ids.max())}')
        if self.kind == 'vq':
            return self.quantizer.get_output_from_indices(ids)
        return self.quantizer.indices_to_codes(ids)

    def codebook(self) -> torch.Tensor:
        """All codes (num_codes, L), in id order."""
        return self.lookup(torch.arange(self.num_codes, device=self.quantizer_device()))

    def quantizer_device(self) -> torch.device:
        return next(iter(self.buffers()), next(iter(self.parameters()), torch.empty(0))).device


@TOKENIZERS.register_module()
class MeshVQVAE(nn.Module):
    """The mesh tokenizer: decimated local mesh (F, N0, 3) <-> P region tokens of L numbers (MoRo paper 3).

    Args:
        body_model: the body whose mesh is decimated (given by the head, as heads are given it; not a submodule).
        levels: mesh sizes from the decimated mesh to the tokens (P = ``levels[-1]``).
        channels: feature widths at each level (encoder; the decoder mirrors them).
        token_dim: L.
        quantizer: ``TokenQuantizer`` arguments (``kind`` 'vq' or 'fsq', ``codebook_size``, ``levels``).
        k, num_basis: neighbours per point and shared kernels of each ``RegionConv``.
    """

    def __init__(self, body_model=None, levels: Sequence[int] = MORO_LEVELS, channels: Sequence[int] = (16, 32, 64),
                 token_dim: int = 9, quantizer: dict = dict(kind='vq', codebook_size=512), k: int = 8,
                 num_basis: int = 8):
        super().__init__()
        if body_model is None:
            raise ValueError('MeshVQVAE needs the body model whose mesh it tokenizes (body_model=...)')
        if len(channels) != len(levels):
            raise ValueError(f'MeshVQVAE: one channel width per level, got {len(channels)} for {len(levels)} levels')
        self._body_model_ref = (body_model,)
        hierarchy = body_hierarchy(body_model, tuple(levels), k)
        self.register_buffer('vertex_ids', hierarchy.vertex_ids.clone(), persistent=False)
        self.num_tokens, self.token_dim = levels[-1], token_dim
        self.encoder = nn.ModuleList([RegionConv(hierarchy.same[0], 3, channels[0], num_basis)] + [
            RegionConv(hierarchy.down[level], channels[level], channels[level + 1], num_basis)
            for level in range(len(levels) - 1)])
        self.to_token = nn.Linear(channels[-1], token_dim)
        self.quantizer = TokenQuantizer(token_dim, **quantizer)
        self.from_token = nn.Linear(token_dim, channels[-1])
        self.decoder = nn.ModuleList([
            RegionConv(hierarchy.up[level], channels[level + 1], channels[level], num_basis)
            for level in reversed(range(len(levels) - 1))] + [RegionConv(hierarchy.same[0], channels[0], channels[0],
                                                                         num_basis)])
        self.to_vertices = nn.Linear(channels[0], 3)

    @property
    def body_model(self):
        return self._body_model_ref[0]

    @property
    def num_codes(self) -> int:
        return self.quantizer.num_codes

    def local_mesh(self, body_pose: torch.Tensor, betas: torch.Tensor) -> torch.Tensor:
        """The tokenizer's input: decimated vertices (..., N0, 3) of the body posed by ``body_pose`` (..., 21, 3)
        with ``betas`` (..., 10) (broadcast), global orientation and translation zero, pelvis at the origin."""
        out = self.body_model(body_pose=body_pose, betas=betas, vertex_ids=self.vertex_ids)
        return out.vertices - out.joints[..., :1, :]

    def encode(self, vertices: torch.Tensor) -> torch.Tensor:
        """Continuous tokens (F, P, L) of local meshes (F, N0, 3), before quantization."""
        x = vertices
        for layer, conv in enumerate(self.encoder):
            x = conv(x) if layer == 0 else conv(nn.functional.elu(x))
        return self.to_token(nn.functional.elu(x))

    def decode(self, tokens: torch.Tensor) -> torch.Tensor:
        """Local meshes (F, N0, 3) from token vectors (F, P, L), quantized or not (the smoother's output)."""
        x = self.from_token(tokens)
        for conv in self.decoder:
            x = conv(nn.functional.elu(x))
        return self.to_vertices(nn.functional.elu(x))

    def tokenize(self, vertices: torch.Tensor) -> tuple:
        """(quantized (F, P, L), ids (F, P), codebook loss) of local meshes (F, N0, 3)."""
        return self.quantizer(self.encode(vertices))

    def forward(self, vertices: torch.Tensor) -> dict:
        """Round trip of local meshes (F, N0, 3): ``vertices``, ``ids``, ``loss_codebook``."""
        quantized, ids, loss = self.tokenize(vertices)
        return dict(vertices=self.decode(quantized), ids=ids, loss_codebook=loss)


def codebook_usage(ids: torch.Tensor, num_codes: int) -> dict:
    """Perplexity of the code distribution of ``ids`` (any shape), codes used and dead (never used)."""
    counts = torch.bincount(ids.flatten().long(), minlength=num_codes).double()
    probs = counts / counts.sum().clamp(min=1)
    entropy = -(probs[probs > 0] * probs[probs > 0].log()).sum()
    used = int((counts > 0).sum())
    return dict(perplexity=float(entropy.exp()), used=used, dead=num_codes - used)
