#!/usr/bin/env bash
# End-to-end timings of the storyfit binary with the real model (hyperfine):
#   - index the seed bank and the example bank, cold (--no-cache: every text embedded) and warm;
#   - cold `storyfit query`: process start to exit, model load included.
# Usage: bash benches/cold.sh   (after `make setup build`; writes to target/bench-cold/)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-target/release/storyfit}
SEED=${SEED:-../shared/seeds/000_852e80c31c0cd02d.txt}
OUT=target/bench-cold
mkdir -p "$OUT"
command -v hyperfine >/dev/null || { echo "hyperfine not found: apt-get install -y hyperfine" >&2; exit 1; }
[ -x "$BIN" ] || cargo build --release --locked

Q="Tell me about a time you had to pick up an unfamiliar technology quickly"
if [ -f "$SEED" ]; then
  hyperfine --warmup 1 --runs 5 --export-markdown "$OUT/index-seed.md" \
    -n "index seed (cold, --no-cache)" "$BIN --no-config -q index --no-cache --index $OUT/seed $SEED" \
    -n "index seed (warm cache)" "$BIN --no-config -q index --index $OUT/seed $SEED"
  hyperfine --warmup 2 --runs 20 --export-markdown "$OUT/query-cold.md" \
    -n "cold query (seed index)" "$BIN --no-config query --index $OUT/seed '$Q'"
fi
hyperfine --warmup 1 --runs 3 --export-markdown "$OUT/index-example.md" \
  -n "index data/stories (cold, --no-cache)" "$BIN --no-config -q index --no-cache --index $OUT/example data/stories"
cat "$OUT"/*.md
