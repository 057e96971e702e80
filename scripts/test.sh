#!/usr/bin/env bash
# The one test command: builds the binary (end-to-end tests drive it) and runs every Swift Testing suite,
# transcripts included, in parallel. Tests wait on events (Changes, Gate), never on sleeps or wall-clock windows,
# so a loaded machine makes the run slower, not red.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build
swift test "$@"
