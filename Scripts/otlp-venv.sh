#!/usr/bin/env bash
# Creates the Python virtualenv the OTLP tests decode with: the official `opentelemetry-proto` package from PyPI,
# an implementation independent of Periscope's encoder. Idempotent; `python3-venv` comes from
# `Scripts/install-system-deps.sh --for test`.
#
#   Scripts/otlp-venv.sh [venv directory, default .venv-otlp]
set -euo pipefail
cd "$(dirname "$0")/.."

venv="${1:-.venv-otlp}"
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import opentelemetry.proto.collector.trace.v1.trace_service_pb2' 2>/dev/null; then
    exit 0
fi
command -v python3 >/dev/null 2>&1 || { echo "otlp-venv: python3 is required" >&2; exit 1; }
python3 -m venv "$venv" || {
    echo "otlp-venv: could not create $venv; install python3-venv (Scripts/install-system-deps.sh --for test)" >&2
    exit 1
}
"$venv/bin/pip" install --quiet --disable-pip-version-check 'opentelemetry-proto>=1.27,<2'
"$venv/bin/python" -c 'import opentelemetry.proto.collector.metrics.v1.metrics_service_pb2' || {
    echo "otlp-venv: opentelemetry-proto did not install into $venv" >&2
    exit 1
}
echo "otlp-venv: $venv ready"
