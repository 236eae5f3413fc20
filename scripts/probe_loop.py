"""The training loop shared by the exploratory probes (``probe_lifting.py``, ``probe_velocity.py``)."""
import time
from typing import Callable

import torch
from torch import nn


def run_probe(model: nn.Module, batch_loss: Callable[[], torch.Tensor], iters: int, report: Callable[[], str],
              every: int = 500) -> None:
    """AdamW (lr 1e-3, weight decay 1e-4) with a one-cycle schedule over ``iters`` steps of ``batch_loss()`` (which
    draws its own batch); every ``every`` steps prints the step, the seconds so far and ``report()`` (no grad)."""
    optimizer = torch.optim.AdamW(model.parameters(), 1e-3, weight_decay=1e-4)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, 1e-3, total_steps=iters)
    start = time.time()
    for step in range(iters):
        loss = batch_loss()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        schedule.step()
        if (step + 1) % every == 0:
            with torch.no_grad():
                message = report()
            print(f'{step + 1} iterations, {time.time() - start:.0f} s: {message}', flush=True)
