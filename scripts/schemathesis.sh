#!/usr/bin/env bash
# Property-based API testing of `chatshell serve` against its own OpenAPI document (issue 15). Not run in CI.
#
# Starts a server on a loopback port with a fresh data directory, registers an admin, uploads two sample documents,
# then runs schemathesis twice against GET /api/v1/openapi.json: as the admin (every route but logout, which would
# revoke the token) and as one anonymous session (every route but register and login). Every check is on (scripts/schemathesis.toml says
# where an answer a schema cannot predict counts as right); the run is bounded by time.
#
#   python3 -m venv /tmp/st && /tmp/st/bin/pip install schemathesis   # once, outside the repository
#   scripts/schemathesis.sh [minutes]                                  # default 10: 7 as admin, 3 anonymous
#
# Environment: SCHEMATHESIS (default /tmp/st/bin/schemathesis), CHATSHELL_BIN (default .build/debug/chatshell,
# built by `swift build`), PORT (default 18765), REPORT_DIR (default .build/schemathesis).
# Exit status: schemathesis's (0 when no check failed in either pass).
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=${1:-10}
schemathesis=${SCHEMATHESIS:-/tmp/st/bin/schemathesis}
binary=${CHATSHELL_BIN:-.build/debug/chatshell}
port=${PORT:-18765}
reports=${REPORT_DIR:-.build/schemathesis}
origin="http://127.0.0.1:$port"

if [ ! -x "$schemathesis" ]; then
    echo "schemathesis not found at $schemathesis; install it outside the repository:" >&2
    echo "  python3 -m venv /tmp/st && /tmp/st/bin/pip install schemathesis" >&2
    exit 2
fi
if [ ! -x "$binary" ]; then
    echo "$binary not found; run 'swift build' first (or set CHATSHELL_BIN)" >&2
    exit 2
fi

data=$(mktemp -d)
mkdir -p "$reports"
# Rate limits off so the run reaches the routes (429 stays documented); cost 10 keeps bcrypt from dominating.
"$binary" serve --data-dir "$data" --port "$port" --rate-limit 0 --login-rate-limit 0 --anonymous-upload-limit 0 --bcrypt-cost 10 \
    >"$reports/serve.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do
    curl -fsS "$origin/health" >/dev/null 2>&1 && break
    sleep 0.1
done

token=$(curl -fsS -X POST "$origin/api/v1/auth/register" -H 'Content-Type: application/json' \
    -d '{"email":"schemathesis@example.com","password":"correct horse 42"}' |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')
for file in samples/northwind/docs/faq.md samples/northwind/docs/glossary.txt; do
    curl -fsS -o /dev/null -X POST "$origin/api/v1/documents/upload" -H "Authorization: Bearer $token" \
        -F "file=@$file"
done

# The anonymous pass keeps one session, so what it creates it can read and delete again; it leaves out register
# and login, which would migrate that session's data to an account (http-api.md section 4), as they must.
anonymous=$(curl -fsS -X POST "$origin/api/v1/auth/anonymous" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["anon_session_id"])')

admin_seconds=$((minutes * 60 * 7 / 10))
anonymous_seconds=$((minutes * 60 - admin_seconds))
common=(
    run "$origin/api/v1/openapi.json" --url "$origin" --checks all --workers 1 --max-examples 500
    --request-timeout 30 --no-color --seed 15 --generation-database "$reports/examples"
)
status=0
echo "== admin pass: ${admin_seconds} s"
"$schemathesis" --config-file scripts/schemathesis.toml "${common[@]}" --max-time "$admin_seconds" -H "Authorization: Bearer $token" \
    --exclude-path /api/v1/auth/logout --report junit --report-junit-path "$reports/admin.xml" || status=$?
echo "== anonymous pass: ${anonymous_seconds} s"
"$schemathesis" --config-file scripts/schemathesis.toml "${common[@]}" --max-time "$anonymous_seconds" \
    -H "X-Anon-Session-Id: $anonymous" --exclude-path /api/v1/auth/register --exclude-path /api/v1/auth/login \
    --report junit --report-junit-path "$reports/anonymous.xml" || status=$?
if grep -Eq '(^| )(error|critical|internal error)' "$reports/serve.log"; then
    echo "server log has errors (see $reports/serve.log):"
    grep -E '(^| )(error|critical)' "$reports/serve.log" | head -20
fi
exit "$status"
