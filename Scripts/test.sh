#!/usr/bin/env bash
# Runs every test: installs what the tests need, then `swift test` (unit and integration tests;
# the integration tests start the real `periscope` binary and real upstream servers on loopback).
#
#   Scripts/test.sh [extra swift test arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

Scripts/install-system-deps.sh --for test
Scripts/otlp-venv.sh
command -v swift >/dev/null 2>&1 || { echo "test: Swift 6.x is required (https://www.swift.org/install/)" >&2; exit 1; }
swift build --build-tests
swift test --skip-build "$@"
