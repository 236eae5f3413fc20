"""MoRo's MaskGIT decoding (paper 4.4, supp. B; ``shared/specs/moro.md``, "Inference"), written here: diffusers'
``AmusedScheduler`` and lucidrains' muse-maskgit sample ids at random, add Gumbel noise to the confidence and use
another schedule, so neither is this variant.

Each of the T steps predicts every masked token; then the fraction r_{i+1} of the tokens masked at the start (r_i =
(1 + cos(pi i / T)) / 2: 1, 0.905, 0.655, 0.345, 0.095 for T = 5; r_T = 0) stays masked: the least confident of
the tokens predicted at this step. Tokens decided at an earlier step, and tokens given unmasked, never change and
are never masked again. Ids are greedy (argmax) and the confidence is their softmax probability; with a temperature
the ids are sampled from the tempered softmax (hypotheses; the paper decodes greedily).
"""
import math
from typing import Callable, Optional

import torch


def remask_fractions(num_steps: int) -> list:
    """r_i = (1 + cos(pi i / T)) / 2 for i = 0 .. T (the fraction of the initially masked tokens masked at the
    start of step i; r_0 = 1, r_T = 0)."""
    if num_steps < 1:
        raise ValueError(f'MaskGIT num_steps must be at least 1, got {num_steps}')
    return [(1 + math.cos(math.pi * i / num_steps)) / 2 for i in range(num_steps + 1)]


def masked_counts(num_masked: torch.Tensor, num_steps: int) -> torch.Tensor:
    """(T + 1, B) long: tokens masked at the start of each step (row T: 0), floor(r_i * n0) of each row's n0."""
    fractions = torch.tensor(remask_fractions(num_steps), dtype=torch.float64, device=num_masked.device)
    counts = torch.floor(fractions[:, None] * num_masked.to(torch.float64)[None] + 1e-9).long()
    counts[0], counts[-1] = num_masked, 0
    return counts


class MaskGITDecoder:
    """Iterative decoding of B sequences of N tokens over a codebook of K ids.

    Args:
        num_steps: T, the number of network passes (the recoverer's ``num_steps``; MoRo: 5).
        temperature: None or 0 for greedy ids; > 0 samples them from softmax(logits / temperature). A (B,) tensor
            gives each sequence its own (0: greedy), so greedy and sampled hypotheses decode in one batch.
    """

    def __init__(self, num_steps: int = 5, temperature=None):
        remask_fractions(num_steps)  # validates
        if temperature is not None and bool((torch.as_tensor(temperature) < 0).any()):
            raise ValueError(f'MaskGIT temperature must be >= 0, got {temperature}')
        self.num_steps, self.temperature = int(num_steps), temperature

    def choose(self, logits: torch.Tensor, generator: Optional[torch.Generator] = None) -> tuple:
        """ids (B, N) and their confidence (B, N), the softmax probability, from logits (B, N, K)."""
        probs = logits.float().softmax(-1)
        ids = probs.argmax(-1)
        temperature = self.temperature
        if temperature is not None and bool((torch.as_tensor(temperature) > 0).any()):
            per_row = torch.as_tensor(temperature, dtype=torch.float32, device=logits.device).expand(logits.shape[0])
            sampled = per_row > 0
            tempered = (logits[sampled].float() / per_row[sampled, None, None]).softmax(-1)
            draws = torch.multinomial(tempered.flatten(0, -2), 1, generator=generator).view(tempered.shape[:-1])
            ids = ids.masked_scatter(sampled[:, None].expand_as(ids), draws)
        return ids, probs.gather(-1, ids[..., None])[..., 0]

    def decode(self, step_fn: Callable, ids: torch.Tensor, masked: torch.Tensor, num_steps: Optional[int] = None,
               generator: Optional[torch.Generator] = None, state=None) -> tuple:
        """Decode the ``masked`` (B, N) bool tokens of ``ids`` (B, N) long; the others are kept as given.

        ``step_fn(ids, masked, step, state) -> (logits (B, N, K), state)`` runs the network on the current ids
        with ``masked`` positions hidden (the caller puts its [MASK] embedding there); ``state`` carries what a
        step hands to the next (MoRo: the refined trajectory). Returns (ids (B, N) with every token decided, the
        last state).
        """
        steps = self.num_steps if num_steps is None else int(num_steps)
        masked = masked.bool().clone()
        ids = ids.clone()
        counts = masked_counts(masked.sum(-1), steps)
        for step in range(steps):
            logits, state = step_fn(ids, masked, step, state)
            predicted, confidence = self.choose(logits, generator)
            ids = torch.where(masked, predicted, ids)
            # the least confident of this step's predictions stay masked; decided tokens rank last (never chosen)
            confidence = confidence.masked_fill(~masked, float('inf'))
            rank = confidence.argsort(dim=-1, stable=True).argsort(dim=-1, stable=True)
            masked = masked & (rank < counts[step + 1][:, None])
        return ids, state
