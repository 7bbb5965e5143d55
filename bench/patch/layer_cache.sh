#!/usr/bin/env bash
# Benchmark: the per-layer index cache (docs/layers.md). Patches the image of
# bench/patch/run.sh (Debian 12 minbase from the base suite, so security
# updates are pending) registry -> registry (--push) with every other cache
# warm (blobs, indexes, .debs), three ways interleaved round by round in the
# same time window, so a shared or drifting machine weighs on all alike:
#   before  copa built from BEFORE (default: the commit before the cache)
#   off     this copa with COPA_NO_LAYER_CACHE=1
#   on      this copa, layer index cache warm
# and the same three as --dry-run (open, read, detect, sources, resolve only).
# Writes bench/results/layer-cache.md. Run by hand; not part of the test suite.
#
# usage: bench/patch/layer_cache.sh [WORKDIR] [BEFORE] [ROUNDS]
#   (WORKDIR default /tmp/copa-bench-layer-cache; the image is built once
#   there with tests/e2e/support/make_debian_image.sh; ROUNDS default 5)
set -euo pipefail
cd "$(dirname "$0")/../.."
src=$PWD
work=${1:-/tmp/copa-bench-layer-cache}
# the commit before lib/layercache was added
before=${2:-$(git rev-parse "$(git log --diff-filter=A --format=%H -- lib/layercache/layer_cache.c | tail -1)~1")}
rounds=${3:-5}
mkdir -p "$work"
work=$(cd "$work" && pwd)
for tool in docker-registry skopeo curl python3 umoci mmdebstrap /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "layer_cache.sh: $tool is required" >&2; exit 1; }
done
out=$src/bench/results/layer-cache.md

# --- the two builds (Release, copa only)
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DCOPA_BUILD_EXAMPLES=OFF >/dev/null
cmake --build build-bench --target copa -j2 >/dev/null
b=$work/before-$(git rev-parse --short "$before")
if [ ! -x "$b/build/cli/copa" ]; then
    rm -rf "$b"
    mkdir -p "$b/src"
    git archive "$before" | tar -x -C "$b/src"
    cmake -S "$b/src" -B "$b/build" -DCMAKE_BUILD_TYPE=Release -DCOPA_BUILD_EXAMPLES=OFF >/dev/null
    cmake --build "$b/build" --target copa -j2 >/dev/null
fi
declare -A bin=([before]=$b/build/cli/copa [off]=$src/build-bench/cli/copa
    [on]=$src/build-bench/cli/copa)

# --- the image (cached) in a loopback registry
if [ ! -f "$work/layout/index.json" ]; then
    tests/e2e/support/make_debian_image.sh "$work/layout" base >"$work/image.log" 2>&1
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
reg=127.0.0.1:$port
rm -rf "$work/reg"
mkdir -p "$work/reg"
cat >"$work/reg/config.yml" <<YAML
version: 0.1
log: {level: info, formatter: json}
storage: {filesystem: {rootdirectory: $work/reg/data}, delete: {enabled: true}}
http: {addr: $reg}
YAML
docker-registry serve "$work/reg/config.yml" >"$work/reg/log" 2>&1 &
regpid=$!
trap 'kill $regpid 2>/dev/null; wait $regpid 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -s -o /dev/null "http://$reg/v2/" && break; sleep 0.1; done
skopeo copy -q --dest-tls-verify=false "oci:$work/layout:base" "docker://$reg/x:base"

