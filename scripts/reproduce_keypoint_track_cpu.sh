#!/usr/bin/env bash
# Reproduce the keypoint-only track of docs/results.md (issue 15): train the keypoint-only CPU models on the mix of
# procedural and real CMU motion, ship them, and evaluate every model of both tracks on the synthetic test splits
# and on the held-out real subjects (CMU 003 and 006), with the training-mean pose at the GT root as reference.
# Needs the converted CMU clips: tools/prepare_bvh.py /path/to/cmu_bvh data/cmu_amass (or UNIHMR_REAL_MOTION set).
# Usage: bash scripts/reproduce_keypoint_track_cpu.sh [OUT] [MODELS]   (OUT: outputs/keypoint_track;
# MODELS: any of "regression prior factorizedhmr regression_mixed", default all). Finished steps (output exists) are skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
OUT=${1:-outputs/keypoint_track}
MODELS=${2:-regression prior factorizedhmr regression_mixed}
export UNIHMR_REAL_MOTION=${UNIHMR_REAL_MOTION:-$PWD/data/cmu_amass}
SETS="synthetic_clean synthetic_heavy real_clean real_heavy"
mkdir -p "$OUT"

evaluate() {  # evaluate NAME CONFIG CHECKPOINT [extra tools/test.py args]: the four test sets into $OUT/NAME_<set>
  local name=$1 config=$2 checkpoint=$3; shift 3
  for set in $SETS; do
    [ -f $OUT/${name}_$set.json ] || $PY tools/test.py $config $checkpoint --test-set $set "$@" --out $OUT/${name}_$set.json
  done
}
ship_results() {  # ship_results NAME SHIP_DIR [PREFIX]: copy $OUT/NAME_<set>.{json,csv} to SHIP_DIR/PREFIX<set>.*
  local prefix=${3:-results_}
  for set in $SETS; do
    for ext in json csv; do [ ! -f $OUT/${1}_$set.$ext ] || cp $OUT/${1}_$set.$ext $2/$prefix$set.$ext; done
  done
}
paired() {  # paired LABEL_A NAME_A LABEL_B NAME_B JSON_PREFIX [SETS]: paired comparisons of $OUT/NAME_<set>.csv
  for set in ${6:-$SETS}; do
    $PY tools/results_table.py --paired $1=$OUT/${2}_$set.csv $3=$OUT/${4}_$set.csv --json ${5}_$set.json
  done
}
train_and_ship() {  # train_and_ship CONFIG WORK_DIR SHIP_DIR DONE_FILE (nothing to do once SHIP_DIR/model.pth exists)
  [ -f $3/model.pth ] && return
  [ -f $2/$4 ] || $PY tools/train.py $1 --work-dir $2
  $PY tools/publish_checkpoint.py $2 $3
}

# The image-feature track's shipped models on the same sets (trained on procedural motion only), and the mean pose.
evaluate regression_image configs/gvhmr/gvhmr_cpu_synthetic.py checkpoints/gvhmr_cpu_synthetic/model.pth
evaluate mean_pose_image configs/gvhmr/gvhmr_cpu_synthetic.py checkpoints/gvhmr_cpu_synthetic/model.pth --baseline mean_pose_gt_root
# The other image-feature models on the real sets (their synthetic results are in docs/results.md already).
for set in real_clean real_heavy; do
  F=checkpoints/factorizedhmr_cpu_synthetic
  [ -f $OUT/factorizedhmr_image_$set.json ] || $PY tools/test.py configs/factorizedhmr/factorizedhmr_cpu_synthetic.py \
    $F/model.pth --test-set $set --out $OUT/factorizedhmr_image_$set.json
  [ -f $OUT/scorehmr_image_$set.json ] || $PY tools/test.py configs/scorehmr/gvhmr_scorehmr_cpu_synthetic.py \
    checkpoints/gvhmr_cpu_synthetic/model.pth --test-set $set --out $OUT/scorehmr_image_$set.json
  for ext in json csv; do
    cp $OUT/factorizedhmr_image_$set.$ext $F/results_$set.$ext
    cp $OUT/scorehmr_image_$set.$ext checkpoints/scorehmr_prior_cpu_synthetic/refined_$set.$ext
  done
