#!/usr/bin/env bash
# Peer comparison: what does one proxied request cost in Periscope, next to nginx, in one run?
#
#   Scripts/bench-proxy.sh [--only direct,nginx,periscope]
#
# Starts, on loopback and on free ports, an upstream nginx worker answering `return 200` (a 20-byte
# body), nginx as a keep-alive proxy in front of it, and periscope in front of it (one worker or
# event loop each), then loads each target with wrk and reports req/s, p50, p99 and the CPU
# microseconds per request of the proxy process (utime+stime from /proc/PID/stat), as a ratio to
# nginx's. Method: shared/reference/performance.md. This is a benchmark, not a test.
#
# With a periscope config that exports OTLP to 127.0.0.1:4318, an nginx that answers every POST with 200 stands
# in for the collector (when PIN=1 on the load side's CPU 0, as a collector on another core or host would be, or
# with SINK_CPU=1 on the proxy's; its CPU is reported, not counted as periscope's).
#
# Options and environment:
#   --only LIST          comma list of targets: direct, nginx, periscope (default: all three)
#   DURATION=8           seconds of the measured wrk run (after a 2 s warm-up, WARMUP=2)
#   CONNECTIONS=64       wrk connections (wrk runs one thread)
#   PERISCOPE_BIN        periscope binary (default .build/release/periscope, relative to the repo)
#   PERISCOPE_CONFIG     config template (default Config/examples/single-upstream.yaml)
#   PIN=1                pin the proxy under test (nginx proxy or periscope, with all its threads) to CPU 1
#                        and wrk and the upstream to CPU 0 (taskset; needs 2 CPUs), so that the proxy's cost
#                        is measured on a core of its own instead of one the load generator also runs on
#   SINK_CPU=0           with PIN=1, the OTLP sink's CPU: 0 (with wrk and the upstream: the proxy's core runs only the
#                        proxy, as with a collector elsewhere) or 1 (sharing the proxy's core: its wake-ups then
#                        preempt the proxy and show in the proxy's CPU per request)
#   RATE=N               offer about N requests/s instead of as many as the proxy takes: each connection waits
#                        CONNECTIONS×1000/N ms (whole ms, wrk's Lua delay()) after each response. Below the
#                        proxy's capacity both sides idle between requests, so a change that makes the proxy
#                        slower no longer also changes how many requests each wake-up handles (which at
#                        saturation moves the CPU per request too). Check the req/s column: it must be the same
#                        for the runs compared.
#
# Prints a Markdown table and writes it to bench-results/proxy-YYYYmmdd-HHMMSS.md.
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$script_dir/.." && pwd)
cd "$repo_root"

usage() {
    sed -n '2,25s/^# \{0,1\}//p' "$0"
}

log() {
    echo "bench: $*" >&2
}

die() {
    echo "bench: error: $*" >&2
    exit 1
}

only="direct,nginx,periscope"
while [ $# -gt 0 ]; do
    case "$1" in
        --only)
            [ $# -ge 2 ] || die "--only needs a value"
            only="$2"
            shift 2
            ;;
        --only=*)
            only="${1#--only=}"
            shift
            ;;
        -h | --help)
            usage
            exit 0
            ;;
        *)
            usage >&2
            die "unknown argument: $1"
            ;;
    esac
done

DURATION=${DURATION:-8}
WARMUP=${WARMUP:-2}
CONNECTIONS=${CONNECTIONS:-64}
PERISCOPE_BIN=${PERISCOPE_BIN:-.build/release/periscope}
PERISCOPE_CONFIG=${PERISCOPE_CONFIG:-Config/examples/single-upstream.yaml}
PIN=${PIN:-0}
SINK_CPU=${SINK_CPU:-0}
RATE=${RATE:-}
wrk_script=()
# Command prefixes placing the load side and the proxy under test (empty unless PIN=1).
pin_load=()
pin_proxy=()
if [ "$PIN" = 1 ]; then
    command -v taskset >/dev/null 2>&1 || die "PIN=1 needs taskset (apt-get install -y util-linux)"
    [ "$(nproc)" -ge 2 ] || die "PIN=1 needs 2 CPUs (this machine has $(nproc))"
    pin_load=(taskset -c 0)
    pin_proxy=(taskset -c 1)
fi
case "$SINK_CPU" in
    0) pin_sink=("${pin_load[@]}") ;;
    1) pin_sink=("${pin_proxy[@]}") ;;
    *) die "SINK_CPU must be 0 or 1 (got '$SINK_CPU')" ;;
