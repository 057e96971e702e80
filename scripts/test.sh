#!/usr/bin/env bash
# The one test command: builds the binary (end-to-end tests drive it) and runs every Swift Testing suite,
# transcripts included. Tests wait on events (Changes, Gate), not on sleeps; the run stays serial until the suites
# still tied to real time (rate-limit windows, pty Ctrl-C timing) pass in parallel on a loaded machine.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build
swift test --no-parallel "$@"
