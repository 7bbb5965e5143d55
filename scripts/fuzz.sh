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
for name in "${targets[@]}"; do
    corpus=$scratch/$name
    mkdir -p "$corpus"
    if [ -d "fuzz/corpus/$name" ]; then
        cp -r "fuzz/corpus/$name/." "$corpus/"
    fi
    echo "fuzz: $name for ${seconds}s ($(find "$corpus" -type f | wc -l) seeds)"
    "$build/fuzz/fuzz_$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=0 "$corpus" >"$scratch/$name.log" 2>&1 || {
        tail -n 60 "$scratch/$name.log" >&2
        echo "fuzz: $name FAILED" >&2
        exit 1
    }
    grep -E '^#[0-9]+.*DONE' "$scratch/$name.log" | tail -n 1 || true
done
echo "fuzz: ${#targets[@]} targets ran ${seconds}s each without a finding"
