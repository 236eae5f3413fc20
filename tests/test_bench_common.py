"""tools/bench_common.py: the ratio table of the benchmark sections compares time per frame."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / 'tools'))

from bench_common import ratio_table  # noqa: E402


def test_ratios_are_per_frame_when_a_row_times_a_shorter_sequence():
    rows = [dict(model='regression', setting='-', seconds=1.0),
            dict(model='big', setting='first 100 frames', seconds=2.0, frames=100)]
    lines = ratio_table(rows, frames=200)
    # regression: 1 s / 200 frames; big: 2 s / 100 frames = 4x the time per frame
    assert rows[1]['ratio'] == 4.0 and rows[1]['fps'] == 50.0 and rows[0]['fps'] == 200.0
    assert lines == ['| regression | - | 1.00 | 200.0 | 1x |', '| big | first 100 frames | 2.00 | 50.0 | 4x |']
