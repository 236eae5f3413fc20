"""MoRo's MaskGIT decoding (``samplers/maskgit.py``) against the paper's schedule and hand-built cases."""
import math

import pytest
import torch

from unihmr.models.samplers.maskgit import MaskGITDecoder, masked_counts, remask_fractions

K = 7


def test_the_schedule_is_the_papers_for_five_steps():
    # shared/specs/moro.md, "Inference": 1, 0.905, 0.655, 0.345, 0.095, then nothing masked
    assert [round(r, 3) for r in remask_fractions(5)] == [1.0, 0.905, 0.655, 0.345, 0.095, 0.0]
    counts = masked_counts(torch.tensor([60, 1, 0]), 5)
    assert counts[:, 0].tolist() == [60, 54, 39, 20, 5, 0]  # floor(r_i * 60)
    assert counts[:, 1].tolist() == [1, 0, 0, 0, 0, 0] and counts[:, 2].tolist() == [0] * 6
    with pytest.raises(ValueError, match='at least 1'):
        remask_fractions(0)


def _random_steps(seed: int):
    """A step function with fresh random logits at each call; records what it was given."""
    generator = torch.Generator().manual_seed(seed)
    seen = []

    def step_fn(ids, masked, step, state):
        seen.append((ids.clone(), masked.clone(), step, state))
        return torch.randn(*ids.shape, K, generator=generator), (state or 0) + 1
    return step_fn, seen


def test_decided_tokens_never_change_and_the_counts_follow_the_schedule():
    ids = torch.randint(0, K, (3, 40), generator=torch.Generator().manual_seed(1))
    masked = torch.rand(3, 40, generator=torch.Generator().manual_seed(2)) < 0.7
    step_fn, seen = _random_steps(3)
    out, state = MaskGITDecoder(num_steps=5).decode(step_fn, ids, masked)
    assert state == 5 and [step for _, _, step, _ in seen] == [0, 1, 2, 3, 4]
    assert torch.equal(out[~masked], ids[~masked])  # given tokens kept
    counts = masked_counts(masked.sum(-1), 5)
    history = [m for _, m, _, _ in seen] + [torch.zeros_like(masked)]
    for step in range(5):
        assert torch.equal(history[step].sum(-1), counts[step])
        assert not (history[step + 1] & ~history[step]).any()  # a decided token is never masked again
        decided = ~history[step + 1]
        later = seen[step + 1][0] if step + 1 < 5 else out
        assert torch.equal(later[decided & history[step]], out[decided & history[step]])  # and keeps its id


def test_one_step_is_one_greedy_pass():
    logits = torch.randn(2, 9, K, generator=torch.Generator().manual_seed(4))
    out, _ = MaskGITDecoder(num_steps=1).decode(lambda ids, m, s, st: (logits, st), torch.zeros(2, 9, dtype=torch.long),
                                                torch.ones(2, 9, dtype=torch.bool))
    assert torch.equal(out, logits.argmax(-1))


def test_the_least_confident_stay_masked():
    # token j's best id has probability rising with j: the first ones are the least confident
    N = 10
    peak = torch.linspace(0.5, 5.0, N)
    logits = torch.zeros(1, N, K)
    logits[0, torch.arange(N), torch.arange(N) % K] = peak
    seen_masks = []

    def fixed(ids, masked, step, state):
        seen_masks.append(masked.clone())
        return logits, state
    MaskGITDecoder(num_steps=5).decode(fixed, torch.zeros(1, N, dtype=torch.long), torch.ones(1, N, dtype=torch.bool))
    after_first = seen_masks[1][0]
    kept_masked = math.floor(remask_fractions(5)[1] * N)
    assert after_first.tolist() == [True] * kept_masked + [False] * (N - kept_masked)


def test_a_temperature_samples_reproducible_hypotheses():
    logits = torch.zeros(4, 30, K)
    decoder = MaskGITDecoder(num_steps=3, temperature=1.0)
    start, masked = torch.zeros(4, 30, dtype=torch.long), torch.ones(4, 30, dtype=torch.bool)
    def step_fn(ids, masked, step, state):
        return logits, state
    first, _ = decoder.decode(step_fn, start, masked, generator=torch.Generator().manual_seed(5))
    again, _ = decoder.decode(step_fn, start, masked, generator=torch.Generator().manual_seed(5))
    assert torch.equal(first, again) and len(first.unique()) > 1  # uniform logits: greedy would give id 0 only
    with pytest.raises(ValueError, match='temperature'):
        MaskGITDecoder(temperature=-1.0)


def test_a_temperature_per_row_keeps_the_greedy_rows_greedy():
    # one batch of a greedy hypothesis and two sampled ones (MoRo's S hypotheses in one pass)
    logits = torch.randn(3, 30, K, generator=torch.Generator().manual_seed(0))
    start, masked = torch.zeros(3, 30, dtype=torch.long), torch.ones(3, 30, dtype=torch.bool)
    def step_fn(ids, masked, step, state):
        return logits, state
    mixed, _ = MaskGITDecoder(3, torch.tensor([0.0, 2.0, 2.0])).decode(step_fn, start, masked,
                                                                        generator=torch.Generator().manual_seed(1))
    greedy, _ = MaskGITDecoder(3).decode(step_fn, start, masked)
    assert torch.equal(mixed[0], greedy[0]) and torch.equal(greedy[0], logits[0].argmax(-1))
    assert not torch.equal(mixed[1], greedy[1]) and not torch.equal(mixed[2], greedy[2])
    with pytest.raises(ValueError, match='temperature'):
        MaskGITDecoder(temperature=torch.tensor([0.0, -1.0]))
