#!/usr/bin/env bash
# Measures how chatshell treats a decompression bomb (issue 15): a small .docx whose word/document.xml inflates to
# SIZE_MIB mebibytes of repeated paragraphs.
#
#   scripts/probe-bomb.sh [SIZE_MIB] [BINARY]      (defaults: 1100 and .build/release/chatshell)
#
# 1. locally: `chatshell ingest bomb.docx` under /usr/bin/time -v (wall time, peak RSS, message);
# 2. on a server (`chatshell serve` on a free loopback port): the bomb's upload as one anonymous caller, and at the
#    same moment a small .txt from another, with each one's time to a final answer and the server's peak RSS.
# Needs python3 (standard library only), curl and GNU time. Nothing is written outside a temporary folder.
set -euo pipefail
size_mib="${1:-1100}"
binary="$(realpath "${2:-.build/release/chatshell}")"
work="$(mktemp -d)"
server_pid=""
cleanup() {
    if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

python3 - "$work/bomb.docx" "$size_mib" <<'PY'
import sys, zipfile
out, mib = sys.argv[1], int(sys.argv[2])
paragraph = b"<w:p><w:r><w:t>Expanding text.</w:t></w:r></w:p>" * 20000
with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
    archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
    with archive.open("word/document.xml", "w", force_zip64=True) as entry:
        entry.write(b'<?xml version="1.0"?><w:document xmlns:w="urn:w"><w:body>')
        written = 0
        while written < mib * 1048576:
            entry.write(paragraph)
            written += len(paragraph)
        entry.write(b"</w:body></w:document>")
PY
echo "bomb: $(stat -c %s "$work/bomb.docx") bytes, word/document.xml inflates to ${size_mib} MiB"
printf 'Northwind keeps its spare keys in the blue cabinet.\n' >"$work/small.txt"

echo "== local: chatshell ingest bomb.docx"
set +e
/usr/bin/time -v "$binary" ingest --data-dir "$work/local" "$work/bomb.docx" >"$work/local.out" 2>"$work/local.err"
set -e
grep -v '^\s' "$work/local.err" | grep -v 'Command' | head -3 || true
grep -E 'Elapsed|Maximum resident' "$work/local.err" | sed 's/^\s*/   /'

echo "== server: upload of the bomb and, at the same time, another caller's small .txt"
"$binary" serve --data-dir "$work/server" --port 0 --rate-limit 0 2>"$work/server.log" &
server_pid=$!
base=""
for _ in $(seq 1 200); do
    base="$(grep -o 'http://127.0.0.1:[0-9]*/api/v1' "$work/server.log" | head -1 || true)"
    [[ -n "$base" ]] && break
    sleep 0.05
done
[[ -n "$base" ]] || { echo "the server did not start:"; cat "$work/server.log"; exit 1; }

# Uploads one file as a new anonymous caller, polls until processed, prints "<http code> <seconds> <final status>".
upload_and_wait() {
    local file="$1" name="$2" start code session id status=""
    start="$(date +%s.%N)"
    code="$(curl -sS -o "$work/$name.json" -D "$work/$name.head" -w '%{http_code}' -F "file=@$file" \
        "$base/documents/upload")"
    session="$(grep -i '^x-anon-session-id:' "$work/$name.head" | tr -d '\r' | cut -d' ' -f2 || true)"
    id="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("document_id",""))' "$work/$name.json")"
    if [[ "$code" == 202 && -n "$id" ]]; then
        while :; do
            status="$(curl -sS -H "X-Anon-Session-Id: $session" "$base/documents/$id/status" \
                | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["status"], d.get("error_code") or "")')"
            [[ "$status" == processing* ]] || break
            sleep 0.05
        done
    else
        status="$(python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["error"]; print(e["code"], "-", e["message"])' \
            "$work/$name.json" 2>/dev/null || cat "$work/$name.json")"
    fi
    echo "$code $(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$start" \
        "$(date +%s.%N)") s: $status"
}
upload_and_wait "$work/bomb.docx" bomb >"$work/bomb.result" &
bomb_job=$!
sleep 0.2
upload_and_wait "$work/small.txt" small >"$work/small.result"
wait "$bomb_job"
echo "   bomb upload: $(cat "$work/bomb.result")"
echo "   small upload (other caller, started 0.2 s later): $(cat "$work/small.result")"
echo "   server peak RSS: $(grep VmHWM "/proc/$server_pid/status" | awk '{print $2, $3}')"
