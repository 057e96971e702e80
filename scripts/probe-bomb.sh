#!/usr/bin/env bash
# Measures how chatshell treats documents built to exhaust it (issue 15):
#   - a decompression bomb: a small .docx whose word/document.xml inflates to SIZE_MIB mebibytes of repeated
#     paragraphs (refused at upload);
#   - a text bomb: a small .pdf whose pages share one compressed content stream of half a million characters, so it
#     passes the upload checks and expands past the extracted-text budget while it is processed.
#
#   scripts/probe-bomb.sh [SIZE_MIB] [BINARY]      (defaults: 1100 and .build/release/chatshell)
#
# 1. locally: `chatshell ingest bomb.docx` under /usr/bin/time -v (wall time, peak RSS, message);
# 2. on a server (`chatshell serve` on a free loopback port), for each bomb: its upload as one anonymous caller, and
#    0.2 s later a small .txt from another, with each one's time to a final answer and the server's peak RSS;
#    for the text bomb also a small .pdf from a third caller (poppler is shared between documents);
# 3. the text bomb again on a server whose processing time budget is 2 s (CHATSHELL_PROCESSING_TIMEOUT_S);
# 4. a one-page text bomb (PAGE_MB megabytes of text on a single page, default 10): `chatshell ingest` under
#    /usr/bin/time -v, and on a server with a 2 s budget, where the page is read whole after the document failed.
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
# The three PDFs below are written by one function: numbered objects, the cross-reference table and the trailer.
cat >"$work/pdfwriter.py" <<'PY'
def write_pdf(out, objects):
    """Writes a PDF whose object n (from 1) is objects[n - 1]; object 1 is the catalog."""
    data, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(data))
        data += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    table = len(data)
    data += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    data += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    data += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, table)
    open(out, "wb").write(bytes(data))
PY
PYTHONPATH="$work" python3 - "$work/textbomb.pdf" <<'PY'
import sys, zlib
from pdfwriter import write_pdf
out = sys.argv[1]
pages = 120
# 250 lines of 2,000 characters at a 0.3 point font: half a million characters on each page, one stream for all.
line = b"(" + b"expanding words " * 125 + b") Tj 0 -3 Td\n"
content = b"BT /F1 0.3 Tf 10 780 Td\n" + line * 250 + b"ET\n"
stream = zlib.compress(content, 9)
objects = [
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % (5 + i) for i in range(pages)) + b"] /Count %d >>" % pages,
    b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
]
objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
            b"/Contents 4 0 R >>"] * pages
write_pdf(out, objects)
PY
echo "text bomb: $(stat -c %s "$work/textbomb.pdf") bytes, 120 pages of 500,000 characters each (60 MB of text)"
PYTHONPATH="$work" python3 - "$work/pagebomb.pdf" "${PAGE_MB:-10}" <<'PY'
import sys, zlib
from pdfwriter import write_pdf
out, megabytes = sys.argv[1], int(sys.argv[2])
# One page far larger than paper, a column of 2,000-character lines at 12 points, each glyph at its own place:
# poppler keeps every character of a page (it drops overlapping and tiny glyphs, and those outside the page).
line = b"(" + b"expanding words " * 125 + b") Tj 0 -12 Td\n"
lines = megabytes * 1000000 // 2000
parts = [b"BT /F1 12 Tf 1 0 0 1 10 999990 Tm\n", line * lines, b"ET\n"]
stream = zlib.compress(b"".join(parts), 9)
objects = [
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
    b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 1000000 1000000] /Resources << /Font << /F1 3 0 R >> >> "
    b"/Contents 5 0 R >>",
    b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
]
write_pdf(out, objects)
PY
echo "one-page text bomb: $(stat -c %s "$work/pagebomb.pdf") bytes, ${PAGE_MB:-10} MB of text on one page"
printf 'Northwind keeps its spare keys in the blue cabinet.\n' >"$work/small.txt"
PYTHONPATH="$work" python3 - "$work/small.pdf" <<'PY'
import sys
from pdfwriter import write_pdf
out = sys.argv[1]
stream = b"BT /F1 12 Tf 72 700 Td (Northwind keeps its spare keys in the blue cabinet.) Tj ET\n"
objects = [
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
    b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>",
    b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"endstream",
]
write_pdf(out, objects)
PY

echo "== local: chatshell ingest bomb.docx (load average $(cut -d' ' -f1-3 /proc/loadavg))"
set +e
/usr/bin/time -v "$binary" ingest --data-dir "$work/local" "$work/bomb.docx" >"$work/local.out" 2>"$work/local.err"
set -e
grep -v '^\s' "$work/local.err" | grep -v 'Command' | head -3 || true
grep -E 'Elapsed|Maximum resident' "$work/local.err" | sed 's/^\s*/   /'

# Starts `chatshell serve` with the given environment on a free port; sets server_pid and base.
server_count=0
start_server() {
    server_count=$((server_count + 1))
    local log="$work/server-$server_count.log"
    env "$@" "$binary" serve --data-dir "$work/server-$server_count" --port 0 --rate-limit 0 2>"$log" &
    server_pid=$!
    base=""
    for _ in $(seq 1 200); do
        base="$(grep -o 'http://127.0.0.1:[0-9]*/api/v1' "$log" | head -1 || true)"
        [[ -n "$base" ]] && break
        sleep 0.05
    done
    [[ -n "$base" ]] || { echo "the server did not start:"; cat "$log"; exit 1; }
}

