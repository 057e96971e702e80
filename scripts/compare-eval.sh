#!/usr/bin/env bash
# Measures /compare against the ground truth in samples/northwind/compare.json and writes the figures to
# docs/benchmarks/compare.md (or the file given as $1).
#
# For each pair it ingests both documents into a fresh temporary store, runs
#   chatshell ask --json "/compare DOC_A DOC_B -- PROMPT"
# twice, and counts:
#   - listed differences named with both values: one Differences line holds the A value (or its key phrase) and
#     the B value (or its key phrase), by the corpus matching rule (NFC, lower case, whitespace collapsed), with
#     word boundaries so that "10" does not match inside "100";
#   - the stricter variant with both key phrases;
#   - listed similarities wrongly called differences: a Differences line about the attribute (its name before the
#     first ": ", qualifiers ignored), or one that quotes the similarity's key phrase;
#   - listed similarities stated under Similarities (their key phrase occurs there);
#   - whether both runs gave the same report.
#
# Usage: scripts/compare-eval.sh [OUTPUT.md]   (CHATSHELL_BIN overrides the binary; default .build/debug/chatshell)
set -euo pipefail
cd "$(dirname "$0")/.."

output=${1:-docs/benchmarks/compare.md}
binary=${CHATSHELL_BIN:-.build/debug/chatshell}
if [[ ! -x "$binary" ]]; then
    swift build --product chatshell
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 - "$binary" "$work" "$output" <<'PYTHON'
import json, os, re, subprocess, sys, time, unicodedata

binary, work, output = sys.argv[1], sys.argv[2], sys.argv[3]
corpus = "samples/northwind"

def fold(text):
    return " ".join(unicodedata.normalize("NFC", text).lower().split())

def mentions(line, phrase):
    phrase = fold(phrase)
    return bool(phrase) and re.search(r"(?<![0-9a-z])" + re.escape(phrase) + r"(?![0-9a-z])", fold(line)) is not None

def sections(report):
    result, current = {}, None
    for line in report.split("\n"):
        if line.startswith("## "):
            current = line[3:].strip().lower()
            result[current] = []
        elif line.startswith("- ") and current is not None:
            result[current].append(line[2:])
    return result

def attribute(line):
    head = line.split(": ", 1)[0] if ": " in line else ""
    return re.sub(r"\s*\([^)]*\)", "", fold(head)).strip()

def run(args, home):
    env = dict(os.environ, CHATSHELL_HOME=home, XDG_CONFIG_HOME=os.path.join(home, "config"),
               XDG_DATA_HOME=os.path.join(home, "data"), XDG_STATE_HOME=os.path.join(home, "state"), NO_COLOR="1")
    return subprocess.run([binary] + args, env=env, capture_output=True, text=True)

pairs = json.load(open(os.path.join(corpus, "compare.json")))["pairs"]
rows, details = [], []
for pair in pairs:
    home = os.path.join(work, pair["id"])
    os.makedirs(home)
    ingest = run(["ingest", os.path.join(corpus, "docs", pair["doc_a"]), os.path.join(corpus, "docs", pair["doc_b"])], home)
    if ingest.returncode != 0:
        sys.exit(f"ingest failed for {pair['id']}: {ingest.stderr.strip()}")
    line = f"/compare {pair['doc_a']} {pair['doc_b']} -- {pair['prompt']}"
    answers, seconds = [], []
    for _ in range(2):
        started = time.monotonic()
        result = run(["ask", "--json", line], home)
        seconds.append(time.monotonic() - started)
        if result.returncode != 0:
            sys.exit(f"compare failed for {pair['id']}: {result.stdout.strip()} {result.stderr.strip()}")
        answers.append(json.loads(result.stdout))
    body = answers[0]
    report = body["answer"]
    parts = sections(report)
    similarities, differences = parts.get("similarities", []), parts.get("differences", [])
    insights = parts.get("cross-document insights", [])

    named, strict, missing = 0, 0, []
    for d in pair["differences"]:
        ok = any((mentions(l, d["a"]) or mentions(l, d["key_phrase_a"])) and
                 (mentions(l, d["b"]) or mentions(l, d["key_phrase_b"])) for l in differences)
        named += ok
        strict += any(mentions(l, d["key_phrase_a"]) and mentions(l, d["key_phrase_b"]) for l in differences)
        if not ok:
            missing.append(d["attribute"])
    wrong, quoted, stated = [], [], 0
    for s in pair["similarities"]:
        name = re.sub(r"\s*\([^)]*\)", "", fold(s["attribute"])).strip()
        if any(attribute(l) == name for l in differences):
            wrong.append(s["attribute"])
        if any(mentions(l, s["key_phrase_a"]) for l in differences):
            quoted.append(s["attribute"])
        stated += any(mentions(l, s["key_phrase_a"]) for l in similarities)
    cited = {src["document_id"] for src in body["sources"]}
    rows.append({
        "id": pair["id"],
        "differences": len(pair["differences"]),
        "named": named,
        "strict": strict,
        "missing": missing,
        "similarities": len(pair["similarities"]),
        "wrong": wrong,
        "quoted": quoted,
        "stated": stated,
        "lines": (len(similarities), len([l for l in differences]), len([l for l in insights if l != "None."])),
        "deterministic": answers[0]["answer"] == answers[1]["answer"],
        "finish_reason": body["finish_reason"],
        "documents_in_sources": len(cited),
        "seconds": min(seconds),
    })
    details.append((pair, report))

