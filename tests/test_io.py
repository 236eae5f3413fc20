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


def test_remove_in_flight_removes_what_is_not_yet_renamed(tmp_path):
    """What the SIGTERM handler calls before it exits: the open temporary file and staging folder go, the
    previous outputs stay."""
    from unihmr.utils.io import _IN_FLIGHT, output_set, remove_in_flight
    previous = write_text(tmp_path / 'a.txt', 'previous')
    with pytest.raises(InterruptedError):  # stands for os._exit, which never returns into the writers
        with output_set(tmp_path, members=['a.txt']) as staging:
            (staging / 'a.txt').write_text('new, half')
            with atomic_path(tmp_path / 'b.txt') as tmp:
                tmp.write_text('half')
                remove_in_flight()
                assert not tmp.exists() and not staging.exists()
                raise InterruptedError
    assert previous.read_text() == 'previous'
    assert [p.name for p in tmp_path.iterdir()] == ['a.txt'] and not _IN_FLIGHT


def test_an_exit_asked_for_during_the_renames_waits_for_them(tmp_path):
    """The SIGTERM handler's exit (``run_or_defer``) asked for in the middle of an output set's renames runs only
    once the set is whole; outside a commit it runs at once."""
    import os
    from unihmr.utils.io import output_set, run_or_defer
    ran, files_then, asked = [], [], []
    real_replace = os.replace

    def replace_then_ask(source, target):  # the exit is asked for after the first rename
        real_replace(source, target)
        if not asked:
            asked.append(1)
            run_or_defer(lambda: (ran.append(1), files_then.append(sorted(p.name for p in tmp_path.iterdir()))))
            assert not ran  # deferred
    with output_set(tmp_path) as staging:
        for name in 'abc':
            (staging / name).write_text(name)
        os.replace = replace_then_ask
    os.replace = real_replace
    assert ran == [1] and files_then == [['a', 'b', 'c']]  # ran after the whole set was in place
    run_or_defer(lambda: ran.append(2))
    assert ran == [1, 2]