done
for set in real_clean real_heavy; do  # its synthetic-set files are shipped as results_{clean,heavy} (docs/results.md)
  for ext in json csv; do
    cp $OUT/regression_image_$set.$ext checkpoints/gvhmr_cpu_synthetic/results_$set.$ext
    cp $OUT/mean_pose_image_$set.$ext checkpoints/gvhmr_cpu_synthetic/baseline_mean_pose_$set.$ext
  done
done

if [[ " $MODELS " == *" regression "* ]]; then
  C=configs/gvhmr/gvhmr_cpu_keypoints_mixed.py; SHIP=checkpoints/gvhmr_cpu_keypoints_mixed
  train_and_ship $C outputs/train/gvhmr_cpu_keypoints_mixed $SHIP iter_4500.pth
  evaluate regression_keypoints $C $SHIP/model.pth
  evaluate mean_pose_keypoints $C $SHIP/model.pth --baseline mean_pose_gt_root
  ship_results regression_keypoints $SHIP; ship_results mean_pose_keypoints $SHIP baseline_mean_pose_
  paired image regression_image keypoints regression_keypoints $SHIP/paired_vs_image "real_clean real_heavy"
fi
if [[ " $MODELS " == *" prior "* ]]; then
  C=configs/scorehmr/scorehmr_prior_cpu_keypoints_mixed.py
  train_and_ship $C outputs/train/scorehmr_prior_cpu_keypoints_mixed checkpoints/scorehmr_prior_cpu_keypoints_mixed iter_5000.pth
  evaluate scorehmr_keypoints configs/scorehmr/gvhmr_scorehmr_cpu_keypoints_mixed.py checkpoints/gvhmr_cpu_keypoints_mixed/model.pth
  ship_results scorehmr_keypoints checkpoints/scorehmr_prior_cpu_keypoints_mixed refined_
  paired regression regression_keypoints refined scorehmr_keypoints checkpoints/scorehmr_prior_cpu_keypoints_mixed/paired_vs_regression
  paired image_track scorehmr_image keypoint_track scorehmr_keypoints checkpoints/scorehmr_prior_cpu_keypoints_mixed/paired_vs_image_track "real_clean real_heavy"
fi
if [[ " $MODELS " == *" factorizedhmr "* ]]; then
  C=configs/factorizedhmr/factorizedhmr_cpu_keypoints_mixed.py; SHIP=checkpoints/factorizedhmr_cpu_keypoints_mixed
  train_and_ship $C outputs/train/factorizedhmr_cpu_keypoints_mixed $SHIP stage2/phase_done.json
  evaluate factorizedhmr_keypoints $C $SHIP/model.pth
  ship_results factorizedhmr_keypoints $SHIP
  paired regression regression_keypoints FactorizedHMR factorizedhmr_keypoints $SHIP/paired_vs_regression
fi
if [[ " $MODELS " == *" regression_mixed "* ]]; then  # the image-feature regression re-trained on the mix
  C=configs/gvhmr/gvhmr_cpu_mixed.py; SHIP=checkpoints/gvhmr_cpu_mixed
  train_and_ship $C outputs/train/gvhmr_cpu_mixed $SHIP iter_4500.pth
  evaluate regression_image_mixed $C $SHIP/model.pth
  ship_results regression_image_mixed $SHIP
  paired synthetic_only regression_image mixed regression_image_mixed $SHIP/paired_vs_synthetic_only
fi
for set in $SETS; do
  echo "## $set"
  $PY tools/results_table.py $(for f in $OUT/*_$set.json; do b=$(basename $f .json); echo ${b%_$set}=$f; done) \
    --metrics pa_mpjpe mpjpe accel w_mpjpe wa_mpjpe foot_sliding mpjpe_nontorso_occ
done
