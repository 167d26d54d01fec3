#!/usr/bin/env bash
# Runs the Periscope demo on a fresh machine: installs missing system packages, builds release,
# starts `periscope demo` (gateway on :8080, admin on 127.0.0.1:9901, demo backends and traffic).
#
#   Scripts/demo.sh [periscope demo options, e.g. --no-traffic]
set -euo pipefail
cd "$(dirname "$0")/.."

Scripts/install-system-deps.sh --for demo
command -v swift >/dev/null 2>&1 || { echo "demo: Swift 6.x is required (https://www.swift.org/install/)" >&2; exit 1; }
swift build -c release --product periscope
exec .build/release/periscope demo "$@"
