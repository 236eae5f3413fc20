"""ScoreHMR refinement (section 4.1): DDIM inversion of an estimate, then score-guided DDIM sampling, in a loop.

A refiner sits behind any stage list (``Recoverer(refiners=[...])``): it takes the last stage's
``HeadOutput``, encodes its pose with the prior's codec, and repeats, per round,

1. DDIM inversion of the current estimate to noise level ``tau`` (eq. 7, ``DDIMInverseScheduler``);
2. DDIM sampling back with the noise corrected by the guidance gradient (eqs. 9-10), the guidance being a
   ``GuidanceSet`` of registered energies (keypoint reprojection eq. 12, temporal eq. 14, multi-view eq. 13);
   with keypoint guidance the camera translation offset gamma is optimised jointly (Adam, ``camera_lr``);

until the relative change of each sequence's guidance energy falls below ``rel_tol`` or after ``max_rounds``
rounds. Fields outside the prior's layout (shape, camera, world motion) come from the stage's output; the
gravity-view orientation and the camera are re-encoded from the refined root orientation and translation,
so the world trajectory follows the refinement.

The prior's weights are not part of the recoverer's checkpoint: the refiner loads them from
``prior_checkpoint`` (the checkpoint of a recoverer whose stage 0 is the ``DiffusionPriorHead``).
"""
from pathlib import Path
from typing import Optional

import torch
from torch import nn

from unihmr.models.guidance import GuidanceInputs, GuidanceSet
from unihmr.models.heads.base import HeadOutput
from unihmr.models.samplers import DDIMLoop
from unihmr.registry import HEADS

REPO = Path(__file__).resolve().parents[3]
PRIOR_PREFIX = 'stages.0.'
CAMERA_ENERGIES = ('KeypointReprojectionEnergy',)  # energies whose value depends on the camera offset gamma


def load_prior_weights(prior: nn.Module, path: str, prefix: str = PRIOR_PREFIX) -> None:
    """Load ``prior`` from the ``prefix`` weights of a checkpoint (a relative path not found here is looked up
    in the repository); missing or extra keys are named."""
    path = Path(path)
    if not path.is_file() and not path.is_absolute() and (REPO / path).is_file():
        path = REPO / path
    if not path.is_file():
        raise FileNotFoundError(f'prior checkpoint not found: {path} (train it with configs/scorehmr/'
                                'scorehmr_prior_*.py, or set prior_checkpoint)')
    state = torch.load(path, map_location='cpu', weights_only=True)
    state = state.get('state_dict', state)
    weights = {key[len(prefix):]: value for key, value in state.items() if key.startswith(prefix)}
    result = prior.load_state_dict(weights, strict=False)
    if result.missing_keys or result.unexpected_keys:
        raise ValueError(f'prior checkpoint {path} does not fit the prior config: missing {result.missing_keys[:4]}, '
                         f'unexpected {result.unexpected_keys[:4]} (keys under {prefix!r})')


