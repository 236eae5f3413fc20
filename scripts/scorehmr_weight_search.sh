#!/usr/bin/env bash
# ScoreHMR guidance-weight search on the synthetic VALIDATION windows (never the test windows), behind the shipped
# regression model with the shipped prior (docs/scorehmr.md, "Guidance weights").
# Usage: bash scripts/scorehmr_weight_search.sh [OUT] [NUM_WINDOWS]   (defaults outputs/scorehmr_search, 16)
# Each setting is one tools/test.py run; settings already evaluated are skipped. Prints the table at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
OUT=${1:-outputs/scorehmr_search}
N=${2:-16}
BASE=configs/gvhmr/gvhmr_cpu_synthetic.py
REFINED=configs/scorehmr/gvhmr_scorehmr_cpu_synthetic.py
M=checkpoints/gvhmr_cpu_synthetic/model.pth
VAL="test_dataloader.dataset.split=val test_dataloader.dataset.num_windows=$N"
mkdir -p "$OUT"
[ -f $OUT/regression.json ] || $PY tools/test.py $BASE $M $VAL --out $OUT/regression.json
# keypoints alone, temporal alone, then both: weights around the released 0.003 / 30
for setting in "0.001 0" "0.003 0" "0.01 0" "0 30" "0 100" "0 300" "0.001 30" "0.003 30" "0.003 100" "0.003 300" "0.01 300"; do
  set -- $setting
  name=kp${1}_temporal${2}
  [ -f $OUT/$name.json ] || $PY tools/test.py $REFINED $M $VAL model.stages.1.guidance.keypoints.weight=$1 \
    model.stages.1.guidance.temporal.weight=$2 --out $OUT/$name.json
done
args=("regression=$OUT/regression.json")
for f in $OUT/kp*.json; do args+=("$(basename $f .json)=$f"); done
$PY tools/results_table.py "${args[@]}" --metrics reproj_px pa_mpjpe mpjpe mpjpe_nontorso accel jitter
