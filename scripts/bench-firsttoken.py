#!/usr/bin/env python3
"""First-token latency of one chatshell process: each query of a file asked in turn through `chatshell bridge
--jsonl` on an existing store, one at a time, each in a new conversation.

Per query: from writing the request line to reading its first `token` event (abstentions answer with a token too).
A warm-up pass over the first queries is not timed. Prints one JSON object: count, p50/p90/p99/mean/max in ms,
the bridge's CPU per request, errors. Standard library only; bounded by --deadline.

With --command LINE instead of --queries, the same line (e.g. `/docs`) is run --limit times and timed to its end.

Usage: bench-firsttoken.py --binary PATH --data-dir DIR (--queries FILE | --command LINE) [--limit N] [--warmup N]
       [--deadline S]
"""
import argparse
import json
import os
import subprocess
import sys
import time


def percentile(values, fraction):
    """Nearest-rank percentile of sorted values."""
    if not values:
        return None
    rank = max(1, int(-(-fraction * len(values) // 1)))
    return values[min(rank, len(values)) - 1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--queries")
    parser.add_argument("--command")
    parser.add_argument("--limit", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--deadline", type=float, default=600)
    args = parser.parse_args()

    if args.command:
        queries = [args.command] * args.limit
    else:
        with open(args.queries, encoding="utf-8") as handle:
            queries = [line.strip() for line in handle if line.strip()][: args.limit]
    bridge = subprocess.Popen(
        [args.binary, "bridge", "--jsonl", "--max-inflight", "1", "--data-dir", args.data_dir],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        bufsize=0,
    )
    reader = bridge.stdout
    started_run = time.monotonic()

    def ask(identifier, text):
        """Seconds to the first token, or None if the request ended without one."""
        if args.command:
            request = {"op": "command", "id": identifier, "line": text}
        else:
            request = {"op": "ask", "id": identifier, "text": text}
        line = json.dumps(request) + "\n"
        sent = time.perf_counter()
        bridge.stdin.write(line.encode())
        first = None
        while True:
            if time.monotonic() - started_run > args.deadline:
                raise TimeoutError("deadline")
            raw = reader.readline()
            if not raw:
                raise EOFError("bridge closed")
            event = json.loads(raw)
            if event.get("id") != identifier:
                continue
            if event["type"] == "token" and first is None:
                first = time.perf_counter() - sent
            if event["type"] in ("done", "error"):
                if args.command and event["type"] == "done":
                    return time.perf_counter() - sent
                return first if event["type"] == "done" else None

    def cpu_seconds():
        """User + system CPU of the bridge so far: on a loaded machine wall-clock latency is mostly waiting for a
        core, CPU per request is what the process itself costs."""
        with open(f"/proc/{bridge.pid}/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    hello = json.loads(reader.readline())
    assert hello.get("type") == "hello", hello
    for index, query in enumerate(queries[: args.warmup]):
        ask(f"w{index}", query)
    cpu_before = cpu_seconds()
    latencies, errors = [], 0
    for index, query in enumerate(queries):
        result = ask(f"q{index}", query)
        if result is None:
            errors += 1
        else:
            latencies.append(result * 1000)
    cpu = cpu_seconds() - cpu_before
    bridge.stdin.close()
    bridge.wait(timeout=30)
    latencies.sort()
    print(
        json.dumps(
            {
                "queries": len(queries),
                "errors": errors,
                "p50_ms": round(percentile(latencies, 0.50), 3),
                "p90_ms": round(percentile(latencies, 0.90), 3),
                "p99_ms": round(percentile(latencies, 0.99), 3),
                "mean_ms": round(sum(latencies) / len(latencies), 3),
                "max_ms": round(latencies[-1], 3),
                "cpu_ms_per_request": round(cpu * 1000 / len(queries), 3),
            }
        )
    )


if __name__ == "__main__":
    sys.exit(main())
