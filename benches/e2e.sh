#!/usr/bin/env bash
# End-to-end batch throughput with the real model:
#   1. generate a 1,000-story bank and 1,000 questions (benches/generate.py, seeded: the same
#      files every run);
#   2. index the bank cold (--no-cache: every passage embedded) and warm (vector cache);
#   3. time `storyfit batch` on the 1,000 questions (process start to exit: model load, index
#      open, embedding every question, searching, printing) and print questions per second.
# Timings use hyperfine when installed (apt-get install -y hyperfine), else /usr/bin/time.
# Usage: bash benches/e2e.sh   (after `make setup build`; writes to target/bench-e2e/)
# Env: STORIES, QUESTIONS (default 1000 each), RUNS (default 5), BIN.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-target/release/storyfit}
STORIES=${STORIES:-1000}
QUESTIONS=${QUESTIONS:-1000}
RUNS=${RUNS:-5}
OUT=target/bench-e2e
[ -x "$BIN" ] || cargo build --release --locked
mkdir -p "$OUT"
SF="$BIN --no-config -q"

python3 benches/generate.py "$OUT/data" --stories "$STORIES" --questions "$QUESTIONS"
QFILE="$OUT/data/questions.txt"
IDX="$OUT/index"

# seconds <command...>: wall time of one run (stdout discarded)
seconds() {
  python3 -c 'import subprocess, sys, time
t = time.perf_counter()
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)
print(f"{time.perf_counter() - t:.2f}")' "$@"
}

if command -v hyperfine >/dev/null; then
  hyperfine --runs 1 --export-markdown "$OUT/index.md" \
    -n "index $STORIES stories (cold, --no-cache)" "$SF index --no-cache --index $IDX $OUT/data/bank" \
    -n "index $STORIES stories (warm cache)" "$SF index --index $IDX $OUT/data/bank"
  hyperfine --warmup 1 --runs "$RUNS" --export-json "$OUT/batch.json" --export-markdown "$OUT/batch.md" \
    -n "batch $QUESTIONS questions --json" "$SF batch --json --index $IDX $QFILE" \
    -n "batch $QUESTIONS questions (table)" "$SF batch --index $IDX $QFILE" \
    -n "batch $QUESTIONS questions --csv --top 1" "$SF batch --csv --top 1 --index $IDX $QFILE"
  cat "$OUT/index.md" "$OUT/batch.md"
  python3 - "$OUT/batch.json" "$QUESTIONS" <<'EOF'
import json, sys
runs = json.load(open(sys.argv[1]))["results"]
n = int(sys.argv[2])
for r in runs:
    print(f"{r['command']}: {r['mean']:.2f} s ± {r['stddev']:.2f} → {n / r['mean']:.0f} questions/second")
EOF
else
  echo "hyperfine not found: timing single runs with date" >&2
  echo "index cold: $(seconds $SF index --no-cache --index "$IDX" "$OUT/data/bank") s"
  echo "index warm: $(seconds $SF index --index "$IDX" "$OUT/data/bank") s"
  $SF batch --json --index "$IDX" "$QFILE" >/dev/null # warm the page cache
  s=$(seconds $SF batch --json --index "$IDX" "$QFILE")
  echo "batch $QUESTIONS questions --json: $s s → $(python3 -c "print(round($QUESTIONS / $s))") questions/second"
fi

# In-process split (embedding vs search) is not visible from outside; --distinct adds a
# full ranking of every story per question plus an O(n³) assignment: timed once.
echo "batch --distinct ($QUESTIONS questions × $STORIES stories), one run: $(seconds $SF batch --distinct --json --index "$IDX" "$QFILE") s"