esac
for var in DURATION WARMUP CONNECTIONS; do
    case "${!var}" in
        '' | *[!0-9]* | 0) die "$var must be a positive integer (got '${!var}')" ;;
    esac
done

run_direct=0
run_nginx=0
run_periscope=0
IFS=',' read -r -a only_items <<<"$only"
for item in "${only_items[@]}"; do
    case "$item" in
        direct) run_direct=1 ;;
        nginx) run_nginx=1 ;;
        periscope) run_periscope=1 ;;
        '') ;;
        *) die "--only takes direct, nginx, periscope (got '$item')" ;;
    esac
done
[ $((run_direct + run_nginx + run_periscope)) -gt 0 ] || die "--only selected no target"

if [ "$run_periscope" -eq 1 ]; then
    [ -x "$PERISCOPE_BIN" ] ||
        die "periscope binary not found at '$PERISCOPE_BIN' (build it: swift build -c release; or set PERISCOPE_BIN; or use --only direct,nginx)"
    [ -f "$PERISCOPE_CONFIG" ] || die "periscope config template not found: $PERISCOPE_CONFIG"
fi

"$script_dir/install-system-deps.sh" --for bench >&2

nginx_bin=$(command -v nginx || true)
if [ -z "$nginx_bin" ] && [ -x /usr/sbin/nginx ]; then
    nginx_bin=/usr/sbin/nginx
fi
[ -n "$nginx_bin" ] || die "nginx not found after install"
command -v wrk >/dev/null 2>&1 || die "wrk not found after install"
clk_tck=$(getconf CLK_TCK)

work=$(mktemp -d "${TMPDIR:-/tmp}/periscope-bench.XXXXXX")
started_pids=()

if [ -n "$RATE" ]; then
    case "$RATE" in *[!0-9]* | 0) die "RATE must be a positive integer (requests per second)" ;; esac
    delay_ms=$(((CONNECTIONS * 1000 + RATE / 2) / RATE))
    [ "$delay_ms" -ge 1 ] || die "RATE=$RATE is more than $CONNECTIONS connections with a 1 ms delay can offer"
    printf 'function delay()\n    return %d\nend\n' "$delay_ms" >"$work/rate.lua"
    wrk_script=(-s "$work/rate.lua")
    log "RATE=$RATE: each connection waits ${delay_ms} ms after each response"
fi

# Alive and not a zombie.
alive() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    [ "${stat%% *}" != Z ]
}

stop_pid() {
    local pid=$1 i
    kill -TERM "$pid" 2>/dev/null || return 0
    for ((i = 0; i < 100; i++)); do
        alive "$pid" || break
        sleep 0.05
    done
    if alive "$pid"; then
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    local rc=$? pid children
    trap - EXIT INT TERM
    for pid in "${started_pids[@]}"; do
        # nginx workers are children of the master; catch any left behind by a killed master.
        children=$(pgrep -P "$pid" 2>/dev/null || true)
        stop_pid "$pid"
        for child in $children; do
            if alive "$child"; then
                kill -KILL "$child" 2>/dev/null || true
            fi
        done
    done
    rm -rf "$work"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Free loopback ports: bind them all at once to port 0, so they are distinct.
read -r port_upstream port_nginx port_periscope port_admin port_sink < <(
    python3 -c '
import socket
socks = [socket.socket() for _ in range(5)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])
for s in socks:
    s.close()
'
)

# utime + stime ticks in a /proc stat file (a process's, all its threads, or one thread's); fails if it is gone.
# Field 2 may hold spaces and parentheses: parse after the last ')'; there, field 3 (state) is index 0, so fields
# 14 and 15 are 11 and 12.
stat_ticks() {
    local stat fields
    stat=$(cat "$1" 2>/dev/null) || return 1
    stat=${stat##*) }
    read -r -a fields <<<"$stat"
    echo $((fields[11] + fields[12]))
}

# utime + stime ticks of a process (all its threads).
cpu_ticks() {
    stat_ticks "/proc/$1/stat" || die "process $1 is gone"
}

# utime + stime ticks of each thread of a process, one "TID TICKS" line per thread.
thread_ticks() {
    local task ticks
    for task in /proc/"$1"/task/*; do
        ticks=$(stat_ticks "$task/stat") || continue
        echo "${task##*/} $ticks"
    done
}

