#!/usr/bin/env bash
# Benchmark: parse a generated 50 MB Trivy report with `copa report` and
# record wall time and peak memory (/usr/bin/time -v) next to two baselines
# measured in the same run: reading the file (cat) and parsing it with
# Python's json module.
#
# usage: bench/report_parse/run.sh [BUILD_DIR] [SIZE_MB]
# Writes bench/results/report_parse.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build-bench}
size=${2:-50}
copa=$build/cli/copa
if [ ! -x "$copa" ]; then
    cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCOPA_BUILD_TESTS=OFF \
        -DCOPA_BUILD_EXAMPLES=OFF >/dev/null
    cmake --build "$build" -j2 >/dev/null
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
report=$work/trivy-${size}mb.json
python3 "$root/bench/report_parse/generate.py" "$report" "$size" >/dev/null
bytes=$(stat -c %s "$report")

# measure NAME CMD...: best wall time and its peak RSS over 3 runs.
measure() {
    local name=$1 best_s="" best_kb="" i
    shift
    for i in 1 2 3; do
        /usr/bin/time -v -o "$work/time" "$@" >/dev/null
        local s kb
        s=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,t,":"); v=0; for(i=1;i<=n;i++) v=v*60+t[i]; print v}' "$work/time")
        kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time")
        if [ -z "$best_s" ] || awk -v a="$s" -v b="$best_s" 'BEGIN{exit !(a<b)}'; then
            best_s=$s best_kb=$kb
        fi
    done
    awk -v n="$name" -v s="$best_s" -v kb="$best_kb" -v b="$bytes" \
        'BEGIN { printf "| %s | %.2f | %.1f | %.2f |\n", n, s, kb / 1024, kb * 1024 / b }'
}

{
    echo "# Report parsing benchmark"
    echo
    echo "Generated Trivy report: $((bytes / 1024 / 1024)) MB ($bytes bytes)," \
        "$(grep -c '"VulnerabilityID"' "$report") vulnerabilities."
    echo "Machine: $(nproc) CPUs, $(uname -m), $(date -u +%Y-%m-%d)." \
        "Best of 3 runs; peak RSS from /usr/bin/time -v."
    echo
    echo "| command | wall s | peak RSS MB | peak RSS / file size |"
    echo "|---|---|---|---|"
    measure "cat (read the file)" cat "$report"
    measure "python3 json.load" python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$report"
    measure "copa report (table)" "$copa" report "$report"
    measure "copa report --json" "$copa" report --json "$report"
} >"$root/bench/results/report_parse.md"
cat "$root/bench/results/report_parse.md"
