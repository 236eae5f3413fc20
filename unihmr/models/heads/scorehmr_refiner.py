"""ScoreHMR refinement (section 4.1): DDIM inversion of an estimate, then score-guided DDIM sampling, in a loop.

A refiner is an ordinary stage placed after any other (``Recoverer(stages=[..., refiner])``): it takes the
``Estimate`` of the stage named in its ``inputs`` (default: the one before it), encodes its pose with the prior's
codec, and repeats, per round,

1. DDIM inversion of the current estimate to noise level ``tau`` (eq. 7, ``DDIMInverseScheduler``);
2. DDIM sampling back with the noise corrected by the guidance gradient (eqs. 9-10, the shared
   ``DiffusionSampler`` in noise space), the guidance being a ``GuidanceSet`` of registered energies (keypoint
   reprojection eq. 12, temporal eq. 14, multi-view eq. 13) of the clean estimate x0_hat (B, T, D), taken by
   default from the detached noise prediction as in the authors' release (gradient grad_{x0} E / sqrt(alpha_t),
   no backward pass through the prior; ``grad_through_denoiser=True``: through it, the literal eq. 10); when an
   energy depends on the camera offset gamma (B, T, 3) (``uses_offset``), gamma is optimised jointly with the
   same energy (Adam, ``camera_lr``: the sampler's ``aux_step``);

until the relative change of each sequence's guidance energy falls below ``rel_tol`` or after ``max_rounds``
rounds. ``num_steps`` sets the DDIM steps from tau back to the clean end (the spacing becomes tau / num_steps).
With S > 1 hypotheses in the earlier estimate, each is refined too (one batched pass of S * B sequences). Fields outside the prior's layout (shape, camera, world motion) come from the stage's output; the
gravity-view orientation and the camera are re-encoded from the refined root orientation and translation,
so the world trajectory follows the refinement.

The prior's weights are not part of the recoverer's checkpoint: the refiner loads them from
``prior_checkpoint`` (the checkpoint of a recoverer whose stage 0 is the ``DiffusionPriorHead``).
"""
from pathlib import Path
from typing import Optional

import torch
from torch import nn

from unihmr.models.batch_ops import repeat_batch
from unihmr.models.estimate import Estimate
from unihmr.models.guidance import GuidanceInputs, GuidanceSet
from unihmr.models.heads.base import BaseHead
from unihmr.models.samplers import DDIMLoop, Guidance
from unihmr.registry import HEADS