show_log() {
    if [ -f "$1" ]; then
        log "---- last lines of $1 ----"
        tail -n 30 "$1" >&2 || true
    fi
}

# Poll URL until it answers 200, while PID lives, for at most TIMEOUT seconds.
wait_ready() {
    local name=$1 url=$2 pid=$3 logfile=$4 timeout=$5 code deadline
    deadline=$((SECONDS + timeout))
    while :; do
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$url" || true)
        [ "$code" = 200 ] && return 0
        if ! alive "$pid"; then
            show_log "$logfile"
            die "$name exited before it was ready ($url)"
        fi
        if [ "$SECONDS" -ge "$deadline" ]; then
            show_log "$logfile"
            die "$name not ready after ${timeout}s ($url last answered '$code')"
        fi
        sleep 0.05
    done
}

# The one worker of an nginx master.
nginx_worker() {
    local master=$1 workers
    workers=$(pgrep -P "$master" || true)
    [ -n "$workers" ] || die "nginx master $master has no worker"
    [ "$(wc -w <<<"$workers")" -eq 1 ] || die "nginx master $master has several children: $workers"
    echo "$workers"
}

nginx_common_conf() {
    local dir=$1
    cat <<EOF
worker_processes 1;
daemon off;
master_process on;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events {
    worker_connections 4096;
}
EOF
}

# Shared http{} settings: temp paths in the private dir (Debian's defaults point into /var/lib),
# no access log, and keep-alive connections that are not recycled every 1000 requests (wrk and the
# proxies keep theirs open for the whole run; periscope does not recycle either).
nginx_http_common() {
    local dir=$1
    cat <<EOF
    access_log off;
    client_body_temp_path $dir/temp/client_body;
    proxy_temp_path $dir/temp/proxy;
    fastcgi_temp_path $dir/temp/fastcgi;
    uwsgi_temp_path $dir/temp/uwsgi;
    scgi_temp_path $dir/temp/scgi;
    keepalive_requests 1000000;
    keepalive_timeout 75s;
EOF
}

started_pid=""
start_nginx() {
    local name=$1 dir=$2
    shift 2
    # Remaining arguments: a command prefix (a taskset) to start it under.
    "$nginx_bin" -t -q -p "$dir/" -c "$dir/nginx.conf" -e "$dir/error.log" >"$dir/check.log" 2>&1 || {
        show_log "$dir/check.log"
        die "nginx config for $name is invalid"
    }
    "$@" "$nginx_bin" -p "$dir/" -c "$dir/nginx.conf" -e "$dir/error.log" >"$dir/stdout.log" 2>&1 &
    started_pid=$!
    started_pids+=("$started_pid")
}

# ---- upstream: nginx, return 200 ---------------------------------------------------------------
up_dir=$work/upstream
mkdir -p "$up_dir/temp"
{
    nginx_common_conf "$up_dir"
    echo "http {"
    nginx_http_common "$up_dir"
    cat <<EOF
    server {
        listen 127.0.0.1:$port_upstream;
        location / {
            default_type text/plain;
            return 200 "hello from upstream\n";
        }
    }
}
EOF
} >"$up_dir/nginx.conf"
start_nginx upstream "$up_dir" "${pin_load[@]}"
upstream_master=$started_pid
wait_ready "upstream nginx" "http://127.0.0.1:$port_upstream/" "$upstream_master" "$up_dir/error.log" 15
upstream_worker=$(nginx_worker "$upstream_master")
log "upstream nginx on 127.0.0.1:$port_upstream (master $upstream_master, worker $upstream_worker)"

# ---- OTLP sink: nginx, 200 for every POST ------------------------------------------------------
# Started when the periscope config exports to 127.0.0.1:4318 (rewritten to a free port): it stands in for a
# collector. Pinned (SINK_CPU) to the load side's CPU by default, like a collector on another core or host: on the
# proxy's CPU its wake-ups preempt the proxy, which then pays for the refilled caches. Its own CPU is never counted
# as periscope's.
sink_master=""
sink_worker=""
if [ "$run_periscope" -eq 1 ] && grep -qF '127.0.0.1:4318' "$PERISCOPE_CONFIG"; then
    sink_dir=$work/otlp-sink
    mkdir -p "$sink_dir/temp"
    {
        nginx_common_conf "$sink_dir"
        echo "http {"
        nginx_http_common "$sink_dir"
        cat <<EOF
    client_max_body_size 0;
    server {
        listen 127.0.0.1:$port_sink;
        location / {
            default_type application/x-protobuf;
            return 200 "";
        }
    }
}
EOF
    } >"$sink_dir/nginx.conf"
    start_nginx otlp-sink "$sink_dir" "${pin_sink[@]}"
    sink_master=$started_pid
    wait_ready "OTLP sink nginx" "http://127.0.0.1:$port_sink/" "$sink_master" "$sink_dir/error.log" 15
    sink_worker=$(nginx_worker "$sink_master")
    log "OTLP sink nginx on 127.0.0.1:$port_sink (master $sink_master, worker $sink_worker)"
