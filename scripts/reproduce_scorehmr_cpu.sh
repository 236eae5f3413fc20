#!/usr/bin/env bash
# Reproduce the ScoreHMR CPU-size results of docs/results.md: train and ship the pose prior, then refine the
# shipped regression model's estimates on all 64 windows of the clean and heavy test splits with keypoint
# guidance and temporal guidance at the released weights, both at the released weights (the CPU config's, chosen
# on the val windows by scripts/scorehmr_weight_search.sh), and on the heavy split the same with the guidance
# gradient taken through the prior; print the before/after tables and paired per-sequence intervals.
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

# 2. before (the regression model alone) and after, both splits, all 64 test windows
RELEASED="model.stages.1.guidance.keypoints.weight=0.003 model.stages.1.guidance.temporal.weight=30"
for split in clean heavy; do
  S="test_dataloader.dataset.severity=$([ $split = clean ] && echo none || echo heavy)"
  [ -f $OUT/${split}_regression.json ] || $PY tools/test.py $BASE $M $S --out $OUT/${split}_regression.json
  [ -f $OUT/${split}_keypoints.json ] || $PY tools/test.py $REFINED $M $S $RELEASED model.stages.1.guidance.temporal.weight=0 \
    --out $OUT/${split}_keypoints.json
  [ -f $OUT/${split}_temporal.json ] || $PY tools/test.py $REFINED $M $S $RELEASED model.stages.1.guidance.keypoints.weight=0 \
    --out $OUT/${split}_temporal.json
  [ -f $OUT/${split}_released.json ] || $PY tools/test.py $REFINED $M $S $RELEASED --out $OUT/${split}_released.json
done
S=test_dataloader.dataset.severity=heavy
[ -f $OUT/heavy_released_through_prior.json ] || $PY tools/test.py $REFINED $M $S $RELEASED \
  model.stages.1.grad_through_denoiser=True --out $OUT/heavy_released_through_prior.json

# 3. ship the evaluation files beside the prior, then print the tables
for f in $OUT/*.json $OUT/*.csv; do cp "$f" $SHIP/results_$(basename "$f"); done
for split in clean heavy; do
  echo "## $split"
  $PY tools/results_table.py "regression=$OUT/${split}_regression.json" "keypoints (released)=$OUT/${split}_keypoints.json" \
    "temporal (released)=$OUT/${split}_temporal.json" "both (released, the CPU config)=$OUT/${split}_released.json" \
    --metrics reproj_px pa_mpjpe mpjpe mpjpe_nontorso_occ accel jitter
  for after in keypoints temporal released; do
    $PY tools/results_table.py --paired "regression=$OUT/${split}_regression.csv" "$after=$OUT/${split}_$after.csv" \
      --metrics reproj_px pa_mpjpe mpjpe accel jitter
  done
done
echo "## heavy: guidance gradient from the detached noise (released) vs through the prior"
$PY tools/results_table.py --paired "detached=$OUT/heavy_released.csv" "through the prior=$OUT/heavy_released_through_prior.csv" \
  --metrics reproj_px pa_mpjpe mpjpe accel jitter
