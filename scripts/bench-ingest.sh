#!/usr/bin/env bash
# Ingest speed of one or more chatshell binaries on the same folder, one after the other, each into a fresh store:
# wall time, the process's own CPU time (user + system, the steadier figure on a shared machine), MB/s of both, the
# load average before each run, the store's size against the folder's, and a digest of the stored chunks (document
# name, ordinal, offsets, heading path, stored text) so that a speed-up that changes a single chunk shows.
#
# Usage: scripts/bench-ingest.sh FOLDER BINARY [BINARY...]
#   e.g. scripts/bench-ingest.sh /tmp/chatshell-bench-scale/corpus-20000/docs /tmp/chatshell-before .build/release/chatshell
# Needs sqlite3 (the command-line shell) for the digest; the stores go to a temporary folder, removed at the end.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: scripts/bench-ingest.sh FOLDER BINARY [BINARY...]" >&2; exit 2; }
folder=$1
shift
[ -d "$folder" ] || { echo "bench-ingest: no folder $folder" >&2; exit 2; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
bytes=$(find "$folder" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
files=$(find "$folder" -type f | wc -l)
echo "folder $folder: $files files, $(python3 -c "print(f'{$bytes/1e6:.1f}')") MB; $(nproc) cores"
echo
echo "| binary | load before | wall s | CPU s | MB/s (wall) | MB per CPU-second | store / folder | chunks | chunk digest |"
echo "|---|---|---|---|---|---|---|---|---|"
run=0
for binary in "$@"; do
    run=$((run + 1))
    store=$scratch/store-$run
    load=$(cut -d' ' -f1 /proc/loadavg)
    start=$(date +%s.%N)
    /usr/bin/time -f "%U %S" -o "$scratch/cpu-$run" "$binary" ingest "$folder" --data-dir "$store" --json >"$scratch/out-$run.json"
    end=$(date +%s.%N)
    digest=$(sqlite3 "$store/chatshell.sqlite" "SELECT d.filename, c.ordinal, c.charStart, c.charEnd, c.headingPath,
        hex(c.text) FROM chunk c JOIN document d ON d.id = c.documentId ORDER BY d.filename, c.ordinal" | md5sum | cut -c1-12)
    chunks=$(sqlite3 "$store/chatshell.sqlite" "SELECT count(*) FROM chunk")
    size=$(stat -c %s "$store/chatshell.sqlite")
    python3 - "$binary" "$load" "$start" "$end" "$scratch/cpu-$run" "$bytes" "$size" "$chunks" "$digest" <<'PY'
import sys
binary, load, start, end, cpu_file, size, store, chunks, digest = sys.argv[1:]
wall = float(end) - float(start)
user, system = map(float, open(cpu_file).read().split()[-2:])
cpu = user + system
mb = int(size) / 1e6
print(f"| {binary} | {load} | {wall:.1f} | {cpu:.1f} | {mb / wall:.2f} | {mb / cpu:.2f} | "
      f"{int(store) / int(size):.2f}x | {chunks} | {digest} |")
PY
done
