"""GVHMR-style deterministic regression head (FactorizedHMR Stage 1 when its codec is a torso-root subset).

Network: condition tokens (B, T, in_width; or the head's own encoder's) -> Linear to the backbone width (+ the
optional anchor condition, see ``heads.base``) -> backbone (RoPE transformer over
time, padding frames masked) -> MLP (Linear, GELU, Linear; last layer zero-initialised so training starts
at the normalised mean) -> normalised codec representation (B, T, codec.dim); the codec's contact slot
holds the contact logits. Losses: ``SMPLXLossSet`` (normalised target, camera joints/vertices, reprojection,
world translation, contact BCE), configured by ``losses=``.
"""
from typing import Optional

import torch
from torch import nn

from unihmr.models.heads.base import BaseHead, HeadOutput, build_part, impose_known, output_mlp
from unihmr.models.losses import SMPLXLossSet
from unihmr.registry import BACKBONES, CODECS, HEADS


@HEADS.register_module()
class RegressionHead(BaseHead):
    """Deterministic regressor of a codec's representation.

    Args:
        codec: codec config (e.g. ``dict(type='GVHMRCodec')``) or instance.
        backbone: backbone config (``dict(type='RoPETransformer', width=..., depth=..., heads=..., window=...)``)
            or instance; it maps (B, T, width) tokens and a (B, T) bool ``valid`` to (B, T, width).
        in_width: width of the condition tokens.
        losses: term configs merged into ``unihmr.models.losses.DEFAULT_LOSSES`` (numbers set weights,
            None drops a term); ``loss_cfg``: other ``SMPLXLossSet`` arguments (``num_vertices``, ``vertex_seed``).
        body_model: body-model instance (from the recoverer's ``default_args``); held outside ``state_dict``
            (see ``heads.base``). Only needed by the joint / vertex / reprojection terms.
        torso_split: ``TorsoSplit`` arguments given to a codec config that does not set its own.
        hidden: width of the output MLP (default: the backbone width).
        encoder: optional own condition-encoder config (else the recoverer's shared tokens are used).
        anchor_condition: add the compact anchor condition of an earlier stage (``heads.base``).
    """

    def __init__(self, codec=dict(type='GVHMRCodec'), backbone=dict(type='RoPETransformer'), in_width: int = 256,
                 losses: Optional[dict] = None, body_model: Optional[nn.Module] = None, torso_split=None,
                 hidden: Optional[int] = None, loss_cfg: Optional[dict] = None, encoder: Optional[dict] = None,
                 anchor_condition: bool = False):
        if isinstance(codec, dict) and torso_split is not None:
            codec = dict(codec)
            codec.setdefault('torso_split', torso_split)
        super().__init__(build_part(CODECS, codec), body_model)
        self.backbone = build_part(BACKBONES, backbone)
        width = getattr(self.backbone, 'width', None) or backbone['width']
        hidden = hidden or width
        self.build_conditioning(in_width, width, encoder, anchor_condition, hidden)
        self.out_mlp = output_mlp(width, hidden, self.codec.dim)
        self.loss_set = SMPLXLossSet(losses, **(loss_cfg or {}))
        self.loss_set.check_codec(self.codec)

    def forward(self, cond: torch.Tensor, batch: dict, known: Optional[dict] = None) -> torch.Tensor:
        """Shared condition tokens (B, T, in_width), the batch and the resolved ``known`` -> normalised
        representation (B, T, dim) with the known coordinates re-imposed."""
        x = self.out_mlp(self.backbone(self.tokens(cond, batch, known), batch.get('valid')))
        return impose_known(x, known)

    def loss(self, cond: torch.Tensor, batch: dict, known=None, body_model: Optional[nn.Module] = None) -> dict:
        """Named weighted losses ``{'loss_<term>': scalar}`` of one forward pass against the GT ``batch``."""
        body_model = body_model or self.body_model
        batch = self.with_targets(batch, body_model)
        x = self(cond, batch, self.resolve_known(known, batch))
        return self.loss_set(x, batch, self.codec, body_model)

    @torch.no_grad()
    def predict(self, cond: torch.Tensor, batch: dict, known: Optional[dict] = None, num_samples: int = 1,
                transl_w0: Optional[torch.Tensor] = None, **sampler_cfg) -> HeadOutput:
        """Decoded prediction. The head is deterministic: ``num_samples`` > 1 repeats the one answer in
        ``samples['x']`` (S, B, T, dim) so that multi-hypothesis metrics still run. ``transl_w0`` (B, 3) is the
        start of the world roll-out (default 0). No sampler options exist; any given raise ``TypeError``."""
        if sampler_cfg:
            raise TypeError(f'RegressionHead.predict: unexpected sampler options {sorted(sampler_cfg)}')
        x = self(cond, batch, self.resolve_known(known, batch))
        out = self.decode(x, batch, transl_w0=transl_w0)
        if num_samples > 1:
            out.samples = dict(x=x.unsqueeze(0).expand(num_samples, *x.shape))
        return out
