#!/usr/bin/env bash
# chatshell at real size, beside the side-by-side kit's peers (../shared/bench, see its README), in one run:
#   - ingest: `chatshell ingest DOCS` (one folder, sub-folders included), MB/s and store size / corpus size;
#   - one process: first-token latency over the kit's 1,000 queries through `chatshell bridge --jsonl`, beside
#     tantivy's retrieval latency on the same chunks and queries (`tantivy_bench.py`); `/docs` latency;
#   - server (first size only): `chatshell serve` and the kit's peer server on loopback, the same `load.py` runs at
#     C = 100, 500, 1000 with R = 2 x C, streams/s and first token p50/p99, errors.
# Prints a Markdown report to stdout and writes it to docs/benchmarks/scale.md. Loopback only; every step bounded.
#
# Usage: scripts/bench-scale.sh [CHUNKS ...]          (default: 20000 100000)
#   BENCHENV   virtualenv with the kit's packages (default /tmp/benchenv; the kit's README says how to make it)
#   BENCHDIR   scratch folder for corpora and stores (default /tmp/chatshell-bench-scale)
#   BENCHKIT   the kit (default ../shared/bench next to the repository)
#   CHATSHELL  the binary (default .build/release/chatshell; build it with swift build -c release first)
#   BENCH_SERVER_LEVELS  concurrency levels for the server runs (default "100 500 1000"; empty skips them)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(20000 100000)
benchenv=${BENCHENV:-/tmp/benchenv}
benchdir=${BENCHDIR:-/tmp/chatshell-bench-scale}
kit=${BENCHKIT:-$root/../shared/bench}
binary=${CHATSHELL:-$root/.build/release/chatshell}
levels=${BENCH_SERVER_LEVELS-100 500 1000}
port=${BENCH_PORT:-18791}
peer_port=${BENCH_PEER_PORT:-18792}
[ -x "$binary" ] || { echo "bench-scale: $binary is missing (swift build -c release)" >&2; exit 1; }
[ -x "$benchenv/bin/python" ] || { echo "bench-scale: no venv at $benchenv (see $kit/README.md)" >&2; exit 1; }
mkdir -p "$benchdir"
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

pids=()
cleanup() { for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

report=$benchdir/report.md
{
    echo "# Scale benchmark"
    echo
    echo "\`scripts/bench-scale.sh\`, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average before: $(cut -d' ' -f1-3 /proc/loadavg)."
    echo "Binary: \`$("$binary" --version 2>/dev/null || echo chatshell)\`. Ratios are taken within this one run."
    echo
} >"$report"

wait_port() {
    for _ in $(seq 1 300); do
        if python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=0.2).close()" "$1" 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    return 1
}

