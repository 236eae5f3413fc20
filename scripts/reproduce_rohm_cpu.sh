#!/usr/bin/env bash
# Reproduce the RoHM CPU-size results of docs/rohm.md (issue 16): train and ship RoHM and MDM++ on the procedural +
# real CMU mix, then
#   Table 1 (3D observations, paper 5.3): Occ-L at noise 3, 5, 7 and Occ-10 % at noise 3 on the 64 synthetic clean
#     test motions; rows: the corrupted input itself, MDM++, RoHM;
#   Table 4 (refining the shipped keypoint-only regression on the synthetic heavy split, paper 5.4): full; without
#     TrajControl, 2 iterations; without TrajControl (1 iteration); without guidance and TrajControl;
#   error and time against PoseNet's steps (1000, 250, 100, 50, 20) on Occ-L noise 3.
# Needs UNIHMR_REAL_MOTION (tools/prepare_bvh.py's output) for training. Evaluation seed 0, one training seed.
# Usage: bash scripts/reproduce_rohm_cpu.sh [OUT]   (OUT defaults to outputs/rohm_cpu). Steps whose output exists are
# skipped, so an interrupted run can be started again. WINDOWS=16 evaluates the first 16 test windows only (default:
# all 64); SKIP_TRAIN=1 evaluates whatever is shipped (rows of a model that is not shipped are left out).
# Tables 1 and 4 run at STEPS PoseNet steps (default 100, respaced DDPM: 1000 steps on 64 windows and four settings
# would take about 2.5 hours here; the steps curve of part 4 shows what that changes), with the guidance weights
# chosen at that step count on the validation split (scripts/rohm_guidance_search.sh). The steps curve runs on the
# first CURVE_WINDOWS test windows (default 16).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
OUT=${1:-outputs/rohm_cpu}
ROHM=configs/rohm/rohm_cpu_mixed.py
MDM=configs/rohm/mdm_cpu_mixed.py
REFINE=configs/rohm/gvhmr_rohm_cpu_keypoints_mixed.py
REGRESSION=configs/gvhmr/gvhmr_cpu_keypoints_mixed.py
R=checkpoints/rohm_cpu_mixed/model.pth
D=checkpoints/mdm_cpu_mixed/model.pth
G=checkpoints/gvhmr_cpu_keypoints_mixed/model.pth
WINDOWS=${WINDOWS:-64}
STEPS=${STEPS:-100}
CURVE_WINDOWS=${CURVE_WINDOWS:-16}
mkdir -p "$OUT"

# 1. train and ship (each a phased training; publish copies the last phase's checkpoint, config and logs)
for name in rohm_cpu_mixed mdm_cpu_mixed; do
  W=outputs/train/$name
  [ -n "${SKIP_TRAIN:-}" ] || [ -f checkpoints/$name/model.pth ] || {
    $PY tools/train.py configs/rohm/$name.py --work-dir $W --resume
    $PY tools/publish_checkpoint.py $W checkpoints/$name --half; }  # float16 weights: under 10 MB (docs/rohm.md)
done