fi

# ---- nginx as proxy ----------------------------------------------------------------------------
nginx_worker_pid=""
if [ "$run_nginx" -eq 1 ]; then
    px_dir=$work/nginx-proxy
    mkdir -p "$px_dir/temp"
    {
        nginx_common_conf "$px_dir"
        echo "http {"
        nginx_http_common "$px_dir"
        cat <<EOF
    upstream bench_upstream {
        server 127.0.0.1:$port_upstream;
        keepalive 128;
        keepalive_requests 1000000;
    }
    server {
        listen 127.0.0.1:$port_nginx;
        location / {
            proxy_pass http://bench_upstream;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }
    }
}
EOF
    } >"$px_dir/nginx.conf"
    start_nginx "nginx proxy" "$px_dir" "${pin_proxy[@]}"
    nginx_master=$started_pid
    wait_ready "nginx proxy" "http://127.0.0.1:$port_nginx/" "$nginx_master" "$px_dir/error.log" 15
    nginx_worker_pid=$(nginx_worker "$nginx_master")
    log "nginx proxy on 127.0.0.1:$port_nginx (master $nginx_master, worker $nginx_worker_pid)"
fi

# ---- periscope ---------------------------------------------------------------------------------
periscope_pid=""
if [ "$run_periscope" -eq 1 ]; then
    for known in '0.0.0.0:8080' '127.0.0.1:9901' '127.0.0.1:9001'; do
        grep -qF "$known" "$PERISCOPE_CONFIG" ||
            die "$PERISCOPE_CONFIG no longer contains '$known' (listener 0.0.0.0:8080, admin 127.0.0.1:9901, endpoint 127.0.0.1:9001 are rewritten to free ports)"
    done
    periscope_config=$work/periscope.yaml
    sed -e "s/0\.0\.0\.0:8080/127.0.0.1:$port_periscope/g" \
        -e "s/127\.0\.0\.1:9901/127.0.0.1:$port_admin/g" \
        -e "s/127\.0\.0\.1:9001/127.0.0.1:$port_upstream/g" \
        -e "s/127\.0\.0\.1:4318/127.0.0.1:$port_sink/g" \
        "$PERISCOPE_CONFIG" >"$periscope_config"
    PERISCOPE_THREADS=1 "${pin_proxy[@]}" "$PERISCOPE_BIN" run --config "$periscope_config" >"$work/periscope.log" 2>&1 &
    periscope_pid=$!
    started_pids+=("$periscope_pid")
    wait_ready periscope "http://127.0.0.1:$port_admin/readyz" "$periscope_pid" "$work/periscope.log" 60
    wait_ready "periscope proxy path" "http://127.0.0.1:$port_periscope/" "$periscope_pid" "$work/periscope.log" 15
    log "periscope on 127.0.0.1:$port_periscope, admin 127.0.0.1:$port_admin (pid $periscope_pid, PERISCOPE_THREADS=1)"
fi

# ---- load --------------------------------------------------------------------------------------
# wrk output to a file; fails loudly on socket errors or non-2xx/3xx responses.
check_wrk_errors() {
    local name=$1 out=$2 sock non2xx
    sock=$(grep -E '^[[:space:]]*Socket errors:' "$out" || true)
    non2xx=$(grep -E '^[[:space:]]*Non-2xx or 3xx responses:' "$out" || true)
    if [ -n "$sock" ] || [ -n "$non2xx" ]; then
        log "---- wrk output for $name ----"
        cat "$out" >&2
        die "$name: wrk saw errors:${sock:+ $sock}${non2xx:+ $non2xx}"
    fi
}