with open(output, "w") as out:
    out.write("# Compare benchmark\n\n")
    out.write("Generated by `scripts/compare-eval.sh` from `samples/northwind/compare.json`: each pair is ingested into a\n")
    out.write("fresh store and compared with `chatshell ask --json \"/compare DOC_A DOC_B -- PROMPT\"` (the deterministic\n")
    out.write("comparer; no language model). Matching follows the corpus rule (NFC, lower case, whitespace collapsed),\n")
    out.write("with word boundaries.\n\n")
    out.write("| Pair | Differences named with both values | … with both key phrases | Similarities wrongly called differences | Similarity key phrases quoted among differences | Similarities stated as similarities | Lines (sim / diff / insights) | Same report twice | Finish reason | Seconds |\n")
    out.write("|---|---|---|---|---|---|---|---|---|---|\n")
    for r in rows:
        out.write(f"| {r['id']} | {r['named']} / {r['differences']} | {r['strict']} / {r['differences']} | "
                  f"{len(r['wrong'])} / {r['similarities']} | {len(r['quoted'])} / {r['similarities']} | "
                  f"{r['stated']} / {r['similarities']} | {r['lines'][0]} / {r['lines'][1]} / {r['lines'][2]} | "
                  f"{'yes' if r['deterministic'] else 'no'} | {r['finish_reason']} | {r['seconds']:.2f} |\n")
    out.write("\nDefinitions:\n\n")
    out.write("- *Named with both values*: one line under `## Differences` holds the A value (or `key_phrase_a`) and\n")
    out.write("  the B value (or `key_phrase_b`). The stricter column needs both key phrases.\n")
    out.write("- *Wrongly called differences*: a `## Differences` line whose attribute (text before the first `: `,\n")
    out.write("  qualifiers ignored) is a listed similarity. The next column counts difference lines that quote a\n")
    out.write("  similarity's key phrase at all.\n")
    out.write("- *Stated as similarities*: the similarity's key phrase occurs under `## Similarities`.\n")
    for r in rows:
        if r["missing"] or r["wrong"] or r["quoted"]:
            out.write(f"\n{r['id']}: missing {r['missing'] or 'none'}; wrongly different {r['wrong'] or 'none'}; "
                      f"quoted {r['quoted'] or 'none'}.\n")
    for pair, report in details:
        out.write(f"\n## Report for {pair['id']}\n\n```text\n{report}\n```\n")
for r in rows:
    print(f"{r['id']}: differences named {r['named']}/{r['differences']} (key phrases {r['strict']}/{r['differences']}), "
          f"similarities wrongly called differences {len(r['wrong'])}/{r['similarities']} "
          f"(key phrase quoted among differences {len(r['quoted'])}), stated {r['stated']}/{r['similarities']}, "
          f"deterministic {r['deterministic']}, {r['seconds']:.2f} s")
print(f"wrote {output}")
PYTHON