# 2. Table 1: 3D observations
for setting in lower_body:3 lower_body:5 lower_body:7 frame_span:3; do
  occ=${setting%:*}; level=${setting#*:}
  S="model.num_steps=$STEPS test_dataloader.dataset.occlusion=$occ test_dataloader.dataset.level=$level test_dataloader.dataset.dataset.num_windows=$WINDOWS"
  tag=${occ}_$level
  [ -f $OUT/t1_${tag}_input.json ] || $PY tools/test.py $ROHM $R $S --baseline observation --out $OUT/t1_${tag}_input.json
  [ -f $OUT/t1_${tag}_mdm.json ] || [ ! -f $D ] || $PY tools/test.py $MDM $D $S --out $OUT/t1_${tag}_mdm.json
  [ -f $OUT/t1_${tag}_rohm.json ] || $PY tools/test.py $ROHM $R $S --out $OUT/t1_${tag}_rohm.json
done

# 3. Table 4: refining the regression on the heavy split
H="--test-set=synthetic_heavy test_dataloader.dataset.num_windows=$WINDOWS"
HR="$H model.num_steps=$STEPS"  # the regression alone has no steps
[ -f $OUT/t4_regression.json ] || $PY tools/test.py $REGRESSION $G $H --out $OUT/t4_regression.json
[ -f $OUT/t4_full.json ] || $PY tools/test.py $REFINE $G $HR --out $OUT/t4_full.json
[ -f $OUT/t4_no_control_k2.json ] || $PY tools/test.py $REFINE $G $HR model.sampler_cfg.use_control=false \
  --out $OUT/t4_no_control_k2.json
[ -f $OUT/t4_no_control.json ] || $PY tools/test.py $REFINE $G $HR model.sampler_cfg.use_control=false \
  model.sampler_cfg.iterations=1 --out $OUT/t4_no_control.json
[ -f $OUT/t4_no_guidance_no_control.json ] || $PY tools/test.py $REFINE $G $HR model.sampler_cfg.use_control=false \
  model.sampler_cfg.iterations=1 model.sampler_cfg.guided=false --out $OUT/t4_no_guidance_no_control.json

# 4. error and time against PoseNet's steps (Occ-L, noise 3)
for steps in 1000 250 100 50 20; do
  [ -f $OUT/steps_$steps.json ] || { start=$(date +%s); $PY tools/test.py $ROHM $R model.num_steps=$steps \
      test_dataloader.dataset.dataset.num_windows=$CURVE_WINDOWS --out $OUT/steps_$steps.json
      echo $(( $(date +%s) - start )) > $OUT/steps_$steps.seconds; }
done

# 4b. the deterministic variant (DDIM on the same respaced grid) at 100 and 20 steps
for steps in 100 20; do
  [ -f $OUT/steps_ddim_$steps.json ] || { start=$(date +%s); $PY tools/test.py $ROHM $R model.num_steps=$steps \
      model.stages.0.kind=ddim test_dataloader.dataset.dataset.num_windows=$CURVE_WINDOWS \
      --out $OUT/steps_ddim_$steps.json; echo $(( $(date +%s) - start )) > $OUT/steps_ddim_$steps.seconds; }
done

# 5. tables
T1="g_mpjpe_vis g_mpjpe_occ g_mpjpe accel contact_acc skating_ratio ground_penetration"
T1_INPUT="${T1/contact_acc /}"  # the input has no contact labels
for setting in lower_body_3 lower_body_5 lower_body_7 frame_span_3; do
  echo "## Table 1, $setting"
  if [ -f $OUT/t1_${setting}_mdm.json ]; then
    $PY tools/results_table.py "input=$OUT/t1_${setting}_input.json" "MDM++=$OUT/t1_${setting}_mdm.json" \
      "RoHM=$OUT/t1_${setting}_rohm.json" --metrics $T1
    $PY tools/results_table.py --paired "MDM++=$OUT/t1_${setting}_mdm.csv" "RoHM=$OUT/t1_${setting}_rohm.csv" \
      --metrics $T1 --json $OUT/paired_t1_${setting}.json
  else
    $PY tools/results_table.py "input=$OUT/t1_${setting}_input.json" "RoHM=$OUT/t1_${setting}_rohm.json" --metrics $T1
  fi
  $PY tools/results_table.py --paired "input=$OUT/t1_${setting}_input.csv" "RoHM=$OUT/t1_${setting}_rohm.csv" \
    --metrics $T1_INPUT --json $OUT/paired_t1_input_${setting}.json
done
T4="skating_ratio accel ground_penetration mpjpe_vis mpjpe_occ w_mpjpe foot_sliding"
echo "## Table 4 (synthetic heavy)"
$PY tools/results_table.py "regression=$OUT/t4_regression.json" "full=$OUT/t4_full.json" \
  "w/o TrajControl, 2 iterations=$OUT/t4_no_control_k2.json" "w/o TrajControl=$OUT/t4_no_control.json" \
  "w/o guidance, w/o TrajControl=$OUT/t4_no_guidance_no_control.json" --metrics $T4
$PY tools/results_table.py --paired "regression=$OUT/t4_regression.csv" "full=$OUT/t4_full.csv" --metrics $T4 pa_mpjpe \
  --json $OUT/paired_t4_regression.json
for row in no_control_k2 no_control no_guidance_no_control; do
  $PY tools/results_table.py --paired "$row=$OUT/t4_$row.csv" "full=$OUT/t4_full.csv" --metrics $T4 \
    --json $OUT/paired_t4_$row.json
done
echo "## guidance alone (1 iteration, no TrajControl)"
$PY tools/results_table.py --paired "unguided=$OUT/t4_no_guidance_no_control.csv" "guided=$OUT/t4_no_control.csv" \
  --metrics $T4 --json $OUT/paired_t4_guidance.json
echo "## error against PoseNet steps (Occ-L, noise 3)"
for steps in 1000 250 100 50 20; do echo "$steps steps: $(cat $OUT/steps_$steps.seconds) s"; done
$PY tools/results_table.py "1000=$OUT/steps_1000.json" "250=$OUT/steps_250.json" "100=$OUT/steps_100.json" \
  "50=$OUT/steps_50.json" "20=$OUT/steps_20.json" --metrics g_mpjpe_vis g_mpjpe_occ g_mpjpe accel skating_ratio
for steps in 100 20; do  # the tables' setting and the fewest steps, against the paper's 1000
  $PY tools/results_table.py --paired "1000=$OUT/steps_1000.csv" "$steps=$OUT/steps_$steps.csv" \
    --metrics g_mpjpe_vis g_mpjpe_occ g_mpjpe accel skating_ratio --json $OUT/paired_steps_$steps.json
done
echo "## DDIM against DDPM at the same steps"
for steps in 100 20; do echo "DDIM $steps steps: $(cat $OUT/steps_ddim_$steps.seconds) s"; done
$PY tools/results_table.py "DDPM 100=$OUT/steps_100.json" "DDIM 100=$OUT/steps_ddim_100.json" \
  "DDPM 20=$OUT/steps_20.json" "DDIM 20=$OUT/steps_ddim_20.json" --metrics g_mpjpe_vis g_mpjpe_occ g_mpjpe accel skating_ratio
