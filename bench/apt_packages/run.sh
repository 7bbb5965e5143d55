#!/usr/bin/env bash
# Benchmark: parse the full Debian 12 main Packages index with lib/repo
# (tests/e2e/apt_dump) and with reference readers in the same run, and write
# bench/results/apt_packages.md.
#
# Input: the host's /var/lib/apt/lists/*_main_binary-*_Packages* of the base
# suite (apt-get update fetched it), or else Packages.xz downloaded from the
# mirror named in /etc/apt/sources.list.d/*.sources (read at run time).
#
# usage: bench/apt_packages/run.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-5}
build=build-bench
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DCOPA_BUILD_EXAMPLES=OFF >/dev/null
cmake --build "$build" --target apt_dump -j2 >/dev/null
dump=$build/tests/e2e/apt_dump

source_file=$(ls -S /var/lib/apt/lists/*_main_binary-*_Packages* 2>/dev/null | head -n1 || true)
if [ -n "$source_file" ]; then
    case $source_file in
    *.lz4) lz4cat "$source_file" >"$tmp/Packages" ;;
    *.gz) zcat "$source_file" >"$tmp/Packages" ;;
    *.xz) xzcat "$source_file" >"$tmp/Packages" ;;
    *) cp "$source_file" "$tmp/Packages" ;;
    esac
    origin="host list $(basename "$source_file")"
else
    uri=$(grep -h '^URIs:' /etc/apt/sources.list.d/*.sources | grep -v security | head -n1 | awk '{print $2}')
    suite=$(. /etc/os-release && echo "$VERSION_CODENAME")
    curl -fsSL "$uri/dists/$suite/main/binary-amd64/Packages.xz" -o "$tmp/Packages.xz"
    xzcat "$tmp/Packages.xz" >"$tmp/Packages"
    origin="downloaded Packages.xz of $suite/main"
fi
gzip -6 -c "$tmp/Packages" >"$tmp/Packages.gz"
xz -T2 -3 -c "$tmp/Packages" >"$tmp/Packages.xz"
arch=$(dpkg --print-architecture)

# Median of RUNS by CPU time: wall seconds, CPU seconds (user+sys) and
# peak RSS (KiB) via /usr/bin/time. CPU time is the fairer number on a
# shared machine; wall time includes waiting for a core.
measure() {
    local i
    for i in $(seq "$runs"); do
        /usr/bin/time -f '%e %U %S %M' -o "$tmp/time" "$@" >"$tmp/out" 2>/dev/null
        awk '{ printf "%.2f %s %s\n", $2 + $3, $1, $4 }' "$tmp/time"
    done | sort -n | awk -v n="$runs" 'NR == int((n + 1) / 2) { print $2, $1, $3 }'
}

cat >"$tmp/tagfile.py" <<'PY'
import sys, apt_pkg
n = 0
with apt_pkg.TagFile(sys.argv[1]) as tf:
    for s in tf:
        if s.get("Architecture") in (sys.argv[2], "all"):
            (s["Package"], s["Version"], s.get("Depends"), s.get("SHA256"))
            n += 1
print(n)
PY

rows=()
row() { # label, command...
    local label=$1
    shift
    read -r wall cpu rss < <(measure "$@")
    rows+=("| $label | $cpu | $wall | $((rss / 1024)) | $(head -c 40 "$tmp/out" | tr '\n' ' ') |")
}
row "copa lib/repo, plain text ($arch+all)" "$dump" count "$tmp/Packages" "$arch"
row "copa lib/repo, .gz streamed ($arch+all)" "$dump" count "$tmp/Packages.gz" "$arch"
row "copa lib/repo, .xz streamed ($arch+all)" "$dump" count "$tmp/Packages.xz" "$arch"
row "grep -c '^Package:'" grep -c '^Package:' "$tmp/Packages"
if command -v grep-dctrl >/dev/null; then
    row "grep-dctrl -s Package,Version,Architecture" grep-dctrl -n -s Package,Version,Architecture -FPackage -r . "$tmp/Packages"
fi
if /usr/bin/python3 -c 'import apt_pkg' 2>/dev/null; then
    row "python3-apt apt_pkg.TagFile (4 fields)" /usr/bin/python3 "$tmp/tagfile.py" "$tmp/Packages" "$arch"
fi
row "zcat (decompression alone)" zcat "$tmp/Packages.gz"
row "xzcat (decompression alone)" xzcat "$tmp/Packages.xz"

{
    echo "# Benchmark: parsing the Debian 12 main Packages index"
    echo
    echo "Recorded by \`bench/apt_packages/run.sh\` on $(date -u +%Y-%m-%d) ($(nproc) CPUs, $(uname -m))."
    echo "Input: $origin, $(stat -c %s "$tmp/Packages") bytes uncompressed,"
    echo "$(grep -c '^Package:' "$tmp/Packages") stanzas; .gz/.xz made from it for the streamed runs."
    echo "Median of $runs runs (by CPU time) from /usr/bin/time, including process start:"
    echo "CPU = user+sys seconds, wall = elapsed seconds (the machine is shared, so wall"
    echo "includes waiting for a core), peak RSS. For plain text copa mmaps the file, so its"
    echo "RSS counts the 48 MiB of file pages it touched."
    echo "The copa rows include reading the file, decompression (streamed through libarchive),"
    echo "parsing every stanza and building the name index; its own parse timer is the"
    echo "second number of the output column."
    echo
    echo "| reader | CPU s | wall s | peak RSS (MiB) | output |"
    echo "|---|---|---|---|---|"
    printf '%s\n' "${rows[@]}"
} >bench/results/apt_packages.md
cat bench/results/apt_packages.md