# wrk prints latencies as 812.00us, 1.23ms, 1.02s or 1.50m: to milliseconds.
to_ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
        if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
        else if (u != "ms") { print "?"; exit }
        printf "%.2f ms", n
    }'
}

per_request_us() {
    awk -v t="$1" -v hz="$clk_tck" -v r="$2" 'BEGIN { printf "%.1f", t * (1e6 / hz) / r }'
}

rows=()
raw_outputs=()
periscope_threads=""
periscope_spans=""
nginx_cpu=""

# Runs one target: NAME URL PID [UPSTREAM_PID]; appends a row (name|rps|p50|p99|cpu|upstream cpu).
measure() {
    local name=$1 url=$2 pid=$3 up_pid=${4:-} out body before after up_before=0 up_after=0
    local requests rps p50 p99 cpu up_cpu="—" threads_before threads_after sink_before=0 sink_after=0

    body=$(curl -s --max-time 2 "$url") || die "$name: $url does not answer"
    [ "$body" = "hello from upstream" ] || die "$name: unexpected body from $url: '$body'"

    log "$name: warm-up ${WARMUP}s, $CONNECTIONS connections"
    out=$work/wrk-$name-warmup.txt
    "${pin_load[@]}" wrk -t1 -c"$CONNECTIONS" -d"${WARMUP}s" "${wrk_script[@]}" "$url" >"$out" 2>&1 || { cat "$out" >&2; die "$name: wrk failed"; }
    check_wrk_errors "$name warm-up" "$out"

    log "$name: measured run ${DURATION}s"
    out=$work/wrk-$name.txt
    before=$(cpu_ticks "$pid")
    threads_before=$(thread_ticks "$pid")
    [ -z "$sink_worker" ] || sink_before=$(cpu_ticks "$sink_worker")
    [ -z "$up_pid" ] || up_before=$(cpu_ticks "$up_pid")
    "${pin_load[@]}" wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "${wrk_script[@]}" "$url" >"$out" 2>&1 || { cat "$out" >&2; die "$name: wrk failed"; }
    after=$(cpu_ticks "$pid")
    threads_after=$(thread_ticks "$pid")
    [ -z "$sink_worker" ] || sink_after=$(cpu_ticks "$sink_worker")
    [ -z "$up_pid" ] || up_after=$(cpu_ticks "$up_pid")
    check_wrk_errors "$name" "$out"

    requests=$(awk '/ requests in / { print $1; exit }' "$out")
    rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2; exit }' "$out")
    p50=$(awk '$1 == "50%" { print $2; exit }' "$out")
    p99=$(awk '$1 == "99%" { print $2; exit }' "$out")
    if [ -z "$requests" ] || [ -z "$rps" ] || [ -z "$p50" ] || [ -z "$p99" ] || [ "$requests" -eq 0 ]; then
        cat "$out" >&2
        die "$name: could not read wrk's output"
    fi
    cpu=$(per_request_us $((after - before)) "$requests")
    if [ -n "$up_pid" ]; then
        up_cpu=$(per_request_us $((up_after - up_before)) "$requests")
    fi
    log "$name: $rps req/s, $requests requests, $((after - before)) ticks → $cpu µs/req (upstream $up_cpu)"
    rows+=("$name|$rps|$(to_ms "$p50")|$(to_ms "$p99")|$cpu|$up_cpu")
    raw_outputs+=("$out")
    if [ "$name" = nginx ]; then
        nginx_cpu=$cpu
    fi
    if [ "$name" = periscope ]; then
        # The busiest thread is the event loop (PERISCOPE_THREADS=1); the others are the span exporter's, the
        # admin server's and NIO's own.
        periscope_threads=$(awk -v hz="$clk_tck" -v r="$requests" '
            NR == FNR { before[$1] = $2; next }
            { d = $2 - before[$1]; total += d; if (d > busiest) busiest = d }
            END { printf "event loop %.1f µs/req, other threads %.2f µs/req", busiest * 1e6 / hz / r, (total - busiest) * 1e6 / hz / r }
        ' <(echo "$threads_before") <(echo "$threads_after"))
        if [ -n "$sink_worker" ]; then
            periscope_threads="$periscope_threads (OTLP sink $(per_request_us $((sink_after - sink_before)) "$requests") µs/req, not counted)"
        fi
        # With tracing on: what became of the spans (a cost measured while spans are dropped is not the cost of
        # exporting them).
        periscope_spans=$(curl -s --max-time 2 "http://127.0.0.1:$port_admin/metrics" | awk '
            /^periscope_spans_recorded_total / { recorded += $2 }
            /^periscope_spans_dropped_total/ { dropped += $2 }
            /^periscope_otlp_items_dropped_total\{signal="traces"/ { dropped += $2 }
            /^periscope_otlp_items_exported_total\{signal="traces"/ { exported += $2 }
            END { if (recorded > 0) printf "recorded %d, exported %d, dropped %d", recorded, exported, dropped }')
    fi
}

if [ "$run_direct" -eq 1 ]; then
    measure direct "http://127.0.0.1:$port_upstream/" "$upstream_worker"
fi
if [ "$run_nginx" -eq 1 ]; then
    measure nginx "http://127.0.0.1:$port_nginx/" "$nginx_worker_pid" "$upstream_worker"
fi
if [ "$run_periscope" -eq 1 ]; then
    measure periscope "http://127.0.0.1:$port_periscope/" "$periscope_pid" "$upstream_worker"
fi

# ---- report ------------------------------------------------------------------------------------
table() {
    local row name rps p50 p99 cpu up_cpu ratio
    echo "| target | req/s | p50 | p99 | CPU µs/req | ratio to nginx | upstream CPU µs/req |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    for row in "${rows[@]}"; do
        IFS='|' read -r name rps p50 p99 cpu up_cpu <<<"$row"
        if [ -n "$nginx_cpu" ]; then
            ratio=$(awk -v a="$cpu" -v b="$nginx_cpu" 'BEGIN { printf "%.2f×", a / b }')
        else
            ratio="n/a"
        fi
        echo "| $name | $rps | $p50 | $p99 | $cpu | $ratio | $up_cpu |"
    done
}

describe() {
    echo "- when: $(date -u +%Y-%m-%dT%H:%M:%SZ), host: $(nproc) cores, $(uname -sr)"
    echo "- load: wrk -t1 -c$CONNECTIONS -d${DURATION}s --latency after a ${WARMUP}s warm-up, loopback, keep-alive, 20-byte body"
    if [ "$PIN" = 1 ]; then echo "- pinned (PIN=1): the proxy under test on CPU 1, wrk and the upstream on CPU 0$([ -n "$sink_worker" ] && echo ", the OTLP sink on CPU $SINK_CPU")"; fi
    if [ -n "$RATE" ]; then echo "- offered rate (RATE=$RATE): each connection waits ${delay_ms} ms after each response"; fi
    echo "- peers: $("$nginx_bin" -v 2>&1 | sed 's/^nginx version: //'), $(wrk -v 2>&1 | head -n 1 | awk '{ print $1, $2 }'); one worker each, keepalive_requests 1000000"
    if [ "$run_periscope" -eq 1 ]; then
        echo "- periscope: $PERISCOPE_BIN ($(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- Sources Package.swift 2>/dev/null || echo ', dirty')), PERISCOPE_THREADS=1, config from $PERISCOPE_CONFIG"
    fi
    if [ -n "$periscope_threads" ]; then echo "- periscope threads: $periscope_threads"; fi
    if [ -n "$periscope_spans" ]; then echo "- periscope spans (at the end of the run): $periscope_spans"; fi
    echo "- CPU µs/req: utime+stime of the proxy process (nginx: its worker; direct: the upstream worker) × 1e6/CLK_TCK($clk_tck) / requests; ratio to nginx is of CPU µs/req; upstream CPU is the upstream worker's for the same requests"
    echo "- absolute numbers drift ~25 % between runs on these machines; compare ratios within one run"
}

table_text=$(table)
results_dir=$repo_root/bench-results
mkdir -p "$results_dir"
results_file=$results_dir/proxy-$(date +%Y%m%d-%H%M%S).md
{
    echo "# Proxy benchmark"
    echo
    describe
    echo
    echo "$table_text"
    echo
    echo "## Raw wrk output"
    for out in "${raw_outputs[@]}"; do
        echo
        echo "### $(basename "$out" .txt | sed 's/^wrk-//')"
        echo
        echo '```'
        cat "$out"
        echo '```'
    done
} >"$results_file"

echo
echo "$table_text"
echo
if [ -n "$periscope_threads" ]; then echo "periscope threads: $periscope_threads"; fi
if [ -n "$periscope_spans" ]; then echo "periscope spans: $periscope_spans"; fi
log "written to ${results_file#"$repo_root"/}"
