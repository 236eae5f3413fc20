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

from unihmr.models.heads.base import BaseHead, build_part, impose_known, output_mlp
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
        anchor_fields: known codec fields of an earlier stage embedded as a compact condition (``heads.base``).
        inputs / windowing: see ``BaseHead`` (given by the recoverer).
    """

    def __init__(self, codec=dict(type='GVHMRCodec'), backbone=dict(type='RoPETransformer'), in_width: int = 256,
                 losses: Optional[dict] = None, body_model: Optional[nn.Module] = None, torso_split=None,
                 hidden: Optional[int] = None, loss_cfg: Optional[dict] = None, encoder: Optional[dict] = None,
                 anchor_fields=(), inputs=(), windowing=None):
        if isinstance(codec, dict) and torso_split is not None:
            codec = dict(codec)
            codec.setdefault('torso_split', torso_split)
        super().__init__(build_part(CODECS, codec), body_model, inputs, windowing)
        self.backbone = build_part(BACKBONES, backbone)
        width = getattr(self.backbone, 'width', None) or backbone['width']
        hidden = hidden or width
        self.build_conditioning(in_width, width, encoder, anchor_fields, hidden)
        self.out_mlp = output_mlp(width, hidden, self.codec.dim)
        self.loss_set = SMPLXLossSet(losses, **(loss_cfg or {}))
        self.loss_set.check_codec(self.codec)

    def forward(self, cond: torch.Tensor, batch: dict, known: Optional[dict] = None) -> torch.Tensor:
        """Shared condition tokens (B, T, in_width), the batch and the resolved ``known`` -> normalised
        representation (B, T, dim) with the known coordinates re-imposed."""
        x = self.out_mlp(self.backbone(self.tokens(cond, batch, known), batch.get('valid')))
        return impose_known(x, known)

    def loss(self, cond: Optional[torch.Tensor], batch: dict, history: Optional[dict] = None) -> dict:
        """Named weighted losses ``{'loss_<term>': scalar}`` of one forward pass against the GT ``batch``."""
        batch = self.with_targets(batch)
        x = self(cond, batch, self.known_from(history, batch))
        return self.loss_set(x, batch, self.codec, self.body_model)

    def sample_window(self, cond, batch: dict, history: dict, num_samples: int, num_steps=None) -> tuple:
        """The deterministic answer; ``num_samples`` > 1 repeats it as the S samples, so that multi-hypothesis
        metrics still run."""
        x = self(cond, batch, self.known_from(history, batch))
        return x, (x.unsqueeze(0).expand(num_samples, *x.shape) if num_samples > 1 else None)
