#!/usr/bin/env bash
# Training seeds behind the claims of docs/results.md ("Claims and intervals"): the regression model and
# FactorizedHMR, each trained whole (FactorizedHMR: the Stage-1 anchor, then Stage 2) with seeds 1 and 2
# (seed 0 is the shipped model), each evaluated on the 64 heavy and 64 clean test windows, then paired
# per-sequence bootstrap intervals of FactorizedHMR - regression, each model averaged over its seeds per
# sequence. Also Stage 2 alone on the shipped anchor with seeds 1 and 2 (the spread of Stage 2 by itself).
# Usage: bash scripts/reproduce_seeds_cpu.sh [OUT]   (OUT defaults to outputs/seeds); done steps are skipped.
# Time on a 2-core CPU: about 40 min per regression seed, 55 per FactorizedHMR seed, 12 per Stage-2 seed.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
OUT=${1:-outputs/seeds}
R=configs/gvhmr/gvhmr_cpu_synthetic.py
F=configs/factorizedhmr/factorizedhmr_cpu_synthetic.py
F2=configs/factorizedhmr/factorizedhmr_cpu_synthetic_stage2.py
HEAVY=test_dataloader.dataset.severity=heavy
mkdir -p $OUT/eval
for seed in 1 2; do
  [ -f $OUT/gvhmr_seed$seed/iter_4500.pth ] || $PY tools/train.py $R randomness.seed=$seed --work-dir $OUT/gvhmr_seed$seed
  [ -f $OUT/fhmr_full_seed$seed/stage2/phase_done.json ] || $PY tools/train.py $F randomness.seed=$seed --work-dir $OUT/fhmr_full_seed$seed
  [ -f $OUT/fhmr_s2_seed$seed/stage2/phase_done.json ] || $PY tools/train.py $F2 randomness.seed=$seed --work-dir $OUT/fhmr_s2_seed$seed
  for split in heavy clean; do
    S=$([ $split = heavy ] && echo $HEAVY || echo "")
    [ -f $OUT/eval/gvhmr_seed${seed}_$split.json ] || $PY tools/test.py $R $OUT/gvhmr_seed$seed/iter_4500.pth $S --out $OUT/eval/gvhmr_seed${seed}_$split.json
    [ -f $OUT/eval/fhmr_full_seed${seed}_$split.json ] || $PY tools/test.py $F $OUT/fhmr_full_seed$seed/stage2/iter_1000.pth $S --out $OUT/eval/fhmr_full_seed${seed}_$split.json
  done
  [ -f $OUT/eval/fhmr_seed${seed}_heavy.json ] || $PY tools/test.py $F $OUT/fhmr_s2_seed$seed/stage2/iter_1000.pth $HEAVY --out $OUT/eval/fhmr_seed${seed}_heavy.json
done
M="mpjpe_nontorso_occ mpjpe_nontorso pa_mpjpe mpjpe jitter accel"
for split in heavy clean; do
  echo "## $split: per seed"
  $PY tools/results_table.py "regression s0=checkpoints/gvhmr_cpu_synthetic/results_$split.json" \
    "regression s1=$OUT/eval/gvhmr_seed1_$split.json" "regression s2=$OUT/eval/gvhmr_seed2_$split.json" \
    "FactorizedHMR s0=checkpoints/factorizedhmr_cpu_synthetic/results_$split.json" \
    "FactorizedHMR s1=$OUT/eval/fhmr_full_seed1_$split.json" "FactorizedHMR s2=$OUT/eval/fhmr_full_seed2_$split.json" \
    --metrics $M
  echo "## $split: paired, seed-averaged per sequence"
  $PY tools/results_table.py --paired \
    "regression=checkpoints/gvhmr_cpu_synthetic/results_$split.csv+$OUT/eval/gvhmr_seed1_$split.csv+$OUT/eval/gvhmr_seed2_$split.csv" \
    "FactorizedHMR=checkpoints/factorizedhmr_cpu_synthetic/results_$split.csv+$OUT/eval/fhmr_full_seed1_$split.csv+$OUT/eval/fhmr_full_seed2_$split.csv" \
    --metrics $M --json $OUT/eval/paired_$split.json
done
echo "## heavy: Stage 2 alone on the shipped anchor, per seed"
$PY tools/results_table.py "Stage 2 s0=checkpoints/factorizedhmr_cpu_synthetic/results_heavy.json" \
  "Stage 2 s1=$OUT/eval/fhmr_seed1_heavy.json" "Stage 2 s2=$OUT/eval/fhmr_seed2_heavy.json" --metrics $M
