#!/usr/bin/env bash
# The trained ablations of MoRo's Table 3 (configs/moro/ablations/moro_no_*_cpu_keypoints_mixed.py) at CPU size.
# Each takes the phases it shares with the main run (FROM, default outputs/train/moro_cpu_keypoints_mixed, trained by
# scripts/train_moro_cpu.sh) and trains the rest with the same seed and schedule, into outputs/train/<ablation>:
#   no_confidence_masking, no_smoother: the video phase (~25 min here each);
#   no_motion_pretraining: the condition and video phases (~30 min).
# Usage: bash scripts/train_moro_ablations_cpu.sh [ABLATION ...] (default: all three).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${UNIHMR_REAL_MOTION:?set UNIHMR_REAL_MOTION to the converted CMU motion (tools/prepare_bvh.py)}"
FROM=${FROM:-outputs/train/moro_cpu_keypoints_mixed}
ABLATIONS=("$@")
[ ${#ABLATIONS[@]} -gt 0 ] || ABLATIONS=(no_confidence_masking no_motion_pretraining no_smoother)
for ablation in "${ABLATIONS[@]}"; do
  case $ablation in
    no_confidence_masking|no_smoother) shared=(tokenizer pose motion condition) ;;
    no_motion_pretraining) shared=(tokenizer pose) ;;
    *) echo "unknown ablation '$ablation' (no_confidence_masking, no_motion_pretraining, no_smoother)" >&2; exit 2 ;;
  esac
  work=outputs/train/moro_${ablation}_cpu_keypoints_mixed
  for phase in "${shared[@]}"; do
    [ -f "$FROM/$phase/phase_done.json" ] || { echo "$FROM/$phase: the main run has not finished phase $phase" >&2; exit 2; }
    [ -f "$work/$phase/phase_done.json" ] && continue
    mkdir -p "$work/$phase"
    checkpoint=$(.venv/bin/python -c "import json, sys; print(json.load(open(sys.argv[1]))['checkpoint'])" \
      "$FROM/$phase/phase_done.json")
    cp "$checkpoint" "$work/$phase/"
    if [ "$ablation" = no_smoother ]; then  # the model has no smoother: its weights leave the shared checkpoint
      .venv/bin/python -c "import sys, torch; c = torch.load(sys.argv[1], weights_only=False)
c['state_dict'] = {k: v for k, v in c['state_dict'].items() if '.smoother.' not in k}; torch.save(c, sys.argv[1])" \
        "$work/$phase/$(basename "$checkpoint")"
    fi
    printf '{"phase": "%s", "checkpoint": "%s", "from": "%s"}\n' "$phase" \
      "$work/$phase/$(basename "$checkpoint")" "$FROM" > "$work/$phase/phase_done.json"
  done
  .venv/bin/python tools/train.py configs/moro/ablations/moro_${ablation}_cpu_keypoints_mixed.py \
    --work-dir "$work" --resume
done