REPO = Path(__file__).resolve().parents[3]
PRIOR_PREFIX = 'stages.0.'


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
class ScoreHMRRefiner(BaseHead):
    """Score-guided refinement of an earlier stage's estimate (not trained here: ``trainable = False``).

    Args:
        prior: ``DiffusionPriorHead`` config. prior_checkpoint: file with its weights (None: as built).
        guidance: energies, name -> ``GUIDANCE`` config (see ``models.guidance``).
        tau / step: inversion depth and DDIM step spacing. scale: rho, the guidance step size of eq. 10.
        grad_through_denoiser: False (the release): the guidance gradient w.r.t. x_t is grad_{x0} E / sqrt(alpha_t),
            x0_hat formed from the detached noise prediction; True: differentiated through the prior (eq. 10 read
            literally). Passed to the sampler's ``Guidance(through_denoiser=...)``.
        max_rounds / rel_tol: the loop's stopping rule. camera_lr: Adam rate of gamma (0 = keep the camera).
        body_model, in_width, inputs, windowing: given by the recoverer (the refiner sees the whole sequence).
    """

    takes_steps = True
    trainable = False

    def __init__(self, prior: dict, guidance: dict, prior_checkpoint: Optional[str] = None, tau: int = 50,
                 step: int = 2, scale: float = 1.0, max_rounds: int = 10, rel_tol: float = 1e-3,
                 camera_lr: float = 1e-2, grad_through_denoiser: bool = False, body_model: Optional[nn.Module] = None,
                 in_width: Optional[int] = None, inputs=(), windowing=None):
        super().__init__(None, body_model, inputs, windowing)
        if max_rounds < 1:
            raise ValueError(f'max_rounds: expected >= 1, got {max_rounds}')
        prior_model = HEADS.build({key: value for key, value in dict(prior).items() if key != 'name'},
                                  default_args=dict(body_model=body_model))
        if prior_checkpoint:
            load_prior_weights(prior_model, prior_checkpoint)
        self._prior_ref = (prior_model.eval().requires_grad_(False),)  # outside the recoverer's state_dict
        self.guidance = GuidanceSet(guidance)
        self.loop = DDIMLoop(**prior_model.schedule, tau=tau, step=step)
        self.scale, self.max_rounds, self.rel_tol, self.camera_lr = float(scale), int(max_rounds), rel_tol, camera_lr
        self.grad_through_denoiser = bool(grad_through_denoiser)

    @property
    def prior(self) -> nn.Module:
        return self._prior_ref[0]

    def external_modules(self) -> tuple:
        return self._prior_ref

    @property
    def codec(self) -> nn.Module:
        """The prior's codec (the representation the refiner works in)."""
        return self.prior.codec

    def _apply(self, fn, *args, **kwargs):
        super()._apply(fn, *args, **kwargs)
        self.prior._apply(fn, *args, **kwargs)
        return self

    def loss(self, cond, batch: dict, history: Optional[dict] = None) -> dict:
        raise ValueError('ScoreHMRRefiner is not trained by the recoverer: train its prior with '
                         'configs/scorehmr/scorehmr_prior_*.py and set prior_checkpoint')

    def _loop(self, num_steps: Optional[int]) -> DDIMLoop:
        """The configured DDIM loop, or one with ``num_steps`` steps from tau (spacing tau / num_steps)."""
        if num_steps is None or num_steps == self.loop.num_steps:
            return self.loop
        if isinstance(num_steps, bool) or not isinstance(num_steps, int) or num_steps < 1 or self.loop.tau % num_steps:
            raise ValueError(f'ScoreHMRRefiner num_steps: expected a positive divisor of tau={self.loop.tau}, '
                             f'got {num_steps!r}')
        return DDIMLoop(**self.prior.schedule, tau=self.loop.tau, step=self.loop.tau // num_steps)

    def _energy(self, x0: torch.Tensor, batch: dict, fill: dict, gamma: Optional[torch.Tensor],
                t: Optional[int] = None) -> Optional[torch.Tensor]:
        """Guidance energy (B,) of the clean estimate ``x0`` (B, T, dim) at level t (None: no term active)."""
        decoded = self.codec.decode(x0, batch, fill=fill)
        estimate = Estimate.from_params(decoded['smpl_params'])
        inputs = GuidanceInputs.from_estimate(estimate, batch, self.body_model, x0=x0, codec=self.codec,
                                              transl_offset=gamma)
        return self.guidance(inputs, t)[0]

    @torch.no_grad()
    def predict(self, cond, batch: dict, history: Optional[dict] = None, num_samples: int = 1,
                num_steps: Optional[int] = None) -> Estimate:
        """The refined estimate of the earlier stage's (its samples refined too when S > 1)."""
        self.guidance.check(batch)
        earlier = self.earlier(history)
        loop = self._loop(num_steps)
        refined = self.refine(loop, batch, earlier)
        if num_samples > 1 and earlier.samples is not None:
            count = earlier.num_samples
            many = Estimate.from_params({name: value.flatten(0, 1) for name, value in earlier.samples.items()},
                                        contact=None if earlier.contact is None else repeat_batch(earlier.contact, count))
            out = self.refine(loop, repeat_batch(batch, count), many)
            refined = refined.with_params(samples={name: value.unflatten(0, (count, -1))
                                                   for name, value in out.params.items()})
        return refined

    def refine(self, loop: DDIMLoop, batch: dict, earlier: Estimate) -> Estimate:
        """The rounds of inversion and guided sampling of one estimate (B sequences)."""
        prior, codec = self.prior, self.codec
        fill = prior.fill_from(earlier, batch)
        features = prior.condition(batch)

        def eps_fn(x, t):
            return prior.eps(x, t, features)

        x0 = codec.encode(dict(batch, smpl_params=earlier.params), names=tuple(codec.fields))
        gamma, optimizer = None, None
        if self.guidance.uses_offset and self.camera_lr > 0:
            gamma = torch.zeros(*x0.shape[:2], 3, device=x0.device, requires_grad=True)
            optimizer = torch.optim.Adam([gamma], lr=self.camera_lr)

        def camera_step(energy):  # gamma is optimised with the same energy (ScoreHMR eq. 12)
            gamma.grad, = torch.autograd.grad(energy.sum(), gamma, retain_graph=True)
            optimizer.step()

        guidance = Guidance(energy=lambda x0_hat, t: self._energy(x0_hat, batch, fill, gamma, t), mode='noise',
                            scale=self.scale, aux_step=camera_step if optimizer is not None else None,
                            through_denoiser=self.grad_through_denoiser)
        previous = self._energy(x0, batch, fill, gamma)
        if previous is None:  # no energy: nothing steers the refinement
            return earlier
        active = torch.ones(x0.shape[0], dtype=torch.bool, device=x0.device)
        for _ in range(self.max_rounds):
            refined = loop.sample(eps_fn, loop.invert(eps_fn, x0), guidance)
            current = self._energy(refined, batch, fill, gamma)
            x0 = torch.where(active[:, None, None], refined, x0)
            change = (previous - current).abs() / previous.abs().clamp(min=1e-8)
            active = active & (change >= self.rel_tol)
            previous = torch.where(active, current, previous)
            if not active.any():
                break
        return self._output(x0.detach(), batch, fill, None if gamma is None else gamma.detach(), earlier.contact)

    def _output(self, x0: torch.Tensor, batch: dict, fill: dict, gamma: Optional[torch.Tensor],
                contact: Optional[torch.Tensor]) -> Estimate:
        """Decode the refined pose with the earlier estimate's other fields, the gravity-view orientation re-encoded
        from the refined camera orientation and the camera from the translation plus gamma."""
        codec = self.codec
        params = codec.decode(x0, batch, fill=fill)['smpl_params']
        if gamma is not None:
            params = dict(params, transl_c=params['transl_c'] + gamma)
        updated = codec.encode_fields(dict(batch, smpl_params=params), names=('global_orient_gv', 'cam'))
        decoded = codec.decode(x0, batch, fill={**fill, **{name: updated[name] for name in fill if name in updated}})
        return Estimate.from_params(decoded['smpl_params'], contact=contact)