# copa VARIANT NAME [options]: one timed run; NAME.time/.out/.err
copa() {
    local variant=$1 name=$2
    shift 2
    local env=(env -u COPA_NO_LAYER_CACHE COPA_CACHE_DIR="$work/cache-$variant")
    [ "$variant" = off ] && env+=(COPA_NO_LAYER_CACHE=1)
    "${env[@]}" /usr/bin/time -v -o "$work/$name.time" "${bin[$variant]}" patch \
        -i "$reg/x:base" --insecure-registry "$reg" --progress plain --debug "$@" \
        >"$work/$name.out" 2>"$work/$name.err"
}
wall() { awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s }' "$work/$1.time"; }
cpu() { awk -F': ' '/(User|System) time/ { s += $2 } END { printf "%.2f", s }' "$work/$1.time"; }
rss() { awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$work/$1.time"; }
read_s() { sed -n 's/^read: done in \([0-9.]*\) s.*/\1/p' "$work/$1.err"; }

# Warm every cache of every variant: one push and one dry run each.
for v in before off on; do
    rm -rf "$work/cache-$v"
    copa "$v" "warmup-$v" --push -t "warmup-$v"
    copa "$v" "warmup-dry-$v" --dry-run --json
done
cmp -s "$work/warmup-dry-before.out" "$work/warmup-dry-on.out" ||
    { echo "layer_cache.sh: the plans of before and on differ" >&2; exit 1; }
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
for r in $(seq "$rounds"); do
    for v in before off on; do
        copa "$v" "push-$v-$r" --push -t "$v-$r"
        copa "$v" "dry-$v-$r" --dry-run --json
    done
done
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
# The patch layer is the same with and without the cache.
layer_of() { skopeo inspect --tls-verify=false "docker://$reg/x:$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Layers"][-1])'; }
layers=$(for v in before off on; do layer_of "$v-1"; done | sort -u | wc -l)

# median [min–max] of a column over the rounds
stat() { # kind variant fn
    local kind=$1 v=$2 fn=$3 r
    for r in $(seq "$rounds"); do "$fn" "$kind-$v-$r"; echo; done | python3 -c '
import statistics, sys
x = sorted(float(l) for l in sys.stdin if l.strip())
print("%.2f [%.2f–%.2f]" % (statistics.median(x), x[0], x[-1]))'
}
pkgs=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["packages"]))' "$work/warmup-dry-on.out")
base_layers=$(skopeo inspect --tls-verify=false --format '{{len .Layers}}' "docker://$reg/x:base")
hits=$(grep -o '[0-9]* of [0-9]* layers from the layer index cache' "$work/push-on-1.err" || echo "none reported")
{
    echo "# The per-layer index cache: warm copa before and after"
    echo
    echo "Generated by \`bench/patch/layer_cache.sh\` on $(date -u +%Y-%m-%d) ($(nproc) CPUs, $(uname -r));"
    echo "before = copa $(git rev-parse --short "$before"), after = copa $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- lib cli || echo ' + uncommitted changes'), Release builds."
    echo "Image: Debian 12 minbase from the base suite (mmdebstrap), $base_layers layer(s), in docker-registry on loopback;"
    echo "$pkgs package(s) in the plan. Every other cache (blobs, indexes, .debs) warm in every variant;"
    echo "the variants ran interleaved, round by round, $rounds rounds, in the same time window."
    echo "Load average (1/5/15 min) at the start $load_start, at the end $load_end: the machine"
    echo "(2 cores) was shared with other jobs during the run, so absolute times are noisy;"
    echo "compare the columns of one table, not with other files."
    echo
    echo "Patch layers of the three variants (round 1): $layers distinct digest(s) (1 = identical)."
    echo "Warm run with the cache: $hits."
    echo
    echo "Median [min–max] over the rounds:"
    echo
    echo "| run | variant | wall s | CPU s | read stage s | peak RSS MB |"
    echo "|---|---|---|---|---|---|"
    for kind in push dry; do
        for v in before off on; do
            case $v in before) what="before (no layer cache)" ;; off) what="after, COPA_NO_LAYER_CACHE=1" ;; on) what="after, layer cache warm" ;; esac
            label="--push registry → registry"
            [ "$kind" = dry ] && label="--dry-run"
            echo "| $label | $what | $(stat "$kind" "$v" wall) | $(stat "$kind" "$v" cpu) | $(stat "$kind" "$v" read_s) | $(stat "$kind" "$v" rss) |"
        done
    done
} >"$out"
cat "$out"
