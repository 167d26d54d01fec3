#!/usr/bin/env bash
# What does tracing every request cost? CPU per proxied request with tracing off and with 100 % sampling and OTLP
# export, measured in interleaved pairs by Scripts/bench-proxy.sh (so that a drift of the machine's speed hits both
# sides alike), with the medians and the difference.
#
#   Scripts/bench-tracing-cost.sh [PAIRS]
#
#   PAIRS=7            pairs of runs (odd, so the median is one run)
#   DURATION=6         seconds of each measured wrk run
#   PIN=1              proxy on CPU 1, wrk and the upstream on CPU 0 (see bench-proxy.sh); PIN=0 lets them float
#   SINK_CPU=0         the OTLP sink on the load side's CPU (a collector elsewhere); 1 puts it on the proxy's
#   OFF_CONFIG, ON_CONFIG
#                      the two periscope configs (default Config/examples/single-upstream.yaml and
#                      Benchmarks/proxy-tracing.yaml: ratio 1, spans exported to an OTLP sink that bench-proxy.sh starts)
#
# Needs a release build (swift build -c release --product periscope). A benchmark, not a test.
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$script_dir/.."

pairs=${1:-${PAIRS:-7}}
case "$pairs" in '' | *[!0-9]* | 0) echo "bench-tracing-cost: PAIRS must be a positive integer" >&2 && exit 2 ;; esac
export DURATION=${DURATION:-6}
export PIN=${PIN:-1}
export SINK_CPU=${SINK_CPU:-0}
off_config=${OFF_CONFIG:-Config/examples/single-upstream.yaml}
on_config=${ON_CONFIG:-Benchmarks/proxy-tracing.yaml}

# One measured run: prints "CPU-µs-per-request req/s other-threads-µs-per-request spans-dropped".
run() {
    local output row other dropped
    output=$(PERISCOPE_CONFIG=$1 Scripts/bench-proxy.sh --only periscope 2>/dev/null) ||
        { echo "bench-tracing-cost: bench-proxy.sh failed for $1" >&2 && exit 1; }
    row=$(grep '^| periscope ' <<<"$output") || { echo "bench-tracing-cost: no periscope row for $1" >&2 && exit 1; }
    other=$(sed -n 's/^periscope threads: .*other threads \([0-9.]*\) µs\/req.*$/\1/p' <<<"$output")
    dropped=$(sed -n 's/^periscope spans: .*dropped \([0-9]*\)$/\1/p' <<<"$output")
    [ -n "$other" ] || { echo "bench-tracing-cost: bench-proxy.sh printed no per-thread CPU for $1" >&2 && exit 1; }
    awk -F'|' -v other="$other" -v dropped="${dropped:-0}" \
        '{ gsub(/ /, "", $3); gsub(/ /, "", $6); print $6, $3, other, dropped }' <<<"$row"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

offs=()
ons=()
differences=()
exporters=()
echo "| pair | off µs/req | off req/s | 100 % sampled µs/req | req/s | difference | of which other threads (exporter) | spans dropped |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
for pair in $(seq 1 "$pairs"); do
    read -r off off_rate _ _ < <(run "$off_config")
    read -r on on_rate exporter dropped < <(run "$on_config")
    offs+=("$off")
    ons+=("$on")
    differences+=("$(awk -v a="$on" -v b="$off" 'BEGIN { printf "%.1f", a - b }')")
    exporters+=("$exporter")
    echo "| $pair | $off | $off_rate | $on | $on_rate | ${differences[-1]} | $exporter | $dropped |"
done
off_median=$(printf '%s\n' "${offs[@]}" | median)
on_median=$(printf '%s\n' "${ons[@]}" | median)
difference_median=$(printf '%s\n' "${differences[@]}" | median)
exporter_median=$(printf '%s\n' "${exporters[@]}" | median)
echo "| median | $off_median | | $on_median | | $difference_median | $exporter_median | |"
awk -v off="$off_median" -v on="$on_median" -v diff="$difference_median" -v exporter="$exporter_median" \
    'BEGIN { printf "\n100 %% sampling: %+.1f µs per request (%+.1f %%) between the medians, %+.1f µs (%+.1f %%) the median of the pairs\x27 differences; the threads besides the event loop (the span exporter) %.2f µs per request (%.1f %%). PIN=%s, SINK_CPU=%s, DURATION=%s s\n", on - off, (on - off) / off * 100, diff, diff / off * 100, exporter, exporter / off * 100, ENVIRON["PIN"], ENVIRON["SINK_CPU"], ENVIRON["DURATION"] }'
