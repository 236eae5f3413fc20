"""tools/results_table.py: result JSONs side by side as a markdown table, and the paired per-sequence
bootstrap comparison of two result CSVs (``--paired``)."""
import importlib.util
import itertools
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from unihmr.evaluation.paired import bootstrap_interval

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


# ---------------------------------------------------------------- paired mode: two per-sequence CSVs

TOOL = REPO / 'tools' / 'results_table.py'
HEADER = '| metric | n | mean A | mean B | B - A | 95% CI low | 95% CI high | B lower on | verdict |'


def tool_module():
    spec = importlib.util.spec_from_file_location('results_table', TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_csv(path, rows, metrics=('mpjpe',)):
    """rows: (seq_id, num_frames, values...) with '' for an empty cell; the tools/test.py layout."""
    lines = [','.join(('seq_id', 'num_frames') + tuple(metrics))]
    lines += [','.join(str(cell) for cell in row) for row in rows]
    path.write_text('\n'.join(lines) + '\n')
    return path


def paired(*args):
    return subprocess.run([sys.executable, str(TOOL), '--paired', *map(str, args)], capture_output=True, text=True)


def table_rows(stdout):
    """metric -> cells of the markdown table rows in the paired output."""
    lines = stdout.strip().splitlines()
    start = lines.index(next(line for line in lines if line.startswith('| metric |')))
    return {cells[0].strip('`'): cells[1:] for cells in
            ([c.strip() for c in line.strip('|').split('|')] for line in lines[start + 2:])}


def test_paired_constant_difference_collapses_the_interval(tmp_path):
    # hand-computed: B is 2 mm below A on every sequence, so every resampled mean difference is -2
    a = write_csv(tmp_path / 'a.csv', [('s0', 10, 10.0), ('s1', 10, 20.0), ('s2', 10, 30.0)])
    b = write_csv(tmp_path / 'b.csv', [('s0', 10, 8.0), ('s1', 10, 18.0), ('s2', 10, 28.0)])
    result = paired(f'A={a}', f'B={b}', '--resamples', 500)
    assert result.returncode == 0, result.stderr
    assert HEADER in result.stdout.splitlines()
    assert '| `mpjpe` | 3 | 20.00 | 18.00 | -2.00 | -2.00 | -2.00 | 3/3 | B lower |' in result.stdout.splitlines()
    assert 'Paired by seq_id: 3 in both' in result.stdout


def test_bootstrap_interval_matches_the_exact_bootstrap_distribution():
    # n = 3 pairs: the 27 equally likely resamples give the exact distribution of the resampled mean
    diff = np.array([-1.0, 0.0, 4.0])
    means = np.sort([sum(t) / 3 for t in itertools.product(diff, repeat=3)])
    cdf = np.arange(1, 28) / 27
    level = 0.8  # tails 0.1 and 0.9 fall well inside plateaus of the exact CDF (-2/3 and 8/3)
    exact_low, exact_high = means[np.searchsorted(cdf, 0.1)], means[np.searchsorted(cdf, 0.9)]
    low, high = bootstrap_interval(diff, np.ones(3), resamples=20000, level=level, seed=0)
    assert (low, high) == pytest.approx((exact_low, exact_high)) == (-2 / 3, 8 / 3)


@pytest.mark.parametrize('seed', range(5))
def test_interval_contains_the_mean_difference_and_swapping_negates_it(seed):
    module = tool_module()
    rng = np.random.default_rng(100 + seed)
    a = rng.normal(50.0, 10.0, 40)
    b = a + rng.normal(rng.uniform(-3, 3), 4.0, 40)
    weights = rng.integers(60, 200, 40).astype(float)
    ab = module.compare_metric(a, b, weights, ('A', 'B'), resamples=2000, level=0.95, seed=seed)
    ba = module.compare_metric(b, a, weights, ('B', 'A'), resamples=2000, level=0.95, seed=seed)
    assert ab['diff'] == pytest.approx(np.average(b - a, weights=weights))
    assert ab['ci_low'] <= ab['diff'] <= ab['ci_high']
    assert (ba['ci_low'], ba['ci_high']) == pytest.approx((-ab['ci_high'], -ab['ci_low']))
    assert ba['diff'] == pytest.approx(-ab['diff'])
    assert ab['b_lower_on'] == int((b < a).sum()) and ba['b_lower_on'] == int((a < b).sum())
    assert ab['verdict'] == ba['verdict']  # the same side is lower, whichever file is A


def test_rows_pair_by_seq_id_whatever_the_order_and_extra_rows(tmp_path):
    rows_a = [('s0', 30, 10.0), ('s1', 30, 14.0), ('s2', 30, 11.0), ('s3', 30, 20.0)]
    rows_b = [('s0', 30, 9.0), ('s1', 30, 15.0), ('s2', 30, 7.0), ('s3', 30, 21.0)]
    a = write_csv(tmp_path / 'a.csv', rows_a)
    aligned = write_csv(tmp_path / 'aligned.csv', rows_b)
    shuffled = write_csv(tmp_path / 'shuffled.csv', [rows_b[2], ('extra', 30, 0.0), rows_b[0], rows_b[3], rows_b[1]])
    a_extra = write_csv(tmp_path / 'a_extra.csv', [('only_a', 30, 99.0)] + rows_a)
    reference = paired(f'A={a}', f'B={aligned}', '--resamples', 300)
    assert reference.returncode == 0, reference.stderr
    cells = table_rows(reference.stdout)['mpjpe']  # differences -1, 1, -4, 1
    assert cells[:4] == ['4', '13.75', '13.00', '-0.75'] and cells[6:] == ['2/4', 'tie']
    for spec_a, spec_b in ((a, shuffled), (a_extra, shuffled), (a_extra, aligned)):
        result = paired(f'A={spec_a}', f'B={spec_b}', '--resamples', 300)
        assert result.returncode == 0, result.stderr
        assert table_rows(result.stdout) == table_rows(reference.stdout)
        assert 'Paired by seq_id: 4 in both' in result.stdout


def test_non_finite_cells_drop_the_pair_for_that_metric_only(tmp_path):
    metrics = ('mpjpe', 'mpjpe_occ')
    a = write_csv(tmp_path / 'a.csv', [('s0', 10, 10.0, 5.0), ('s1', 10, 20.0, ''), ('s2', 10, 30.0, 7.0),
                                       ('s3', 10, 40.0, 9.0)], metrics)
    b = write_csv(tmp_path / 'b.csv', [('s0', 10, 12.0, 6.0), ('s1', 10, 22.0, 1.0), ('s2', 10, 32.0, 'nan'),
                                       ('s3', 10, 42.0, 10.0)], metrics)
    result = paired(f'A={a}', f'B={b}', '--resamples', 300)
    assert result.returncode == 0, result.stderr
    rows = table_rows(result.stdout)
    assert rows['mpjpe'] == ['4', '25.00', '27.00', '2.00', '2.00', '2.00', '0/4', 'A lower']
    assert rows['mpjpe_occ'] == ['2', '7.00', '8.00', '1.00', '1.00', '1.00', '0/2', 'A lower']  # s0 and s3 only


def test_means_weighted_by_num_frames_by_default_or_plain(tmp_path):
    a = write_csv(tmp_path / 'a.csv', [('s0', 10, 10.0), ('s1', 30, 40.0)])
    b = write_csv(tmp_path / 'b.csv', [('s0', 10, 10.0), ('s1', 30, 40.0)])
    framed = table_rows(paired(f'A={a}', f'B={b}', '--resamples', 100).stdout)['mpjpe']
    plain = table_rows(paired(f'A={a}', f'B={b}', '--resamples', 100, '--weight', 'none').stdout)['mpjpe']
    assert framed[1:4] == ['32.50', '32.50', '0.00'] and framed[-1] == 'tie'  # (10*10 + 30*40) / 40
    assert plain[1:4] == ['25.00', '25.00', '0.00']


def test_frame_weighted_means_reproduce_the_shipped_results_json(tmp_path):
    folder = REPO / 'checkpoints'
    a, b = (folder / name / 'results_heavy.csv' for name in ('gvhmr_cpu_synthetic', 'factorizedhmr_cpu_synthetic'))
    result = paired(f'A={a}', f'B={b}', '--metrics', 'mpjpe', 'pa_mpjpe', '--resamples', 200,
                    '--json', tmp_path / 'shipped.json')
    assert result.returncode == 0, result.stderr
    numbers = json.loads((tmp_path / 'shipped.json').read_text())['metrics']
    for key, path in (('mean_a', a), ('mean_b', b)):
        expected = json.loads(path.with_suffix('.json').read_text())
        for metric in ('mpjpe', 'pa_mpjpe'):
            assert numbers[metric][key] == pytest.approx(expected[metric], rel=1e-12)


def test_json_output_has_the_table_numbers_and_is_written_atomically(tmp_path):
    a = write_csv(tmp_path / 'a.csv', [('s0', 10, 10.0, ''), ('s1', 10, 20.0, '')], ('mpjpe', 'mpjpe_occ'))
    b = write_csv(tmp_path / 'b.csv', [('s1', 10, 17.0, ''), ('s0', 10, 9.0, '')], ('mpjpe', 'mpjpe_occ'))
    out_dir = tmp_path / 'out'
    out_dir.mkdir()
    result = paired(f'A={a}', f'B={b}', '--resamples', 300, '--seed', 3, '--level', 0.9,
                    '--json', out_dir / 'paired.json')
    assert result.returncode == 0, result.stderr
    assert [p.name for p in out_dir.iterdir()] == ['paired.json']  # no temporary file left behind
    document = json.loads((out_dir / 'paired.json').read_text())
    assert document['a'] == {'label': 'A', 'path': str(a)} and document['b']['label'] == 'B'
    assert (document['pairs_by_seq_id'], document['weight'], document['resamples'], document['seed'],
            document['level']) == (2, 'frames', 300, 3, 0.9)
    mpjpe = document['metrics']['mpjpe']
    assert (mpjpe['n'], mpjpe['mean_a'], mpjpe['mean_b'], mpjpe['diff'], mpjpe['b_lower_on']) == (2, 15.0, 13.0,
                                                                                                   -2.0, 2)
    assert -3.0 <= mpjpe['ci_low'] <= mpjpe['ci_high'] <= -1.0 and mpjpe['verdict'] == 'B lower'
    cells = table_rows(result.stdout)['mpjpe']
    assert cells[4:6] == [f'{mpjpe["ci_low"]:.2f}', f'{mpjpe["ci_high"]:.2f}']
    assert document['metrics']['mpjpe_occ'] == {'n': 0, 'mean_a': None, 'mean_b': None, 'diff': None,
                                                'ci_low': None, 'ci_high': None, 'b_lower_on': 0,
                                                'verdict': 'no pairs'}


@pytest.mark.parametrize('case, expected', [
    ('missing_column', "b.csv: no column 'mpjpe_occ'"),
    ('unknown_metric', "unknown metric 'pve'"),
    ('no_overlap', 'no seq_id in both'),
    ('missing_file', 'per-sequence CSV not found'),
    ('bad_cell', "column 'mpjpe', seq_id 's1': not a number"),
    ('bad_header', 'header must start with seq_id,num_frames'),
    ('bad_spec', 'expected LABEL=path.csv'),
])
def test_bad_input_is_one_line_and_exit_code_2(tmp_path, case, expected):
    a = write_csv(tmp_path / 'a.csv', [('s0', 10, 10.0, 1.0), ('s1', 10, 20.0, 2.0)], ('mpjpe', 'mpjpe_occ'))
    b = write_csv(tmp_path / 'b.csv', [('s0', 10, 9.0), ('s1', 10, 'x' if case == 'bad_cell' else 19.0)])
    args = [f'A={a}', f'B={b}', '--metrics', 'mpjpe', 'mpjpe_occ']
    if case == 'unknown_metric':
        args[-1] = 'pve'
    elif case == 'no_overlap':
        args[1] = f'B={write_csv(tmp_path / "c.csv", [("t0", 10, 9.0)])}'
    elif case == 'missing_file':
        args[1] = f'B={tmp_path / "none.csv"}'
    elif case == 'bad_cell':
        args = args[:2]
    elif case == 'bad_header':
        (tmp_path / 'b.csv').write_text('id,frames,mpjpe\ns0,10,1.0\n')
    elif case == 'bad_spec':
        args[1] = str(b)
    result = paired(*args)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and 'Traceback' not in result.stderr
    assert result.stderr.startswith('error: ') and expected in result.stderr, result.stderr


def test_paired_averages_files_joined_by_plus_per_sequence(tmp_path):
    """``A=x.csv+y.csv``: each sequence's value is the mean over the files (seed averaging); hand-computed."""
    from tools.results_table import read_averaged_csvs
    header = 'seq_id,num_frames,mpjpe\n'
    (tmp_path / 'x.csv').write_text(header + 's0,10,1.0\ns1,10,3.0\n')
    (tmp_path / 'y.csv').write_text(header + 's0,10,2.0\ns1,10,\n')
    table = read_averaged_csvs(f'{tmp_path / "x.csv"}+{tmp_path / "y.csv"}')
    assert table.seq_ids == ['s0', 's1']
    assert table.metrics['mpjpe'][0] == 1.5 and np.isnan(table.metrics['mpjpe'][1])
    (tmp_path / 'z.csv').write_text(header + 's1,10,2.0\ns0,10,1.0\n')
    with pytest.raises(ValueError, match='same sequences'):
        read_averaged_csvs(f'{tmp_path / "x.csv"}+{tmp_path / "z.csv"}')
