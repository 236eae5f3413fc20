#!/usr/bin/env bash
# Reproduce the ScoreHMR CPU-size results of docs/results.md: train and ship the pose prior, then refine the
# shipped regression model's estimates on the clean and heavy splits with keypoint guidance, temporal
# guidance and both, and print the before/after tables.
# Usage: bash scripts/reproduce_scorehmr_cpu.sh [OUT]   (OUT defaults to outputs/scorehmr_cpu)
# Steps already done (their output exists) are skipped, so an interrupted run can be started again.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
OUT=${1:-outputs/scorehmr_cpu}
PRIOR=configs/scorehmr/scorehmr_prior_cpu_synthetic.py
W=outputs/train/scorehmr_prior_cpu_synthetic
SHIP=checkpoints/scorehmr_prior_cpu_synthetic
BASE=configs/gvhmr/gvhmr_cpu_synthetic.py
REFINED=configs/scorehmr/gvhmr_scorehmr_cpu_synthetic.py
M=checkpoints/gvhmr_cpu_synthetic/model.pth
mkdir -p "$OUT"

# 1. train the prior and ship it (the refiner configs read $SHIP/model.pth)
[ -f $W/iter_5000.pth ] || $PY tools/train.py $PRIOR --work-dir $W
[ -f $SHIP/model.pth ] || $PY tools/publish_checkpoint.py $W $SHIP

# 2. before (the regression model alone) and after (+ ScoreHMR: keypoints, temporal, both), both splits, on the
#    first 32 of the 64 test windows (refinement costs ~15 s of CPU per window)
for split in clean heavy; do
  S="test_dataloader.dataset.severity=$([ $split = clean ] && echo none || echo heavy) test_dataloader.dataset.num_windows=32"
  [ -f $OUT/${split}_regression.json ] || $PY tools/test.py $BASE $M $S --out $OUT/${split}_regression.json
  [ -f $OUT/${split}_keypoints.json ] || $PY tools/test.py $REFINED $M $S model.stages.1.guidance.temporal.weight=0 \
    --out $OUT/${split}_keypoints.json
  [ -f $OUT/${split}_temporal.json ] || $PY tools/test.py $REFINED $M $S model.stages.1.guidance.keypoints.weight=0 \
    --out $OUT/${split}_temporal.json
  [ -f $OUT/${split}_both.json ] || $PY tools/test.py $REFINED $M $S --out $OUT/${split}_both.json
done

# 3. ship the evaluation files beside the prior, then print the tables
for f in $OUT/*_{regression,keypoints,temporal,both}.json; do cp "$f" $SHIP/results_$(basename "$f"); done
for split in clean heavy; do
  echo "## $split"
  $PY tools/results_table.py "regression=$OUT/${split}_regression.json" "+ ScoreHMR, keypoints=$OUT/${split}_keypoints.json" \
    "+ ScoreHMR, temporal=$OUT/${split}_temporal.json" "+ ScoreHMR, both=$OUT/${split}_both.json" \
    --metrics reproj_px pa_mpjpe mpjpe mpjpe_nontorso_occ accel jitter
done
