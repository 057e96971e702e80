#!/usr/bin/env bash
# Answer quality on the public corpora: runs `chatshell eval --json` over samples/northwind, samples/sqlite and
# samples/pdf-manuals (each ingested into a fresh temporary store) and prints one table per half, dev and test, with every kind of
# question and the corpus beside it: the figures README's "Figures" section reports (test halves).
#
# Per-question outcomes are printed for the dev half only: the test half is run, never read for tuning.
#
# Usage: scripts/eval-corpora.sh [--details] [OUTPUT_DIR]
#   --details   also list the dev half's questions that are not right, with their answers
#   OUTPUT_DIR  keep each corpus's JSON report there (default: a temporary folder, removed at the end)
# CHATSHELL_BIN overrides the binary (default .build/debug/chatshell, built when missing).
set -euo pipefail
cd "$(dirname "$0")/.."

details=0
if [[ "${1:-}" == "--details" ]]; then
    details=1
    shift
fi
binary=${CHATSHELL_BIN:-.build/debug/chatshell}
if [[ ! -x "$binary" ]]; then
    swift build --product chatshell
fi
if [[ -n "${1:-}" ]]; then
    output=$1
    mkdir -p "$output"
else
    output=$(mktemp -d)
    trap 'rm -rf "$output"' EXIT
fi

corpora="northwind sqlite pdf-manuals"
for corpus in $corpora; do
    "$binary" eval "samples/$corpus/questions.jsonl" --corpus "samples/$corpus/docs" --json >"$output/$corpus.json"
done

python3 - "$output" "$details" $corpora <<'PYTHON'
import json, sys

output, details, corpora = sys.argv[1], sys.argv[2] == "1", sys.argv[3:]

def pct(value):
    return "     -" if value is None else f"{value * 100:5.1f}%"

for split in ("dev", "test"):
    print(f"{split} half")
    print("corpus       kind          n   hit@1   hit@5  phrases   in ans   cited   right  abstain")
    for corpus in corpora:
        report = json.load(open(f"{output}/{corpus}.json"))
        for summary in report["summaries"]:
            if summary["split"] != split:
                continue
            print(
                f"{corpus:<12} {summary['kind']:<12}{summary['questions']:3d}  {pct(summary.get('hit_at1'))}  "
                f"{pct(summary.get('hit_at5'))}   {pct(summary.get('key_phrase_hit'))}   "
                f"{pct(summary.get('answer_phrase_hit'))}  {pct(summary.get('expected_cited'))}  "
                f"{pct(summary.get('right'))}   {pct(summary.get('abstained'))}"
            )
    print()

if details:
    for corpus in corpora:
        report = json.load(open(f"{output}/{corpus}.json"))
        for question in report["questions"]:
            if question["split"] == "dev" and not question["right"]:
                print(f"{corpus} {question['id']} {question['kind']} cited {question['cited_docs']}")
                print(f"    {question['answer'][:300]}")
PYTHON
