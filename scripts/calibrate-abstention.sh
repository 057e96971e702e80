#!/usr/bin/env bash
# Fits the extractive answerer's abstention threshold (RetrievalTuning.minimumCoverage) on the DEV halves of the
# public corpora (Northwind, SQLite, the PDF manuals), and prints the precision and recall of abstention at each
# candidate threshold.
#
# For each threshold it runs `chatshell eval --minimum-coverage T --json` on samples/northwind, samples/sqlite and
# samples/pdf-manuals and reads only the dev half (odd ids): answerable questions right, unanswerable ones
# abstained. The chosen threshold maximises the mean over the corpora of the dev half's `right` share (answerable
# right plus unanswerable abstained, over all dev questions); among equal thresholds the middle one is taken, which
# keeps the widest margin on both sides. The test halves are never read here.
#
# Usage: scripts/calibrate-abstention.sh [FROM TO STEP]   (default 0.30 0.80 0.05)
# CHATSHELL_BIN overrides the binary (default .build/debug/chatshell, built when missing).
set -euo pipefail
cd "$(dirname "$0")/.."

from=${1:-0.30}
to=${2:-0.80}
step=${3:-0.05}
binary=${CHATSHELL_BIN:-.build/debug/chatshell}
if [[ ! -x "$binary" ]]; then
    swift build --product chatshell
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for threshold in $(python3 -c "
from_, to, step = $from, $to, $step
t = from_
while t <= to + 1e-9:
    print(f'{t:.2f}')
    t += step"); do
    for corpus in northwind sqlite pdf-manuals; do
        "$binary" eval "samples/$corpus/questions.jsonl" --corpus "samples/$corpus/docs" --json \
            --minimum-coverage "$threshold" >"$work/$corpus-$threshold.json"
    done
done

python3 - "$work" <<'PYTHON'
import glob, json, os, sys

work = sys.argv[1]
thresholds = sorted({os.path.basename(p).rsplit("-", 1)[1][:-5] for p in glob.glob(f"{work}/*.json")}, key=float)

def dev_measures(path):
    questions = [q for q in json.load(open(path))["questions"] if q["split"] == "dev" and not q["skipped"]]
    answerable = [q for q in questions if q["kind"] != "unanswerable"]
    unanswerable = [q for q in questions if q["kind"] == "unanswerable"]
    abstained = [q for q in questions if q["abstained"]]
    right = sum(1 for q in questions if q["right"])
    return {
        "right": right / len(questions),
        "answerable_right": sum(1 for q in answerable if q["right"]) / len(answerable),
        "answerable_abstained": sum(1 for q in answerable if q["abstained"]),
        "recall": sum(1 for q in unanswerable if q["abstained"]) / len(unanswerable),
        "precision": (sum(1 for q in abstained if q["kind"] == "unanswerable") / len(abstained)) if abstained else None,
    }

def pct(value):
    return "     -" if value is None else f"{value * 100:5.1f}%"

print("dev halves: right = answerable right + unanswerable abstained, over all dev questions")
print("threshold  corpus       right  ans.right  ans.abstained  abst.precision  abst.recall")
scores = {}
for threshold in thresholds:
    total = 0
    corpora = ("northwind", "sqlite", "pdf-manuals")
    for corpus in corpora:
        m = dev_measures(f"{work}/{corpus}-{threshold}.json")
        total += m["right"] / len(corpora)
        print(
            f"{threshold:>9}  {corpus:<11} {pct(m['right'])}     {pct(m['answerable_right'])}"
            f"  {m['answerable_abstained']:13d}          {pct(m['precision'])}       {pct(m['recall'])}"
        )
    scores[threshold] = total
best = max(scores.values())
tied = [t for t in thresholds if abs(scores[t] - best) < 1e-9]
print(f"best mean dev right {best * 100:.1f}% at {', '.join(tied)}; chosen: {tied[len(tied) // 2]}")
PYTHON
