#!/usr/bin/env bash
# Build the libFuzzer targets with clang and run each one for a bounded time,
# starting from its committed seed corpus (fuzz/corpus/<name>/). New inputs
# found during the run go to a scratch copy, never into the repository.
#
# usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
shift || true
build=build-fuzz

CC=clang CXX=clang++ cmake -S . -B "$build" -DCOPA_FUZZ=ON -DCOPA_BUILD_TESTS=OFF \
    -DCOPA_BUILD_EXAMPLES=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    for source in fuzz/fuzz_*.c; do
        [ -e "$source" ] || continue
        name=$(basename "$source" .c)
        targets+=("${name#fuzz_}")
    done
fi

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# The parsers where hostile input did harm before (image archives, layers,
# .deb files, apt indexes: docs/security.md) get twice the time.
seconds_for() {
    case $1 in
    archive | layer | deb_file | packages | release) echo $((seconds * 2)) ;;
    *) echo "$seconds" ;;
    esac
}

# run_target NAME: fuzz one target from a scratch copy of its seed corpus;
# on a finding print the tail of its log and the reproducer path.
run_target() {
    local name=$1 corpus=$scratch/$1 time
    time=$(seconds_for "$1")
    mkdir -p "$corpus"
    if [ -d "fuzz/corpus/$name" ]; then
        cp -r "fuzz/corpus/$name/." "$corpus/"
    fi
    if ! (cd "$scratch" && "$OLDPWD/$build/fuzz/fuzz_$name" -max_total_time="$time" \
        -timeout=10 -rss_limit_mb=2048 -print_final_stats=0 -artifact_prefix="$scratch/$name-" \
        "$corpus" >"$scratch/$name.log" 2>&1); then
        tail -n 60 "$scratch/$name.log" >&2
        mkdir -p fuzz/findings
        cp "$scratch/$name"-crash-* "$scratch/$name"-leak-* "$scratch/$name"-timeout-* \
            "$scratch/$name"-oom-* fuzz/findings/ 2>/dev/null || true
        echo "fuzz: $name FAILED (reproducer in fuzz/findings/)" >&2
        return 1
    fi
    echo "fuzz: $name ${time}s: $(grep -E '^#[0-9]+.*DONE' "$scratch/$name.log" | tail -n 1)"
}

# Targets run in parallel, one per core, so the whole run takes about
# targets x seconds / cores.
failed=0
running=0
for name in "${targets[@]}"; do
    run_target "$name" &
    running=$((running + 1))
    if [ "$running" -ge "$(nproc)" ]; then
        wait -n || failed=1
        running=$((running - 1))
    fi
done
while [ "$running" -gt 0 ]; do
    wait -n || failed=1
    running=$((running - 1))
done
if [ "$failed" -ne 0 ]; then
    exit 1
fi
echo "fuzz: ${#targets[@]} targets ran ${seconds}s each (archive, layer, deb_file, packages, release twice that) without a finding"
