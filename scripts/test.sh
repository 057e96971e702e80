#!/usr/bin/env bash
# The one test command: builds the binary (end-to-end tests drive it) and runs every Swift Testing suite,
# transcripts included.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build
swift test --no-parallel "$@"