stop_server() {
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
}

# The client: one python process per upload, so its start-up is not counted in the time. It uploads one file as a
# new anonymous caller, polls its status every 20 ms until it is final, and prints "<http code> <seconds> <final
# status>": the seconds from the request's start to the final status seen, and the server's own figure (the
# document's updated_at minus its created_at).
cat >"$work/client.py" <<'PY'
import json, sys, time, urllib.error, urllib.request, uuid
from datetime import datetime
base, path = sys.argv[1], sys.argv[2]
name = path.rsplit("/", 1)[-1]
payload = open(path, "rb").read()
boundary = uuid.uuid4().hex
body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
        f"Content-Type: application/octet-stream\r\n\r\n").encode() + payload + f"\r\n--{boundary}--\r\n".encode()
request = urllib.request.Request(f"{base}/documents/upload", data=body, method="POST",
                                 headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
start = time.monotonic()
try:
    with urllib.request.urlopen(request) as response:
        code, answer, session = response.status, json.load(response), response.headers.get("X-Anon-Session-Id")
except urllib.error.HTTPError as error:
    code, answer, session = error.code, json.load(error), None
if code != 202:
    error = answer.get("error", {})
    print(f"{code} {time.monotonic() - start:.2f} s: {error.get('code')} - {error.get('message')}")
    sys.exit()
status_request = urllib.request.Request(f"{base}/documents/{answer['document_id']}/status",
                                        headers={"X-Anon-Session-Id": session})
while True:
    with urllib.request.urlopen(status_request) as response:
        status = json.load(response)
    if status["status"] != "processing":
        break
    time.sleep(0.02)
elapsed = time.monotonic() - start
def seconds(stamp):
    return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").timestamp()
server = seconds(status["updated_at"]) - seconds(status["created_at"])
outcome = status["status"] + (" " + status["error_code"] if status.get("error_code") else "")
if status["status"] == "failed":
    outcome += " - " + status["error"]
print(f"{code} {elapsed:.2f} s (server {server:.2f} s): {outcome}")
PY

upload_and_wait() {
    python3 "$work/client.py" "$base" "$1"
}

# One bomb and, 0.2 s later, other callers' small uploads (SMALL: space-separated files) against a fresh server.
probe_server() {
    local label="$1" file="$2" small
    shift 2
    echo "== server: $label, and 0.2 s later other callers' small uploads (load average $(cut -d' ' -f1-3 /proc/loadavg))"
    start_server "$@"
    upload_and_wait "$file" >"$work/bomb.result" &
    local bomb_job=$! jobs=()
    sleep 0.2
    for small in $SMALL; do
        upload_and_wait "$work/$small" >"$work/$small.result" &
        jobs+=($!)
    done
    wait "${jobs[@]}"
    for small in $SMALL; do echo "   $small (another caller): $(cat "$work/$small.result")"; done
    wait "$bomb_job"
    echo "   bomb: $(cat "$work/bomb.result")"
    echo "   server peak RSS: $(grep VmHWM "/proc/$server_pid/status" | awk '{print $2, $3}')"
    if [[ -n "${SETTLE:-}" ]]; then
        # Work that goes on after the answer (an extraction thread past its budget): wait until the server's CPU time
        # stands still for a second.
        local last=-1 now waited=0
        while now="$(awk '{print $14 + $15}' "/proc/$server_pid/stat")" && [[ "$now" != "$last" ]]; do
            last="$now"
            sleep 1
            waited=$((waited + 1))
        done
        echo "   server busy for about $((waited - 1)) s more; then its peak RSS: $(grep VmHWM "/proc/$server_pid/status" | awk '{print $2, $3}')"
    fi
    stop_server
}

SMALL="small.txt" probe_server "upload of the decompression bomb" "$work/bomb.docx"
SMALL="small.txt small.pdf" probe_server "upload and processing of the text bomb" "$work/textbomb.pdf"
SMALL="small.txt small.pdf" probe_server "the text bomb under a 2 s processing budget" "$work/textbomb.pdf" \
    CHATSHELL_PROCESSING_TIMEOUT_S=2

echo "== local: chatshell ingest pagebomb.pdf (load average $(cut -d' ' -f1-3 /proc/loadavg))"
set +e
/usr/bin/time -v "$binary" ingest --data-dir "$work/local-page" "$work/pagebomb.pdf" >"$work/page.out" 2>"$work/page.err"
set -e
grep -v '^\s' "$work/page.err" | grep -v 'Command' | head -3 || true
grep -E 'Elapsed|Maximum resident' "$work/page.err" | sed 's/^\s*/   /'
SETTLE=1 SMALL="small.txt small.pdf" probe_server "the one-page text bomb under a 2 s processing budget" "$work/pagebomb.pdf" \
    CHATSHELL_PROCESSING_TIMEOUT_S=2
