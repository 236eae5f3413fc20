#!/usr/bin/env bash
# Reproduce the FactorizedHMR CPU-size results of docs/results.md: train, ship, evaluate, ablate, sweep.
# Usage: bash scripts/reproduce_factorizedhmr_cpu.sh [OUT]   (OUT defaults to outputs/factorizedhmr_cpu)
# Steps already done (their output exists) are skipped, so an interrupted run can be started again.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
OUT=${1:-outputs/factorizedhmr_cpu}
C=configs/factorizedhmr/factorizedhmr_cpu_synthetic.py
W=outputs/train/factorizedhmr_cpu_synthetic
SHIP=checkpoints/factorizedhmr_cpu_synthetic
HEAVY=test_dataloader.dataset.severity=heavy
done_ckpt() { sed -n 's/.*"checkpoint": "\(.*\)".*/\1/p' "$1/stage2/phase_done.json"; }
mkdir -p "$OUT"

# 1. train both phases (Stage 1, then Stage 2 on the frozen Stage 1), ship the model and its anchor
[ -f $W/stage2/phase_done.json ] || $PY tools/train.py $C --work-dir $W
[ -f $SHIP/model.pth ] || $PY tools/publish_checkpoint.py $W $SHIP
[ -f $SHIP/anchor.pth ] || $PY tools/publish_checkpoint.py $W $SHIP --keep encoder. stages.0. --name anchor.pth --weights-only
M=$SHIP/model.pth

# 2. evaluate: clean and heavy, one sample; heavy with 4 hypotheses; Stage 2 given the GT anchor (clean)
[ -f $SHIP/results_clean.json ] || $PY tools/test.py $C $M --out $SHIP/results_clean.json
[ -f $SHIP/results_heavy.json ] || $PY tools/test.py $C $M $HEAVY --out $SHIP/results_heavy.json
[ -f $SHIP/results_heavy_s4.json ] || $PY tools/test.py $C $M $HEAVY model.num_samples=4 --out $SHIP/results_heavy_s4.json
[ -f $OUT/gt_anchor_clean.json ] || $PY tools/test.py $C $M --baseline gt_anchor --out $OUT/gt_anchor_clean.json

# 3. one budget split between the stages (3,500 + 1,000, anchor on the torso joints), heavy split
S=configs/factorizedhmr/ablations/split_budget_cpu_synthetic.py
[ -f $OUT/train_split_budget/stage2/phase_done.json ] || $PY tools/train.py $S --work-dir $OUT/train_split_budget
[ -f $OUT/split_budget_heavy.json ] || $PY tools/test.py $S "$(done_ckpt $OUT/train_split_budget)" $HEAVY --out $OUT/split_budget_heavy.json

# 4. Table 5 (configs/factorizedhmr/ablations/README.md), on the heavy split
[ -f $OUT/t5_stage1.json ] || $PY tools/test.py $C $M $HEAVY model.run_stages=1 --out $OUT/t5_stage1.json
for variant in plain composite; do
  A=configs/factorizedhmr/ablations/stage2_${variant}_cpu_synthetic.py
  [ -f $OUT/train_$variant/stage2/phase_done.json ] || $PY tools/train.py $A --work-dir $OUT/train_$variant
  [ -f $OUT/t5_$variant.json ] || $PY tools/test.py $A "$(done_ckpt $OUT/train_$variant)" $HEAVY model.stages.1.guidance.scale=1.0 --out $OUT/t5_$variant.json
done
[ -f $OUT/t5_geometry.json ] || $PY tools/test.py $C $M $HEAVY model.stages.1.guidance.scale=1.0 --out $OUT/t5_geometry.json
cp $SHIP/results_heavy.json $OUT/t5_cfg.json

# 5. error vs Euler steps (Fig. 7), heavy split, 16 windows
[ -f docs/images/factorizedhmr_steps/steps.json ] || $PY tools/sweep_steps.py $C $M $HEAVY test_dataloader.dataset.num_windows=16 --out docs/images/factorizedhmr_steps

# 6. tables
R=checkpoints/gvhmr_cpu_synthetic
$PY tools/results_table.py "regression, clean=$R/results_clean.json" "FactorizedHMR, clean=$SHIP/results_clean.json" \
  "regression, heavy=$R/results_heavy.json" "FactorizedHMR, heavy=$SHIP/results_heavy.json" \
  "one split budget, heavy=$OUT/split_budget_heavy.json"
$PY tools/results_table.py "Stage 1 model=$OUT/t5_stage1.json" "+ Stage 2=$OUT/t5_plain.json" \
  "+ composite representation=$OUT/t5_composite.json" "+ geometry-aware losses=$OUT/t5_geometry.json" \
  "+ CFG scaling=$OUT/t5_cfg.json" --metrics pa_mpjpe mpjpe mpjpe_torso mpjpe_nontorso mpjpe_nontorso_occ rot_torso rot_nontorso
