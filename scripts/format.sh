#!/usr/bin/env bash
# Formats the sources in place with the repository's .swift-format, then lints strictly.
set -euo pipefail
cd "$(dirname "$0")/.."
swift format --in-place --recursive Package.swift Sources Tests
swift format lint --strict --recursive Package.swift Sources Tests
