#!/usr/bin/env bash
# test-repeat.sh N [swift test options]: runs the whole suite (scripts/test.sh) N times in a row, stops at the
# first failing run, and prints how many passed. A flaky test shows itself here rather than in someone's landing.
# Each run's output is kept in $TMPDIR/test-repeat/run-K.log; the failing run's failures are printed.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ $# -lt 1 || ! $1 =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: scripts/test-repeat.sh N [swift test options]  (N runs, N >= 1)" >&2
    exit 2
fi
runs=$1
shift
logs="${TMPDIR:-/tmp}/test-repeat"
mkdir -p "$logs"
passed=0
for ((run = 1; run <= runs; run++)); do
    log="$logs/run-$run.log"
    started=$(date +%s)
    if scripts/test.sh "$@" >"$log" 2>&1; then
        passed=$((passed + 1))
        echo "run $run/$runs passed in $(($(date +%s) - started)) s"
    else
        echo "run $run/$runs FAILED after $(($(date +%s) - started)) s (log: $log):"
        grep -E '^✘|error:' "$log" | head -40 || true
        echo "$passed/$runs passed"
        exit 1
    fi
done
echo "$passed/$runs passed"
