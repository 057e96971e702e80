#!/usr/bin/env python3
"""Load driver for `chatshell serve`: N concurrent streaming questions over loopback.

Standard library only (asyncio raw sockets), so it runs anywhere python3 does. It registers an admin, uploads
the Northwind corpus as shared documents, waits until every document is processed, then for each N opens N
connections at once, each POSTing /api/v1/query/stream with a corpus question, and reads the SSE stream to its
end. Per stream it records the time to the first `token` event and whether the stream ended with `done` (an
`error` event, a non-200 answer, a connection failure or a stream that closes without a terminal event counts
against it). It samples the server's peak RSS (VmHWM) from /proc.

Usage: bench-server-driver.py --port PORT --pid PID --corpus DIR --questions FILE --n 100 --n 1000 --json OUT
"""
import argparse
import asyncio
import json
import os
import statistics
import time
import uuid

HOST = "127.0.0.1"


async def http(port, method, path, headers=None, body=b"", timeout=120):
    """One request on its own connection (Connection: close); returns (status, headers, body)."""
    reader, writer = await asyncio.wait_for(asyncio.open_connection(HOST, port), timeout)
    head = f"{method} {path} HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\nContent-Length: {len(body)}\r\n"
    for name, value in (headers or {}).items():
        head += f"{name}: {value}\r\n"
    writer.write(head.encode() + b"\r\n" + body)
    await writer.drain()
    raw = await asyncio.wait_for(reader.read(), timeout)
    writer.close()
    head_end = raw.index(b"\r\n\r\n")
    lines = raw[:head_end].decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    response_headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        response_headers[name.strip().lower()] = value.strip()
    payload = raw[head_end + 4:]
    if "chunked" in response_headers.get("transfer-encoding", ""):
        payload = dechunk(payload)
    return status, response_headers, payload


def dechunk(data):
    out = b""
    while data:
        size_line, _, rest = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out += rest[:size]
        data = rest[size + 2:]
    return out


def multipart(filename, content):
    boundary = "bench-" + uuid.uuid4().hex
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
        f"Content-Type: application/octet-stream\r\n\r\n"
    ).encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


async def prepare(port, corpus):
    """Registers the first account (an admin) and ingests the corpus as shared documents."""
    body = json.dumps({"email": "bench@northwind.example", "password": "bench password 1"}).encode()
    status, _, payload = await http(port, "POST", "/api/v1/auth/register", {"Content-Type": "application/json"}, body)
    if status != 201:
        raise SystemExit(f"register failed: {status} {payload[:200]!r}")
    token = json.loads(payload)["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    ids = []
    for name in sorted(os.listdir(corpus)):
        with open(os.path.join(corpus, name), "rb") as handle:
            body, content_type = multipart(name, handle.read())
        status, _, payload = await http(port, "POST", "/api/v1/admin/documents/upload",
                                        {**auth, "Content-Type": content_type}, body)
        if status not in (200, 202):
            raise SystemExit(f"upload {name} failed: {status} {payload[:200]!r}")
        ids.append(json.loads(payload)["document_id"])
    deadline = time.monotonic() + 300
    pending = set(ids)
    while pending and time.monotonic() < deadline:
        for document_id in list(pending):
            status, _, payload = await http(port, "GET", f"/api/v1/documents/{document_id}/status", auth)
            state = json.loads(payload)["status"]
            if state == "completed":
                pending.discard(document_id)
            elif state == "failed":
                raise SystemExit(f"document {document_id} failed: {payload[:200]!r}")
        await asyncio.sleep(0.1)
    if pending:
        raise SystemExit("documents still processing after 300 s")
    return token, len(ids)


async def one_stream(port, token, question, started_at):
    """Runs one streaming question; returns a result dict."""
    result = {"ok": False, "ttft": None, "total": None, "error": None, "tokens": 0}
    body = json.dumps({"query": question}).encode()
    head = (
        f"POST /api/v1/query/stream HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n"
        f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(HOST, port), 60)
    except Exception as error:  # noqa: BLE001 - every failure is a data point here
        result["error"] = f"connect: {type(error).__name__}"
        return result
    try:
        writer.write(head + body)
        await writer.drain()
        raw = b""
        status = None
        terminal = None
        while True:
            chunk = await asyncio.wait_for(reader.read(65536), 150)
            if not chunk:
                break
            raw += chunk
            if status is None and b"\r\n\r\n" in raw:
                status = int(raw.split(b"\r\n", 1)[0].split(b" ")[1])
                if status != 200:
                    result["error"] = f"http {status}"
            if result["ttft"] is None and b"event: token\n" in raw:
                result["ttft"] = time.monotonic() - started_at
            if b"event: done\n" in raw:
                terminal = "done"
            elif b"event: error\n" in raw:
                terminal = "error"
        result["total"] = time.monotonic() - started_at
        text = raw.decode("utf-8", "replace")
        result["tokens"] = text.count("event: token\n")
        if result["error"] is None:
            if terminal == "done":
                result["ok"] = True
            elif terminal == "error":
                result["error"] = "error event"
            else:
                result["error"] = "truncated"
    except Exception as error:  # noqa: BLE001
        result["error"] = f"io: {type(error).__name__}"
    finally:
        writer.close()
    return result


def peak_rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def percentile(values, fraction):
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, int(round(fraction * (len(ordered) - 1)))))
    return ordered[index]


