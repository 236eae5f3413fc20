"""tools/results_table.py: result JSONs side by side as a markdown table."""
import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_table_lines_up_metrics_and_marks_missing_values(tmp_path):
    (tmp_path / 'a.json').write_text(json.dumps({'mpjpe': 60.4138, 'mpjpe_occ': float('nan')}))
    (tmp_path / 'b.json').write_text(json.dumps({'mpjpe': 55.0, 'min_mpjpe': 40.126}))
    result = subprocess.run([sys.executable, str(REPO / 'tools' / 'results_table.py'), f'A={tmp_path / "a.json"}',
                             f'B={tmp_path / "b.json"}'], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0] == '| metric | A | B |'
    assert lines[2:] == ['| `mpjpe` | 60.41 | 55.00 |', '| `mpjpe_occ` | – | – |', '| `min_mpjpe` | – | 40.13 |']
    missing = subprocess.run([sys.executable, str(REPO / 'tools' / 'results_table.py'), f'A={tmp_path / "no.json"}'],
                             capture_output=True, text=True)
    assert missing.returncode != 0 and 'not found' in missing.stderr