@HEADS.register_module()
class ScoreHMRRefiner(nn.Module):
    """Score-guided refinement of an earlier stage's estimate.

    Args:
        prior: ``DiffusionPriorHead`` config. prior_checkpoint: file with its weights (None: as built).
        guidance: energies, name -> ``GUIDANCE`` config (see ``models.guidance``).
        tau / step: inversion depth and DDIM step spacing. scale: rho, the guidance step size of eq. 10.
        max_rounds / rel_tol: the loop's stopping rule. camera_lr: Adam rate of gamma (0 = keep the camera).
        body_model, in_width: given by the recoverer.
    """

    def __init__(self, prior: dict, guidance: dict, prior_checkpoint: Optional[str] = None, tau: int = 50,
                 step: int = 2, scale: float = 1.0, max_rounds: int = 10, rel_tol: float = 1e-3,
                 camera_lr: float = 1e-2, body_model: Optional[nn.Module] = None, in_width: Optional[int] = None):
        super().__init__()
        if max_rounds < 1:
            raise ValueError(f'max_rounds: expected >= 1, got {max_rounds}')
        prior_model = HEADS.build(dict(prior), default_args=dict(body_model=body_model))
        if prior_checkpoint:
            load_prior_weights(prior_model, prior_checkpoint)
        self._prior_ref = (prior_model.eval().requires_grad_(False),)  # outside the recoverer's state_dict
        self.guidance = GuidanceSet(guidance)
        self.loop = DDIMLoop(**prior_model.schedule, tau=tau, step=step)
        self.scale, self.max_rounds, self.rel_tol, self.camera_lr = float(scale), int(max_rounds), rel_tol, camera_lr
        self._body_model_ref = (body_model,)
        self.uses_camera = any(type(energy).__name__ in CAMERA_ENERGIES for energy in self.guidance.energies.values())

    @property
    def prior(self) -> nn.Module:
        return self._prior_ref[0]

    @property
    def body_model(self) -> nn.Module:
        return self._body_model_ref[0]

    def _apply(self, fn, *args, **kwargs):
        super()._apply(fn, *args, **kwargs)
        self.prior._apply(fn, *args, **kwargs)
        return self

    def _energy(self, x0: torch.Tensor, batch: dict, fill: dict, gamma: Optional[torch.Tensor]) -> torch.Tensor:
        """Guidance energy (B,) of the clean estimate ``x0`` (B, T, dim)."""
        codec = self.prior.codec
        params = codec.decode(x0, batch, fill=fill)['smpl_params_c']
        inputs = GuidanceInputs(x0=x0, codec=codec, batch=batch, valid=batch['valid'].bool(),
                                posed=lambda: self.body_model(**params, return_verts=False), transl_offset=gamma)
        return self.guidance(inputs)[0]

    def refine(self, cond: torch.Tensor, batch: dict, output: HeadOutput) -> HeadOutput:
        """The refined ``HeadOutput`` of ``output`` (the last stage's) for ``batch``."""
        self.guidance.check(batch)
        prior, codec = self.prior, self.prior.codec
        fill = prior.fill_from(output, batch)
        features = prior.condition(batch)

        def eps_fn(x, t):
            return prior.eps(x, t, features)

        x0 = codec.encode(dict(batch, smpl_params=output.smpl_params), names=tuple(codec.fields))
        gamma, optimizer = None, None
        if self.uses_camera and self.camera_lr > 0:
            gamma = torch.zeros(*x0.shape[:2], 3, device=x0.device, requires_grad=True)
            optimizer = torch.optim.Adam([gamma], lr=self.camera_lr)

        def guidance_fn(x0_hat, t):
            energy = self._energy(x0_hat, batch, fill, gamma)
            if optimizer is not None:  # gamma is optimised with the same energy (ScoreHMR eq. 12)
                gamma.grad, = torch.autograd.grad(energy.sum(), gamma, retain_graph=True)
                optimizer.step()
            return energy

        with torch.no_grad():
            previous = self._energy(x0, batch, fill, gamma)
        active = torch.ones(x0.shape[0], dtype=torch.bool, device=x0.device)
        for _ in range(self.max_rounds):
            refined = self.loop.sample(eps_fn, self.loop.invert(eps_fn, x0), guidance_fn, self.scale)
            with torch.no_grad():
                current = self._energy(refined, batch, fill, gamma)
            x0 = torch.where(active[:, None, None], refined, x0)
            change = (previous - current).abs() / previous.abs().clamp(min=1e-8)
            active = active & (change >= self.rel_tol)
            previous = torch.where(active, current, previous)
            if not active.any():
                break
        refined_output = self._output(x0.detach(), batch, fill, None if gamma is None else gamma.detach())
        refined_output.contact = output.contact
        return refined_output

    def _output(self, x0: torch.Tensor, batch: dict, fill: dict, gamma: Optional[torch.Tensor]) -> HeadOutput:
        """Decode the refined pose with the stage's other fields, the gravity-view orientation re-encoded from the
        refined camera orientation and the camera from the translation plus gamma."""
        codec = self.prior.codec
        params = codec.decode(x0, batch, fill=fill)['smpl_params']
        if gamma is not None:
            params = dict(params, transl_c=params['transl_c'] + gamma)
        updated = codec.encode_fields(dict(batch, smpl_params=params), names=('global_orient_gv', 'cam'))
        decoded = codec.decode(x0, batch, fill={**fill, **{name: updated[name] for name in fill if name in updated}})
        return HeadOutput(x=x0, smpl_params_c=decoded['smpl_params_c'], smpl_params_w=decoded['smpl_params_w'],
                          contact=decoded.get('contact'), smpl_params=decoded['smpl_params'])
