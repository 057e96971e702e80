#!/usr/bin/env python3
"""Measures the REPL as a user meets it, through a pseudo-terminal.

- startup: from exec to the first prompt ("> "), over several cold runs on an empty store;
- first token: from pressing Enter on a question to the first byte of the answer, over the lookup
  questions of questions.jsonl, on a store holding the sample corpus;
- ingest: wall time of `chatshell ingest` over the corpus folder;
- peak memory: maximum resident set size of the ingest run and of the REPL session (from wait4's rusage).

Usage: scripts/bench-repl.py [path/to/chatshell] (default: .build/release/chatshell)
Prints a Markdown table. Bounded: a few dozen runs, each with a timeout.
"""
import json
import re
import os
import pty
import resource
import select
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build/release/chatshell")
CORPUS = os.path.join(ROOT, "samples/northwind/docs")
QUESTIONS = os.path.join(ROOT, "samples/northwind/questions.jsonl")


def environment(home):
    env = {"HOME": home, "CHATSHELL_HOME": home, "TERM": "xterm", "LANG": "C.UTF-8", "PATH": os.environ["PATH"]}
    return env


def read_until(fd, needle, timeout=20.0, buffer=b""):
    deadline = time.monotonic() + timeout
    while needle not in buffer:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(f"waiting for {needle!r}; got {buffer[-200:]!r}")
        ready, _, _ = select.select([fd], [], [], remaining)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                raise TimeoutError("terminal closed")
            if not chunk:
                raise TimeoutError("terminal closed")
            buffer += chunk
    return buffer


def spawn(home):
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(BINARY, [BINARY], environment(home))
    return pid, fd


def finish(pid, fd):
    os.write(fd, b"\x04")
    _, status, usage = os.wait4(pid, 0)
    os.close(fd)
    return usage.ru_maxrss  # KiB on Linux


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, round((len(values) - 1) * p))]


def main():
    results = []
    # Startup, cold process, empty store.
    startups = []
    for _ in range(15):
        home = tempfile.mkdtemp(prefix="chatshell-bench-")
        started = time.monotonic()
        pid, fd = spawn(home)
        read_until(fd, b"> ")
        startups.append((time.monotonic() - started) * 1000)
        finish(pid, fd)
    results.append(("startup to first prompt", f"p50 {statistics.median(startups):.1f} ms, p95 {percentile(startups, 0.95):.1f} ms"))

    # Ingest.
    home = tempfile.mkdtemp(prefix="chatshell-bench-")
    started = time.monotonic()
    process = subprocess.Popen([BINARY, "ingest", CORPUS], env=environment(home), stdout=subprocess.DEVNULL)
    _, _, usage = os.wait4(process.pid, 0)
    ingest_ms = (time.monotonic() - started) * 1000
    results.append(("corpus ingest (15 documents, 5 formats)", f"{ingest_ms:.0f} ms wall, peak RSS {usage.ru_maxrss / 1024:.1f} MiB"))

    # First token over the lookup questions.
    questions = [json.loads(line) for line in open(QUESTIONS, encoding="utf-8") if line.strip()]
    lookups = [q["question"] for q in questions if q["kind"] == "lookup"]
    pid, fd = spawn(home)
    buffer = read_until(fd, b"> ")
    firsts = []
    for question in lookups:
        # Type the question, wait for its echo, then time from Enter to the first visible byte of the answer.
        os.write(fd, question.encode())
        buffer = read_until(fd, question[-10:].encode())
        mark = len(buffer)
        sent = time.monotonic()
        os.write(fd, b"\r")
        while True:
            # Terminal control sequences (readline turning bracketed paste off, erasing the line) are not the
            # answer: drop whole CSI sequences, then line breaks.
            rest = re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b"", buffer[mark:])
            visible = bytes(b for b in rest if b >= 0x20)
            if visible:
                break
            ready, _, _ = select.select([fd], [], [], 10)
            if not ready:
                raise TimeoutError("no answer")
            buffer += os.read(fd, 65536)
        firsts.append((time.monotonic() - sent) * 1000)
        read_until(fd, b"> ", buffer=buffer[mark:])
    rss = finish(pid, fd)
    results.append((f"question to first token ({len(firsts)} lookups)", f"p50 {statistics.median(firsts):.1f} ms, p95 {percentile(firsts, 0.95):.1f} ms"))
    results.append(("REPL peak RSS over those questions", f"{rss / 1024:.1f} MiB"))

    print("| measure | result |")
    print("|---|---|")
    for name, value in results:
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    main()
