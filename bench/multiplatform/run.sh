#!/usr/bin/env bash
# Benchmark: patch a two-platform Debian 12 index (linux/amd64 + linux/arm64,
# base suite only, so updates are pending on both; built by
# tests/e2e/support/make_multiarch_image.sh) registry -> registry, side by
# side in one run; writes bench/results/multiplatform.md. Run by hand.
#   (a) copa patch --push: every platform natively in one run (no QEMU),
#       cold and warm copa cache;
#   (b) the daemon route per platform: podman pull --platform, podman run
#       --platform ... apt-get update && apt-get install --only-upgrade
#       <copa's plan for that platform> (arm64 through QEMU user emulation,
#       binfmt_misc), podman commit, podman push; then podman manifest
#       create/add/push for the index.
# Wall time, CPU time and peak RSS from /usr/bin/time -v.
#
# usage: bench/multiplatform/run.sh [WORKDIR]   (default /tmp/copa-bench-multi)
set -euo pipefail
cd "$(dirname "$0")/../.."
src=$PWD
build=build-bench
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DCOPA_BUILD_EXAMPLES=OFF >/dev/null
cmake --build "$build" --target copa -j2 >/dev/null
copa=$src/$build/cli/copa
out=$src/bench/results/multiplatform.md
work=${1:-/tmp/copa-bench-multi}
mkdir -p "$work"
work=$(cd "$work" && pwd)
for tool in docker-registry skopeo curl python3 jq podman runc /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "run.sh: $tool is required" >&2; exit 1; }
done
layout=$(tests/e2e/support/make_multiarch_image.sh)

# --- registry
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
reg=127.0.0.1:$port
rm -rf "$work/reg"
mkdir -p "$work/reg"
cat >"$work/reg/config.yml" <<YAML
version: 0.1
log: {level: warn}
storage: {filesystem: {rootdirectory: $work/reg/data}, delete: {enabled: true}}
http: {addr: $reg}
YAML
docker-registry serve "$work/reg/config.yml" >"$work/reg/log" 2>&1 &
regpid=$!
trap 'kill $regpid 2>/dev/null; wait $regpid 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -s -o /dev/null "http://$reg/v2/" && break; sleep 0.1; done
skopeo copy -q --all --dest-tls-verify=false "oci:$layout:index" "docker://$reg/multi:base"

timed() { # NAME CMD...
    local name=$1
    shift
    /usr/bin/time -v -o "$work/$name.time" "$@" >"$work/$name.out" 2>"$work/$name.err"
}
wall() {
    awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s }' "$work/$1.time"
}
rss() { awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$work/$1.time"; }
cpu() { awk -F': ' '/(User|System) time/ { s += $2 } END { printf "%.2f", s }' "$work/$1.time"; }
rows=()
row() { rows+=("| $1 | $2 | $3 | $4 |"); } # what wall cpu rss

# --- (a) copa: both platforms, cold and warm
cache=$work/copa-cache
rm -rf "$cache"
for run in cold warm; do
    timed "copa-$run" "$copa" patch -i "$reg/multi:base" --push --insecure-registry "$reg" \
        -t "copa-$run" --cache-dir "$cache" --progress quiet
    row "(a) copa patch --push, both platforms, $run cache" "$(wall "copa-$run")" \
        "$(cpu "copa-$run")" "$(rss "copa-$run")"
done
grep -E '^  linux/' "$work/copa-cold.out" >"$work/copa-platforms.txt" || true

# The plan per platform, for the podman route's apt-get command.
plan_of() { # ARCH
    "$copa" patch -i "$reg/multi:base" --insecure-registry "$reg" --platform "linux/$1" \
        --dry-run --json --progress quiet --cache-dir "$cache" |
        python3 -c 'import json,sys; print(" ".join(p["name"] for p in json.load(sys.stdin)["packages"]))'
}

# --- (b) podman, per platform (arm64 through QEMU), then the index
P=(podman --runtime runc)
"${P[@]}" rmi -a -f >/dev/null 2>&1 || true
t0=$(date +%s.%N)
status=ok
for arch in amd64 arm64; do
    pkgs=$(plan_of "$arch")
    "${P[@]}" rm -f "copa-bench-$arch" >/dev/null 2>&1 || true
    if timed "podman-pull-$arch" "${P[@]}" pull --platform "linux/$arch" --tls-verify=false "$reg/multi:base" &&
        timed "podman-run-$arch" "${P[@]}" run --platform "linux/$arch" --name "copa-bench-$arch" \
            --network host --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 "$reg/multi:base" \
            sh -c "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --only-upgrade $pkgs" &&
        timed "podman-commit-$arch" "${P[@]}" commit "copa-bench-$arch" "$reg/multi:podman-$arch" &&
        timed "podman-push-$arch" "${P[@]}" push --tls-verify=false "$reg/multi:podman-$arch"; then
        for step in pull run commit push; do
            row "(b) podman $step, linux/$arch" "$(wall "podman-$step-$arch")" \
                "$(cpu "podman-$step-$arch") (client)" "$(rss "podman-$step-$arch") (client)"
        done
    else
        status="failed at linux/$arch: $(cat "$work"/podman-*-"$arch".err | tail -n 2 | tr '\n' ' ')"
        break
    fi
done
if [ "$status" = ok ]; then
    "${P[@]}" manifest rm "$reg/multi:podman" >/dev/null 2>&1 || true
    "${P[@]}" manifest create "$reg/multi:podman" >/dev/null &&
        "${P[@]}" manifest add --tls-verify=false "$reg/multi:podman" "docker://$reg/multi:podman-amd64" >/dev/null &&
        "${P[@]}" manifest add --tls-verify=false "$reg/multi:podman" "docker://$reg/multi:podman-arm64" >/dev/null &&
        timed podman-manifest "${P[@]}" manifest push --tls-verify=false "$reg/multi:podman" "docker://$reg/multi:podman" ||
        status="manifest push failed"
fi
total=$(python3 -c "import time; print('%.2f' % (time.time() - $t0))")
[ "$status" = ok ] && row "(b) podman total (both platforms + index)" "$total" "see steps" "see steps"

cold=$(wall copa-cold)
warm=$(wall copa-warm)
{
    echo "# Two-platform patch: copa vs the podman route with QEMU"
    echo
    echo "Generated by \`bench/multiplatform/run.sh\` on $(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m) host."
    echo "Image: Debian 12 base suite, linux/amd64 + linux/arm64 index ($(jq '.manifests | length' <(skopeo inspect --raw --tls-verify=false "docker://$reg/multi:base")) entries), registry on loopback."
    echo
    echo "| what | wall s | CPU s | peak RSS MB |"
    echo "|---|---|---|---|"
    printf '%s\n' "${rows[@]}"
    echo
    if [ "$status" = ok ]; then
        echo "Ratios: podman route / copa = $(python3 -c "print('%.1f' % ($total / $cold))")x cold, $(python3 -c "print('%.1f' % ($total / $warm))")x warm."
    else
        echo "The podman route did not complete: $status"
    fi
    echo
    echo "copa's per-platform outcome (cold run):"
    echo
    sed 's/^/    /' "$work/copa-platforms.txt"
} >"$out"
cat "$out"
