#!/usr/bin/env bash
# Reproduce the MoRo CPU-size results of docs/moro.md (issue 17): train and ship MoRo on the procedural + real CMU mix
# (scripts/train_moro_cpu.sh; TOKENIZER_RUN reuses a finished tokenizer run), then
#   the tokenizer's round trip on the synthetic clean test motions (tools/tokenizer_report.py);
#   MoRo next to the keypoint-only regression and FactorizedHMR (their shipped per-sequence results) on the
#     synthetic clean and heavy splits, paired per sequence;
#   Table 3 on the heavy split: T = 1, 5, 10, 20 MaskGIT passes, the smoother skipped at inference, and the trained
#     ablations (scripts/train_moro_ablations_cpu.sh: without confidence-guided masking, without the smoother, without
#     motion pretraining; their weights are not shipped: ~85 min to train here).
# Needs UNIHMR_REAL_MOTION for training. Evaluation seed 0, one training seed, all 64 windows of each split.
# Usage: bash scripts/reproduce_moro_cpu.sh [OUT] (default outputs/moro_cpu); steps whose output exists are
# skipped; SKIP_TRAIN=1 evaluates the shipped model.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
OUT=${1:-outputs/moro_cpu}
MORO=configs/moro/moro_cpu_keypoints_mixed.py
TOKENIZER=configs/moro/moro_tokenizer_cpu_mixed.py
SHIPPED=checkpoints/moro_cpu_keypoints_mixed
M=$SHIPPED/model.pth
mkdir -p "$OUT"

# 1. train and ship
[ -n "${SKIP_TRAIN:-}" ] || [ -f $M ] || {
  bash scripts/train_moro_cpu.sh
  $PY tools/publish_checkpoint.py outputs/train/moro_cpu_keypoints_mixed $SHIPPED; }  # float32

# 2. the tokenizer's round trip (the tokenizer inside the shipped model)
[ -f $OUT/tokenizer_report.json ] || $PY tools/tokenizer_report.py $MORO $M --out $OUT/tokenizer_report.json

# 3. both splits, T = 5 (the paper's default)
for split in synthetic_clean synthetic_heavy; do
  [ -f $OUT/results_$split.json ] || $PY tools/test.py $MORO $M --test-set $split --out $OUT/results_$split.json
done

# 4. Table 3 (heavy): MaskGIT passes, smoother skipped, trained ablations
for steps in 1 10 20; do
  [ -f $OUT/t3_T$steps.json ] || $PY tools/test.py $MORO $M --test-set synthetic_heavy model.num_steps=$steps \
    --out $OUT/t3_T$steps.json
done
[ -f $OUT/t3_no_smoother.json ] || $PY tools/test.py $MORO $M --test-set synthetic_heavy \
  model.sampler_cfg.smooth=false --out $OUT/t3_no_smoother.json
ABLATIONS="no_confidence_masking no_smoother no_motion_pretraining"
for ablation in $ABLATIONS; do
  work=outputs/train/moro_${ablation}_cpu_keypoints_mixed
  [ -f $OUT/t3_trained_$ablation.json ] && continue
  [ -f $work/video/phase_done.json ] || [ -n "${SKIP_TRAIN:-}" ] || bash scripts/train_moro_ablations_cpu.sh $ablation
  [ -f $work/video/phase_done.json ] || { echo "skipping $ablation: not trained ($work)"; continue; }
  $PY tools/test.py configs/moro/ablations/moro_${ablation}_cpu_keypoints_mixed.py "$(cat $work/video/last_checkpoint)" \
    --test-set synthetic_heavy --out $OUT/t3_trained_$ablation.json
done

# 5. tables
T3="mpjpe_vis mpjpe_occ g_mpjpe g_accel jitter foot_sliding"
# the shipped regression and FactorizedHMR results predate g_accel: the comparison uses the metrics all three have
ALL="mpjpe pa_mpjpe mpjpe_vis mpjpe_occ g_mpjpe w_mpjpe wa_mpjpe accel jitter foot_sliding"
for split in synthetic_clean synthetic_heavy; do
  echo "## $split"
  $PY tools/results_table.py "regression=checkpoints/gvhmr_cpu_keypoints_mixed/results_$split.json" \
    "FactorizedHMR=checkpoints/factorizedhmr_cpu_keypoints_mixed/results_$split.json" \
    "MoRo=$OUT/results_$split.json" --metrics $ALL
  $PY tools/results_table.py --paired "regression=checkpoints/gvhmr_cpu_keypoints_mixed/results_$split.csv" \
    "MoRo=$OUT/results_$split.csv" --metrics $ALL --json $OUT/paired_vs_regression_$split.json
  $PY tools/results_table.py --paired "FactorizedHMR=checkpoints/factorizedhmr_cpu_keypoints_mixed/results_$split.csv" \
    "MoRo=$OUT/results_$split.csv" --metrics $ALL --json $OUT/paired_vs_factorizedhmr_$split.json
done
echo "## Table 3 (synthetic heavy)"
TRAINED=$(for a in $ABLATIONS; do [ -f $OUT/t3_trained_$a.json ] && echo "$a=$OUT/t3_trained_$a.json"; done || true)
$PY tools/results_table.py "T1=$OUT/t3_T1.json" "T5=$OUT/results_synthetic_heavy.json" "T10=$OUT/t3_T10.json" \
  "T20=$OUT/t3_T20.json" "no_smoother_at_inference=$OUT/t3_no_smoother.json" $TRAINED --metrics $T3
$PY tools/results_table.py --paired "T1=$OUT/t3_T1.csv" "T5=$OUT/results_synthetic_heavy.csv" --metrics $T3 \
  --json $OUT/paired_t3_T1_T5.json
$PY tools/results_table.py --paired "no_smoother=$OUT/t3_no_smoother.csv" "smoother=$OUT/results_synthetic_heavy.csv" \
  --metrics $T3 --json $OUT/paired_t3_smoother.json
$PY tools/results_table.py --paired "T5=$OUT/results_synthetic_heavy.csv" "T20=$OUT/t3_T20.csv" --metrics $T3 \
  --json $OUT/paired_t3_T5_T20.json
for ablation in $ABLATIONS; do  # MoRo minus the ablation: negative = the part helps
  [ -f $OUT/t3_trained_$ablation.csv ] || continue
  $PY tools/results_table.py --paired "$ablation=$OUT/t3_trained_$ablation.csv" "MoRo=$OUT/results_synthetic_heavy.csv" \
    --metrics $T3 --json $OUT/paired_t3_trained_$ablation.json
done
cp $OUT/*.json $OUT/*.csv $SHIPPED/ 2>/dev/null || true
