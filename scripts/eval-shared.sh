#!/usr/bin/env bash
# Runs `storyfit eval` on the labelled files in ../shared/eval (never copied into the repo).
# Usage: bash scripts/eval-shared.sh [extra storyfit flags, e.g. --json or --config FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
EVAL=${EVAL_DIR:-../shared/eval}
BIN=${BIN:-target/release/storyfit}
[ -d "$EVAL" ] || { echo "no evaluation data at $EVAL" >&2; exit 2; }
[ -x "$BIN" ] || cargo build --release --locked
# Hermetic unless the caller names a config.
case " $* " in *" --config "*) cfg=() ;; *) cfg=(--no-config) ;; esac
"$BIN" "${cfg[@]}" eval \
  "$EVAL/ext_questions_arjun.jsonl" "$EVAL/ext_questions_kianis4.jsonl" "$EVAL/ext_questions_as23.jsonl" \
  --stories "$EVAL/ext_stories_kianis4.jsonl" --qrels "$EVAL/ext_qrels_kianis4.jsonl" --mode all "$@"
