"""MoRo's networks (MoRo paper 4.1-4.3; specs/moro.md, "Networks"): the motion encoder T_M and the cross-modal
decoder T_D, both ``DualStreamTransformer`` over frames x tokens, and their token layouts and heads.

T_M, per frame: P pose-token embeddings (the frozen code vectors through a linear layer; a hidden token is the
zero vector, MoRo's [MASK]) and one canonical-trajectory token, plus a learned spatial position embedding.
Heads: token logits (K codes), the denoised canonical trajectory (9), contacts (4).

T_D, per frame: [P pose features of T_M | the condition ("image") token | T_M's trajectory feature | the camera
trajectory token, a linear layer of R_bar], plus a spatial position embedding. Heads: token logits, the refined
camera trajectory (9, added to R_bar), contacts. When the motion slots are dropped (the condition pretraining
phase), the first P + 2 slots are zeros before the position embedding.
"""
from typing import Optional

import torch
from torch import nn

from unihmr.codecs.moro import TRAJ_DIM
from unihmr.models.backbones.dual_stream import DualStreamTransformer

NUM_CONTACTS = 4


class MoRoNetworks(nn.Module):
    """T_M and T_D with their embeddings and heads.

    Args:
        num_tokens, token_dim, num_codes: P, L, K of the tokenizer.
        width, heads, mlp_ratio: transformer size (CPU: 128, 4; paper: 1024, 8).
        motion_depth, decoder_depth: layers of T_M and T_D (paper: 4 and 2).
        band: temporal attention band, frames (paper: 60).
    """

    def __init__(self, num_tokens: int, token_dim: int, num_codes: int, width: int = 128, heads: int = 4,
                 mlp_ratio: float = 2.0, motion_depth: int = 2, decoder_depth: int = 1, band: Optional[int] = 60):
        super().__init__()
        self.num_tokens = num_tokens
        self.token_in = nn.Linear(token_dim, width)
        self.cano_in = nn.Linear(TRAJ_DIM, width)
        self.motion_position = nn.Parameter(torch.randn(num_tokens + 1, width) * 0.02)
        self.motion_encoder = DualStreamTransformer(width, motion_depth, heads, mlp_ratio, window=band)
        self.motion_logits = nn.Linear(width, num_codes)
        self.motion_cano = nn.Linear(width, TRAJ_DIM)
        self.motion_contact = nn.Linear(width, NUM_CONTACTS)
        self.camera_in = nn.Linear(TRAJ_DIM, width)
        self.decoder_position = nn.Parameter(torch.randn(num_tokens + 3, width) * 0.02)
        self.decoder = DualStreamTransformer(width, decoder_depth, heads, mlp_ratio, window=band)
        self.decoder_logits = nn.Linear(width, num_codes)
        self.decoder_camera = nn.Linear(width, TRAJ_DIM)
        self.decoder_contact = nn.Linear(width, NUM_CONTACTS)
        for layer in (self.motion_cano, self.decoder_camera):  # the trajectory heads start at "no change"
            nn.init.zeros_(layer.weight)
            nn.init.zeros_(layer.bias)

    def motion(self, token_vectors: torch.Tensor, hidden: torch.Tensor, cano: torch.Tensor,
               valid: Optional[torch.Tensor]) -> dict:
        """T_M. ``token_vectors`` (B, T, P, L) code vectors, ``hidden`` (B, T, P) bool ([MASK] there), ``cano``
        (B, T, 9) normalised canonical trajectory -> ``features`` (B, T, P + 1, W), ``logits`` (B, T, P, K),
        ``cano`` (B, T, 9, normalised), ``contact`` (B, T, 4) logits."""
        vectors = token_vectors.masked_fill(hidden[..., None], 0.0)  # [MASK] = the zero vector
        grid = torch.cat([self.token_in(vectors), self.cano_in(cano)[:, :, None]], dim=2) + self.motion_position
        features = self.motion_encoder(grid, valid)
        trajectory_token = features[:, :, -1]
        return dict(features=features, logits=self.motion_logits(features[:, :, :-1]),
                    cano=self.motion_cano(trajectory_token) + cano, contact=self.motion_contact(trajectory_token))

    def decode(self, motion_features: Optional[torch.Tensor], condition: torch.Tensor, camera: torch.Tensor,
               valid: Optional[torch.Tensor]) -> dict:
        """T_D. ``motion_features`` (B, T, P + 1, W) or None (dropped), ``condition`` (B, T, W) the frame's
        condition token, ``camera`` (B, T, 9) normalised R_bar -> ``logits`` (B, T, P, K), ``camera`` (B, T, 9,
        normalised, R_bar plus the refinement), ``contact`` (B, T, 4) logits."""
        batch, frames, width = condition.shape
        if motion_features is None:
            motion_features = condition.new_zeros(batch, frames, self.num_tokens + 1, width)
        grid = torch.cat([motion_features[:, :, :-1], condition[:, :, None], motion_features[:, :, -1:],
                          self.camera_in(camera)[:, :, None]], dim=2) + self.decoder_position
        features = self.decoder(grid, valid)
        camera_token = features[:, :, -1]
        return dict(logits=self.decoder_logits(features[:, :, :self.num_tokens]),
                    camera=self.decoder_camera(camera_token) + camera, contact=self.decoder_contact(camera_token))