first=1
for chunks in "${sizes[@]}"; do
    corpus=$benchdir/corpus-$chunks
    [ -f "$corpus/queries.txt" ] || python3 "$kit/gen_corpus.py" "$corpus" --chunks "$chunks" --source "$kit/../corpus" --force >&2
    bytes=$(find "$corpus/docs" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
    files=$(find "$corpus/docs" -type f | wc -l)
    store=$benchdir/store-$chunks
    rm -rf "$store"

    # Ingest: one folder, sub-folders included.
    # Wall time and the process's own CPU (user + system): on a loaded machine the second is the steadier figure.
    load_before=$(cut -d' ' -f1 /proc/loadavg)
    start=$(date +%s.%N)
    /usr/bin/time -f "%U %S" -o "$benchdir/ingest-$chunks.cpu" \
        timeout 1800 "$binary" ingest "$corpus/docs" --data-dir "$store" --json >"$benchdir/ingest-$chunks.json"
    end=$(date +%s.%N)
    store_bytes=$(stat -c %s "$store/chatshell.sqlite")
    ingest=$(python3 -c "import sys; s=float(sys.argv[2])-float(sys.argv[1]); b=int(sys.argv[3]); st=int(sys.argv[4]); u,k=map(float,open(sys.argv[5]).read().split()[-2:]); print(f'{s:.1f} s, {b/1e6/s:.2f} MB/s (load average {sys.argv[6]} before; CPU {u+k:.1f} s, {b/1e6/(u+k):.2f} MB per CPU-second); store {st/1e6:.1f} MB = {st/b:.2f}x the corpus')" "$start" "$end" "$bytes" "$store_bytes" "$benchdir/ingest-$chunks.cpu" "$load_before")

    # One process: first token (chatshell) and retrieval (tantivy, FTS5) on the same queries.
    first_token=$(timeout 900 python3 "$root/scripts/bench-firsttoken.py" --binary "$binary" --data-dir "$store" \
        --queries "$corpus/queries.txt")
    docs_list=$(timeout 300 python3 "$root/scripts/bench-firsttoken.py" --binary "$binary" --data-dir "$store" \
        --command /docs --limit 50 --warmup 5)
    # The bridge's own cost of a command, to read the `/docs` figure against.
    command_floor=$(timeout 300 python3 "$root/scripts/bench-firsttoken.py" --binary "$binary" --data-dir "$store" \
        --command /help --limit 50 --warmup 5)
    tantivy=$(timeout 900 "$benchenv/bin/python" "$kit/tantivy_bench.py" --docs "$corpus/docs" \
        --queries "$corpus/queries.txt" --json)
    python3 - "$chunks" "$files" "$bytes" "$ingest" "$first_token" "$docs_list" "$tantivy" "$command_floor" \
        >>"$report" <<'PY'
import json, sys
chunks, files, size, ingest = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
ft, docs, tv = json.loads(sys.argv[5]), json.loads(sys.argv[6]), json.loads(sys.argv[7])
floor = json.loads(sys.argv[8])
tan = tv["tantivy"]["latency_us"]
fts = tv["fts5"]["latency_us"]
def ms(value):
    return f"{value / 1000:.2f} ms"
print(f"## {int(chunks):,} chunks ({files:,} files, {size / 1e6:.1f} MB)")
print()
print(f"- ingest (`chatshell ingest DOCS`): {ingest}")
print(f"- first token, one process, {ft['queries']} queries: p50 {ft['p50_ms']} ms, p90 {ft['p90_ms']} ms, "
      f"p99 {ft['p99_ms']} ms, max {ft['max_ms']} ms, errors {ft['errors']}; bridge CPU "
      f"{ft.get('cpu_ms_per_request')} ms per question")
print(f"- tantivy retrieval, same queries: p50 {ms(tan['p50'])}, p99 {ms(tan['p99'])} (plain FTS5: p50 {ms(fts['p50'])}, "
      f"p99 {ms(fts['p99'])}); chatshell first token / tantivy retrieval: p50 {ft['p50_ms'] * 1000 / tan['p50']:.0f}x, "
      f"p99 {ft['p99_ms'] * 1000 / tan['p99']:.0f}x")
print(f"- `/docs` (200 rows) through the bridge: p50 {docs['p50_ms']} ms, p99 {docs['p99_ms']} ms, CPU "
      f"{docs.get('cpu_ms_per_request')} ms; `/help` through the bridge (the command floor): p50 {floor['p50_ms']} ms, "
      f"p99 {floor['p99_ms']} ms")
print()
print("<details><summary>tantivy_bench.py JSON</summary>\n\n```json\n" + json.dumps(tv, indent=1) + "\n```\n</details>\n")
PY

    if [ "$first" = 1 ] && [ -n "$levels" ]; then
        first=0
        # The same documents as shared documents of the local admin, so a registered account sees them.
        server_store=$benchdir/server-store-$chunks
        rm -rf "$server_store"
        timeout 1800 "$binary" ask --data-dir "$server_store" "/admin docs upload $corpus/docs" >/dev/null
        CHATSHELL_JWT_SECRET="bench-scale-secret-bench-scale-secret-0123" "$binary" serve --host 127.0.0.1 \
            --port "$port" --data-dir "$server_store" --rate-limit 0 --login-rate-limit 0 --bcrypt-cost 10 \
            2>"$benchdir/serve.log" &
        pids+=($!)
        wait_port "$port"
        token=$(curl -sf -X POST -H 'Content-Type: application/json' \
            -d '{"email":"bench@example.com","password":"bench-password-1"}' \
            "http://127.0.0.1:$port/api/v1/auth/register" | python3 -c "import json,sys; print(json.load(sys.stdin)['access_token'])")
        "$benchenv/bin/python" "$kit/peer_server.py" --host 127.0.0.1 --port "$peer_port" --docs "$corpus/docs" \
            2>"$benchdir/peer.log" &
        pids+=($!)
        until curl -sf "http://127.0.0.1:$peer_port/api/v1/health" >/dev/null; do sleep 0.5; done
        {
            echo "## Server, $(printf "%'d" "$chunks") chunks: \`chatshell serve\` and the kit's peer (FastAPI + sse-starlette)"
            echo
            echo "| C | R | server | completed | errors | first token p50 ms | p99 ms | streams/s |"
            echo "|---|---|---|---|---|---|---|---|"
        } >>"$report"
        for c in $levels; do
            for side in chatshell peer; do
                if [ "$side" = chatshell ]; then
                    out=$(timeout 900 python3 "$kit/load.py" --base "http://127.0.0.1:$port" --concurrency "$c" \
                        --requests $((2 * c)) --query-file "$corpus/queries.txt" --json \
                        -H "Authorization: Bearer $token" || true)
                else
                    out=$(timeout 900 python3 "$kit/load.py" --base "http://127.0.0.1:$peer_port" --concurrency "$c" \
                        --requests $((2 * c)) --query-file "$corpus/queries.txt" --json || true)
                fi
                python3 - "$c" "$side" "$out" >>"$report" <<'PY'
import json, sys
c, side = int(sys.argv[1]), sys.argv[2]
r = json.loads(sys.argv[3])
ft = r.get("ttft_ms", {})
print(f"| {c} | {2 * c} | {side} | {r.get('completed')} | {r.get('errors')} | {ft.get('p50')} | {ft.get('p99')} | "
      f"{r.get('streams_per_s')} |")
PY
            done
        done
        echo >>"$report"
        cleanup
        pids=()
    fi
done
echo "Load average after: $(cut -d' ' -f1-3 /proc/loadavg)." >>"$report"
mkdir -p "$root/docs/benchmarks"
cp "$report" "$root/docs/benchmarks/scale.md"
cat "$report"
