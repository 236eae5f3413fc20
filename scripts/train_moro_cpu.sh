#!/usr/bin/env bash
# MoRo at CPU size (configs/moro/moro_cpu_keypoints_mixed.py), its five phases, into outputs/train/moro_cpu_keypoints_mixed.
# TOKENIZER_RUN=<work dir of configs/moro/moro_tokenizer_cpu_mixed.py>: take its last checkpoint as the 'tokenizer'
# phase (the same tokenizer, data, schedule and seed; only its initial weights' random draw differs, as the MoRo
# model builds its condition encoder first) instead of training that phase again (~12 min here).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${UNIHMR_REAL_MOTION:?set UNIHMR_REAL_MOTION to the converted CMU motion (tools/prepare_bvh.py)}"
WORK=${WORK:-outputs/train/moro_cpu_keypoints_mixed}
RESUME=()
if [ -n "${TOKENIZER_RUN:-}" ]; then
  checkpoint=$(cat "$TOKENIZER_RUN/last_checkpoint")
  mkdir -p "$WORK/tokenizer"
  cp "$checkpoint" "$WORK/tokenizer/"
  cp -r "$TOKENIZER_RUN"/2026* "$WORK/tokenizer/" 2>/dev/null || true
  printf '{"phase": "tokenizer", "index": 0, "checkpoint": "%s", "from": "%s"}\n' \
    "$WORK/tokenizer/$(basename "$checkpoint")" "$TOKENIZER_RUN" > "$WORK/tokenizer/phase_done.json"
  RESUME=(--resume)
fi
.venv/bin/python tools/train.py configs/moro/moro_cpu_keypoints_mixed.py --work-dir "$WORK" "${RESUME[@]}"
