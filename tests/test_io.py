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


def test_sigterm_is_held_while_an_output_set_is_moved(tmp_path):
    """A SIGTERM during the renames waits for them: the set is moved whole, then the signal is delivered."""
    import os
    import signal
    from unihmr.utils.io import output_set
    received = []
    old = signal.signal(signal.SIGTERM, lambda signum, frame: received.append(signum))
    try:
        with output_set(tmp_path) as staging:
            for name in 'abc':
                (staging / name).write_text(name)
            real_replace = os.replace

            def replace_then_signal(source, target):  # the signal arrives after the first rename
                real_replace(source, target)
                if not received:
                    os.kill(os.getpid(), signal.SIGTERM)
                    assert not received  # held, not yet delivered
            os.replace = replace_then_signal
        os.replace = real_replace
    finally:
        os.replace = real_replace
        signal.signal(signal.SIGTERM, old)
    assert received == [signal.SIGTERM]
    assert sorted(p.name for p in tmp_path.iterdir()) == ['a', 'b', 'c']
