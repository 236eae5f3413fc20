"""The shipped checkpoints reproduce their golden metrics (``tests/golden_cases.py``) within 1e-4 relative."""
import json
import math

import pytest

from golden_cases import ABSOLUTE_TOL, CASES, RELATIVE_TOL, golden_path, run_case


@pytest.mark.slow
@pytest.mark.parametrize('model_name,split', CASES)
def test_golden_metrics(model_name, split):
    golden = json.loads(golden_path(model_name, split).read_text())
    metrics = run_case(model_name, split)
    assert sorted(metrics) == sorted(golden), 'the metric set changed; regenerate the golden files on purpose'
    wrong = {name: (metrics[name], value) for name, value in golden.items()
             if not (math.isnan(value) and math.isnan(metrics[name]))  # e.g. occluded-joint metrics of the clean split
             and not math.isclose(metrics[name], value, rel_tol=RELATIVE_TOL, abs_tol=ABSOLUTE_TOL)}
    assert not wrong, f'metrics moved (now, golden): {wrong}'