async def run_level(port, token, questions, n):
    started = time.monotonic()
    tasks = [one_stream(port, token, questions[i % len(questions)], started) for i in range(n)]
    results = await asyncio.gather(*tasks)
    wall = time.monotonic() - started
    ttfts = [r["ttft"] for r in results if r["ttft"] is not None]
    errors = {}
    for r in results:
        if r["error"]:
            errors[r["error"]] = errors.get(r["error"], 0) + 1
    return {
        "n": n,
        "ok": sum(1 for r in results if r["ok"]),
        "errors": errors,
        "truncated": errors.get("truncated", 0),
        "ttft_p50_ms": round(percentile(ttfts, 0.50) * 1000, 1) if ttfts else None,
        "ttft_p99_ms": round(percentile(ttfts, 0.99) * 1000, 1) if ttfts else None,
        "ttft_max_ms": round(max(ttfts) * 1000, 1) if ttfts else None,
        "complete_p50_ms": round(statistics.median([r["total"] for r in results if r["ok"]]) * 1000, 1)
        if any(r["ok"] for r in results) else None,
        "wall_s": round(wall, 2),
        "tokens_total": sum(r["tokens"] for r in results),
    }


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--questions", required=True)
    parser.add_argument("--n", type=int, action="append", required=True)
    parser.add_argument("--json", required=True)
    args = parser.parse_args()

    with open(args.questions) as handle:
        questions = [json.loads(line)["question"] for line in handle if line.strip()]
    token, documents = await prepare(args.port, args.corpus)
    rss_idle = peak_rss_kib(args.pid)
    # One warm-up stream, so first-use costs (page cache, lazy statics) do not land in the first level.
    await one_stream(args.port, token, questions[0], time.monotonic())
    # Sequential baseline: what one question costs when nothing else is in flight.
    sequential = []
    for question in questions[:20]:
        sequential.append(await one_stream(args.port, token, question, time.monotonic()))
    baseline = {
        "n": len(sequential),
        "ttft_p50_ms": round(percentile([r["ttft"] for r in sequential if r["ttft"]], 0.5) * 1000, 1),
        "ttft_p99_ms": round(percentile([r["ttft"] for r in sequential if r["ttft"]], 0.99) * 1000, 1),
        "complete_p50_ms": round(statistics.median([r["total"] for r in sequential if r["ok"]]) * 1000, 1),
    }
    print(json.dumps({"baseline": baseline}), flush=True)
    levels = []
    for n in args.n:
        level = await run_level(args.port, token, questions, n)
        level["peak_rss_mib_after"] = round((peak_rss_kib(args.pid) or 0) / 1024, 1)
        levels.append(level)
        print(json.dumps(level), flush=True)
    report = {
        "documents": documents,
        "questions": len(questions),
        "peak_rss_mib_after_ingest": round((rss_idle or 0) / 1024, 1),
        "baseline": baseline,
        "levels": levels,
    }
    with open(args.json, "w") as handle:
        json.dump(report, handle, indent=2)


if __name__ == "__main__":
    asyncio.run(main())
