"""Checkpoints (every local file mmengine writes) are written atomically: a failure or kill during the write
leaves the previous file as it was and no half-written one (``unihmr.engine.atomic_files``)."""
import os
from pathlib import Path

import pytest
import torch
from mmengine.fileio import get_file_backend
from mmengine.runner.checkpoint import save_checkpoint

import unihmr.engine  # noqa: F401  (installs the atomic local backend)
from unihmr.engine import AtomicLocalBackend


def test_mmengine_writes_local_files_through_the_atomic_backend(tmp_path):
    assert isinstance(get_file_backend(str(tmp_path / 'iter_1.pth')), AtomicLocalBackend)
    save_checkpoint({'state_dict': {'w': torch.ones(3)}}, str(tmp_path / 'iter_1.pth'))
    assert torch.equal(torch.load(tmp_path / 'iter_1.pth', weights_only=True)['state_dict']['w'], torch.ones(3))
    assert sorted(os.listdir(tmp_path)) == ['iter_1.pth']  # no temporary left behind


def test_a_failed_save_keeps_the_previous_checkpoint(tmp_path, monkeypatch):
    path = tmp_path / 'iter_2.pth'
    save_checkpoint({'state_dict': {'w': torch.zeros(2)}}, str(path))
    before = path.read_bytes()

    def killed(*args):  # the process dies after the bytes are written, before the rename
        raise KeyboardInterrupt

    monkeypatch.setattr(os, 'replace', killed)
    with pytest.raises(KeyboardInterrupt):
        save_checkpoint({'state_dict': {'w': torch.ones(1000)}}, str(path))
    assert path.read_bytes() == before
    assert sorted(Path(tmp_path).iterdir()) == [path]
