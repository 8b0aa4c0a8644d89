#!/usr/bin/env bash
# Reproduces the ablation table of docs/QUALITY.md: the defaults, then each docs/configs/*.toml.
# Usage: bash scripts/quality-table.sh
set -euo pipefail
cd "$(dirname "$0")/.."
row() {
  local name=$1; shift
  bash scripts/eval-shared.sh --json "$@" | python3 scripts/quality-row.py "$name"
}
echo "| run | LP top-1 | LP top-3 | R@1 | R@3 | MRR@10 | nDCG@10 | infer top-1 | infer top-3 |"
echo "|---|---|---|---|---|---|---|---|---|"
row "defaults (hybrid)"
for c in docs/configs/*.toml; do row "$(basename "$c" .toml)" --config "$c"; done
