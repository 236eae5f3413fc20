#!/usr/bin/env bash
# The weight of RoHM's foot-skating energy inside ScoreHMR's guidance behind FactorizedHMR
# (configs/mixes/factorizedhmr_scorehmr_skating_cpu_keypoints_mixed.py), chosen on the synthetic VALIDATION motions
# (never the test windows), heavy severity, first 16 windows (as scripts/scorehmr_weight_search.sh), one training
# seed, evaluation seed 0. Rule, fixed before any run: the weight with the lowest validation foot sliding among those
# whose validation MPJPE is within 1 mm of the unguided refiner's (weight 0).
# Usage: bash scripts/scorehmr_skating_search.sh [OUT]   (OUT defaults to outputs/scorehmr_skating_search)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
OUT=${1:-outputs/scorehmr_skating_search}
MIX=configs/mixes/factorizedhmr_scorehmr_skating_cpu_keypoints_mixed.py
F=checkpoints/factorizedhmr_cpu_keypoints_mixed/model.pth
VAL="test_dataloader.dataset.split=val test_dataloader.dataset.num_windows=16 test_dataloader.dataset.severity=heavy"
WEIGHTS=${WEIGHTS:-"0 1 10 100 1000"}
mkdir -p "$OUT"
ROWS=()
for w in $WEIGHTS; do
  [ -f $OUT/skating_$w.json ] || $PY tools/test.py $MIX $F $VAL model.stages.2.guidance.skating.weight=$w \
    --out $OUT/skating_$w.json
  ROWS+=("$w=$OUT/skating_$w.json")
done
$PY tools/results_table.py "${ROWS[@]}" --metrics mpjpe mpjpe_occ pa_mpjpe foot_sliding skating_ratio jitter
