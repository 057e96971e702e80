#!/usr/bin/env bash
# Load benchmark of `chatshell serve`: N concurrent streaming questions (N = 100 and 1,000 by default) against a
# release build on loopback, with the Northwind corpus ingested as shared documents.
#
# Reports errors, lost or truncated streams, time to first token (p50/p99) and the server's peak RSS, and writes
# them to docs/benchmarks/server.md. Loopback only; everything runs under a time limit.
#
# Usage: scripts/bench-server.sh [N ...]        (e.g. scripts/bench-server.sh 100 1000)
#   CHATSHELL_BENCH_SKIP_BUILD=1   use the existing .build/release/chatshell
#   CHATSHELL_BENCH_PORT=PORT      listen there instead of 18080
#   CHATSHELL_BENCH_SERVER_ARGS    more `chatshell serve` options (e.g. "--max-concurrent-answers 0")
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
levels=("$@")
[ ${#levels[@]} -eq 0 ] && levels=(100 1000)
port=${CHATSHELL_BENCH_PORT:-18080}

if [ "${CHATSHELL_BENCH_SKIP_BUILD:-0}" != 1 ]; then
    swift build -c release --product chatshell
fi
binary="$root/.build/release/chatshell"
[ -x "$binary" ] || { echo "bench-server: $binary is missing; build with swift build -c release" >&2; exit 1; }

# 1,000 streams need 1,000 sockets on each side, plus the store's files.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

work=$(mktemp -d "${TMPDIR:-/tmp}/chatshell-bench.XXXXXX")
log="$work/server.log"
cleanup() {
    if [ -n "${server_pid:-}" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# Rate limits off: one account drives every stream, which the per-caller limit would otherwise refuse. The server
# runs without a `timeout` wrapper so that $! is its own pid (for its RSS); the EXIT trap stops it.
CHATSHELL_JWT_SECRET="bench-secret-bench-secret-bench-secret-0123" \
    "$binary" serve --host 127.0.0.1 --port "$port" --data-dir "$work/data" \
    --rate-limit 0 --login-rate-limit 0 --bcrypt-cost 10 ${CHATSHELL_BENCH_SERVER_ARGS:-} 2>"$log" &
server_pid=$!
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
server_args="${CHATSHELL_BENCH_SERVER_ARGS:-defaults}"

for _ in $(seq 1 100); do
    if python3 - "$port" <<'PY' 2>/dev/null; then break; fi
import socket, sys
socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=0.2).close()
PY
    sleep 0.1
done

args=()
for n in "${levels[@]}"; do args+=(--n "$n"); done
timeout 1500 python3 "$root/scripts/bench-server-driver.py" --port "$port" --pid "$server_pid" \
    --corpus "$root/samples/northwind/docs" --questions "$root/samples/northwind/questions.jsonl" \
    "${args[@]}" --json "$work/result.json"

# Graceful stop: SIGTERM, as an operator would.
kill -TERM "$server_pid"
stop_started=$(date +%s.%N)
wait "$server_pid" || true
stop_seconds=$(python3 -c "import time,sys; print(round(time.time() - float(sys.argv[1]), 2))" "$stop_started")
server_pid=

load_after=$(cut -d' ' -f1-3 /proc/loadavg)
python3 - "$work/result.json" "$root/docs/benchmarks/server.md" "$stop_seconds" "$load_before" "$load_after" \
    "$server_args" <<'PY'
import json, platform, os, subprocess, sys, datetime
result = json.load(open(sys.argv[1]))
out = sys.argv[2]
stop = sys.argv[3]
load_before, load_after = sys.argv[4], sys.argv[5]
server_args = sys.argv[6]
cpu = "unknown"
try:
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
except OSError:
    pass
swift = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.splitlines()
lines = [
    "# Server load benchmark",
    "",
    "`scripts/bench-server.sh` runs a release build of `chatshell serve` on loopback, ingests the Northwind corpus",
    f"({result['documents']} documents, as shared documents of one admin account), then opens N connections at once,",
    "each POSTing `/api/v1/query/stream` with one of the corpus questions (round robin over "
    f"{result['questions']} questions)",
    "and reading the event stream to its end. The driver (`scripts/bench-server-driver.py`, Python asyncio,",
    "standard library only) runs on the same machine.",
    "",
    f"Measured {datetime.date.today().isoformat()} on {os.cpu_count()} cores ({cpu}), {platform.system()} "
    f"{platform.release()}, {swift[0] if swift else 'swift ?'};",
    f"extractive answerer; rate limits off; bcrypt cost 10; server options: {server_args}.",
    f"Load average (1, 5, 15 min) before the run: {load_before}; after: {load_after}. Other processes sharing the",
    "machine slow every figure below; compare runs only at similar load.",
    "",
    f"Baseline, one question at a time ({result['baseline']['n']} sequential streams): TTFT p50 "
    f"{result['baseline']['ttft_p50_ms']} ms, p99 {result['baseline']['ttft_p99_ms']} ms; complete p50 "
    f"{result['baseline']['complete_p50_ms']} ms.",
    "",
    "| N | completed | errors | truncated | TTFT p50 | TTFT p99 | TTFT max | complete p50 | wall | server peak RSS |",
    "|---|---|---|---|---|---|---|---|---|---|",
]
for level in result["levels"]:
    errors = sum(level["errors"].values())
    detail = ", ".join(f"{k}: {v}" for k, v in sorted(level["errors"].items())) or "none"
    lines.append(
        f"| {level['n']} | {level['ok']} | {errors} ({detail}) | {level['truncated']} | {level['ttft_p50_ms']} ms | "
        f"{level['ttft_p99_ms']} ms | {level['ttft_max_ms']} ms | {level['complete_p50_ms']} ms | {level['wall_s']} s | "
        f"{level['peak_rss_mib_after']} MiB |"
    )
lines += [
    "",
    f"Peak RSS after ingestion, before the load: {result['peak_rss_mib_after_ingest']} MiB. "
    f"Graceful stop (SIGTERM to exit) after the run: {stop} s.",
    "",
    "TTFT is the time from the start of a level (all connections are opened at once) to the first `token` event of",
    "a stream, so it includes connection setup and queueing behind the other streams. \"truncated\" counts streams",
    "that closed without a `done` or `error` event; \"errors\" also counts non-200 answers, `error` events and",
    "connection failures. Peak RSS is the server's VmHWM read from /proc after each level.",
    "",
    "Reproduce: `scripts/bench-server.sh 100 1000` (set `CHATSHELL_BENCH_SKIP_BUILD=1` to reuse a release build).",
    "",
]
# Hand-written analysis below the marker survives a rerun.
marker = "<!-- analysis -->"
kept = ""
if os.path.exists(out):
    previous = open(out).read()
    if marker in previous:
        kept = previous[previous.index(marker):]
text = "\n".join(lines) + ("\n" + kept if kept else "")
open(out, "w").write(text)
print(text)
PY
