#!/usr/bin/env bash
# Installs the Debian packages that Periscope's scripts need, and only those that are missing.
#
#   Scripts/install-system-deps.sh [--for demo|test|bench]
#
#   Every purpose gets the build's needs: curl, ca-certificates, libprotobuf-c-dev (OTLP encoding).
#   demo   the build's needs only (default)
#   test   plus what the test suite drives: procps, prometheus (promtool), prometheus-alertmanager,
#          protobuf-c-compiler (Scripts/generate-otlp.sh), python3-venv (the OTLP decoder's venv)
#   bench  plus what Scripts/bench-proxy.sh drives: nginx, wrk, procps
#
# Idempotent: every package is checked with dpkg first; `apt-get update` runs at most once and only
# when something is missing. Services that a package would start (nginx on port 80, prometheus,
# alertmanager, haproxy) are kept from starting during the install and stopped if they started anyway.
set -euo pipefail

usage() {
    sed -n '2,13s/^# \{0,1\}//p' "$0"
}

purpose=demo
while [ $# -gt 0 ]; do
    case "$1" in
        --for)
            [ $# -ge 2 ] || { echo "install-system-deps: --for needs a value" >&2; exit 2; }
            purpose="$2"
            shift 2
            ;;
        --for=*)
            purpose="${1#--for=}"
            shift
            ;;
        -h | --help)
            usage
            exit 0
            ;;
        *)
            echo "install-system-deps: unknown argument: $1" >&2
            usage >&2
            exit 2
            ;;
    esac
done

base=(curl ca-certificates libprotobuf-c-dev)
case "$purpose" in
    demo) wanted=("${base[@]}") ;;
    test)
        wanted=("${base[@]}" procps prometheus prometheus-alertmanager protobuf-c-compiler python3-venv)
        ;;
    bench) wanted=("${base[@]}" nginx wrk procps) ;;
    *)
        echo "install-system-deps: --for must be demo, test or bench (got '$purpose')" >&2
        exit 2
        ;;
esac

# Packages that run a daemon once installed; stopped again if this run installed them.
services=(nginx haproxy prometheus prometheus-alertmanager)

is_installed() {
    dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed$'
}

# Any of Debian's nginx flavours satisfies "nginx" or "nginx-light": only the binary matters here.
nginx_installed() {
    local flavour
    for flavour in nginx nginx-light nginx-core nginx-full nginx-extras; do
        if is_installed "$flavour"; then
            return 0
        fi
    done
    return 1
}

missing=()
for pkg in "${wanted[@]}"; do
    case "$pkg" in
        nginx | nginx-light)
            nginx_installed || missing+=("$pkg")
            ;;
        *)
            is_installed "$pkg" || missing+=("$pkg")
            ;;
    esac
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "install-system-deps ($purpose): all present: ${wanted[*]}"
    exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        sudo_cmd=(sudo)
    else
        echo "install-system-deps: missing packages (${missing[*]}), and this is neither root nor has sudo." >&2
        echo "install-system-deps: install them as root: apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
fi

run_root() {
    "${sudo_cmd[@]}" "$@"
}

# Keep packages from starting their daemons during the install (the Debian way: a policy-rc.d
# that answers 101). Only if the machine has none already; ours is removed on exit.
policy=/usr/sbin/policy-rc.d
own_policy=0
cleanup() {
    if [ "$own_policy" -eq 1 ]; then
        run_root rm -f "$policy" || true
    fi
}
trap cleanup EXIT
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# temporary, from Periscope Scripts/install-system-deps.sh\nexit 101\n' |
        run_root tee "$policy" >/dev/null
    run_root chmod 0755 "$policy"
    own_policy=1
fi

export DEBIAN_FRONTEND=noninteractive
apt_opts=(-o DPkg::Lock::Timeout=300 -o Dpkg::Use-Pty=0)

echo "install-system-deps ($purpose): apt-get update (missing: ${missing[*]})"
run_root env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" update -qq

# nginx-light is not in every Debian release; fall back to nginx where it is not.
to_install=()
for pkg in "${missing[@]}"; do
    if [ "$pkg" = nginx-light ] && ! apt-cache show nginx-light >/dev/null 2>&1; then
        pkg=nginx
    fi
    to_install+=("$pkg")
done

echo "install-system-deps ($purpose): installing: ${to_install[*]}"
run_root env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install -y -qq \
    --no-install-recommends "${to_install[@]}"

# If a freshly installed package started its daemon anyway (no policy-rc.d honoured), stop it:
# a system nginx on port 80 or a prometheus on 9090 must not linger.
for svc in "${services[@]}"; do
    installed_now=0
    for pkg in "${to_install[@]}"; do
        case "$pkg" in
            "$svc" | "$svc"-*) installed_now=1 ;;
        esac
    done
    [ "$installed_now" -eq 1 ] || continue
    if command -v service >/dev/null 2>&1; then
        run_root service "$svc" stop >/dev/null 2>&1 || true
    fi
    if command -v update-rc.d >/dev/null 2>&1; then
        run_root update-rc.d "$svc" disable >/dev/null 2>&1 || true
    fi
done

echo "install-system-deps ($purpose): installed: ${to_install[*]}"
