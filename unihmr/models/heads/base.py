"""Common head interface (DESIGN section 5): ``HeadOutput`` and the abstract ``BaseHead``.

Every head owns a codec (its target representation) and answers

- ``loss(cond, batch, known=None) -> dict[str, Tensor]``: named losses; the recoverer backpropagates
  their sum (mmengine's ``parse_losses`` sums the keys containing 'loss');
- ``predict(cond, batch, known=None, num_samples=1, **sampler_cfg) -> HeadOutput``.

``cond`` (B, T, C) are the per-frame condition tokens of the encoder; ``batch`` the data-contract batch
(``valid``, ``bbox``, ``K``, ``R_w2c`` at least; GT targets for ``loss``). ``known`` is an optional dict
``x`` (B, T, dim) normalised values + ``mask`` (dim,) or (B, T, dim) bool: coordinates fixed by an earlier
stage (e.g. FactorizedHMR's Stage-1 anchor); heads re-impose them on what they output.

Body model: the recoverer owns it and passes the same instance to every head (``default_args``). A head keeps
it in a plain tuple attribute (``_body_model_ref``), so it is neither a submodule nor in ``state_dict``;
``_apply`` forwards ``.to()`` / ``.float()`` etc. to it. ``loss`` / ``predict`` also accept
``body_model=`` to override it per call.
"""
from dataclasses import dataclass
from typing import Optional

import torch
from torch import nn


@dataclass
class HeadOutput:
    """What ``predict`` returns.

    ``x`` (B, T, dim) normalised representation (the mean / first sample when S > 1); ``smpl_params_c`` /
    ``smpl_params_w`` body-model-ready dicts (``global_orient`` (B, T, 3), ``transl`` (B, T, 3), ``body_pose``
    (B, T, 21, 3), ``betas`` (B, T, 10)); ``smpl_params``: the same in data-contract names; ``contact`` (B, T, 4)
    probabilities; ``samples``: optional dict of per-sample tensors with a leading S (``x`` (S, B, T, dim), ...).
    """

    x: torch.Tensor
    smpl_params_c: dict
    smpl_params_w: dict
    contact: Optional[torch.Tensor] = None
    smpl_params: Optional[dict] = None
    samples: Optional[dict] = None


def impose_known(x: torch.Tensor, known: Optional[dict]) -> torch.Tensor:
    """``x`` (B, T, dim) with the coordinates of ``known['mask']`` replaced by ``known['x']`` (no-op if None)."""
    if known is None:
        return x
    mask = known['mask'].to(x.device).bool()
    return torch.where(mask, known['x'].to(x), x)


class BaseHead(nn.Module):
    """Abstract head: a codec plus the body-model holder and the shared decode into ``HeadOutput``."""

    def __init__(self, codec: nn.Module, body_model: Optional[nn.Module] = None):
        super().__init__()
        self.codec = codec
        self._body_model_ref = (body_model,)  # tuple: not a submodule, not in state_dict

    @property
    def body_model(self) -> Optional[nn.Module]:
        return self._body_model_ref[0]

    def set_body_model(self, body_model: Optional[nn.Module]) -> None:
        self._body_model_ref = (body_model,)

    def _apply(self, fn, *args, **kwargs):
        super()._apply(fn, *args, **kwargs)
        if self.body_model is not None:
            self.body_model._apply(fn, *args, **kwargs)
        return self

    def decode(self, x: torch.Tensor, batch: dict, **decode_cfg) -> HeadOutput:
        """Normalised ``x`` (B, T, dim) -> ``HeadOutput`` via the codec."""
        out = self.codec.decode(x, batch, **decode_cfg)
        return HeadOutput(x=x, smpl_params_c=out['smpl_params_c'], smpl_params_w=out['smpl_params_w'],
                          contact=out.get('contact'), smpl_params=out.get('smpl_params'))

    def loss(self, cond: torch.Tensor, batch: dict, known: Optional[dict] = None, **kwargs) -> dict:
        """Named losses for condition tokens ``cond`` (B, T, C) and the GT ``batch``."""
        raise NotImplementedError(f'{type(self).__name__} must implement loss (abstract in BaseHead)')

    def predict(self, cond: torch.Tensor, batch: dict, known: Optional[dict] = None, num_samples: int = 1,
                **sampler_cfg) -> HeadOutput:
        """Decoded prediction(s) for condition tokens ``cond`` (B, T, C)."""
        raise NotImplementedError(f'{type(self).__name__} must implement predict (abstract in BaseHead)')
