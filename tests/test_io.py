"""Atomic writes: a failed write leaves neither a partial file nor a temporary file behind."""
import numpy as np
import pytest

from unihmr.utils.io import atomic_path, write_text


def test_success_renames_into_place(tmp_path):
    target = tmp_path / 'sub' / 'result.npz'
    with atomic_path(target) as tmp:
        assert tmp.suffix == '.npz' and tmp != target
        np.savez(tmp, x=np.arange(3))
    assert np.load(target)['x'].tolist() == [0, 1, 2]
    assert sorted(p.name for p in target.parent.iterdir()) == ['result.npz']


def test_failure_leaves_old_file_untouched_and_no_temporary(tmp_path):
    target = write_text(tmp_path / 'out.txt', 'old')
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text('half')
            raise RuntimeError('crash while writing')
    assert target.read_text() == 'old'
    assert [p.name for p in tmp_path.iterdir()] == ['out.txt']
