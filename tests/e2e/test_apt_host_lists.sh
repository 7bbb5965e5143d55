#!/usr/bin/env bash
# End-to-end: parse the host's real APT lists (fetched by apt-get update) and
# compare with independent readers of the same files:
#   * grep -c '^Package:' for package counts,
#   * awk for (Package, Version, Architecture, Filename, Size, SHA256),
#   * grep-dctrl (dctrl-tools) for (Package, Version, Architecture) if installed,
#   * apt-cache show for a few packages,
#   * awk over the InRelease SHA256 table and header fields.
# Exits 77 (skipped) when there are no lists.
#
# usage: test_apt_host_lists.sh APT_DUMP
set -euo pipefail
dump=$1
lists=${COPA_APT_LISTS:-/var/lib/apt/lists}
shopt -s nullglob
packages=("$lists"/*_Packages "$lists"/*_Packages.lz4 "$lists"/*_Packages.gz "$lists"/*_Packages.xz)
inreleases=("$lists"/*_InRelease)
if [ ${#packages[@]} -eq 0 ]; then
    echo "no Packages lists under $lists: skipped"
    exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

decompress() {
    case $1 in
    *.lz4) lz4cat "$1" ;;
    *.gz) zcat "$1" ;;
    *.xz) xzcat "$1" ;;
    *) cat "$1" ;;
    esac
}

# Reference extraction with awk: one line per stanza, fields in our order.
awk_fields() {
    awk -v want_arch="${2:-}" '
        function flush() {
            if (pkg != "" && (want_arch == "" || arch == want_arch || arch == "all"))
                print pkg, ver, arch, (fn == "" ? "-" : fn), (size == "" ? 0 : size), (sha == "" ? "-" : tolower(sha))
            pkg = ver = arch = fn = size = sha = ""
        }
        /^[ \t]*$/ { flush(); next }
        /^Package:/ { pkg = $2 } /^Version:/ { ver = $2 } /^Architecture:/ { arch = $2 }
        /^Filename:/ { fn = $2 } /^Size:/ { size = $2 } /^SHA256:/ { sha = $2 }
        END { flush() }' "$1"
}

checked=0
for file in "${packages[@]}"; do
    name=$(basename "$file")
    decompress "$file" >"$tmp/plain"
    expected=$(grep -c '^Package:' "$tmp/plain" || true)
    "$dump" packages "$file" >"$tmp/ours" || fail "$name: apt_dump failed"
    got=$(wc -l <"$tmp/ours")
    [ "$got" -eq "$expected" ] || fail "$name: $got packages parsed, grep -c says $expected"

    awk_fields "$tmp/plain" | sort >"$tmp/awk"
    sort "$tmp/ours" >"$tmp/ours.sorted"
    diff -q "$tmp/awk" "$tmp/ours.sorted" >/dev/null ||
        { diff "$tmp/awk" "$tmp/ours.sorted" | head -20; fail "$name: differs from awk"; }

    # Architecture filter: the host's architecture plus "all".
    arch=$(dpkg --print-architecture 2>/dev/null || echo amd64)
    "$dump" packages "$file" "$arch" | sort >"$tmp/ours.arch"
    awk_fields "$tmp/plain" "$arch" | sort >"$tmp/awk.arch"
    diff -q "$tmp/awk.arch" "$tmp/ours.arch" >/dev/null || fail "$name: arch filter differs from awk"

    if command -v grep-dctrl >/dev/null; then
        grep-dctrl -n -s Package,Version,Architecture -FPackage -r . "$tmp/plain" |
            awk 'NF' | paste -d' ' - - - | sort >"$tmp/dctrl"
        cut -d' ' -f1-3 "$tmp/ours" | sort >"$tmp/ours.pva"
        diff -q "$tmp/dctrl" "$tmp/ours.pva" >/dev/null || fail "$name: differs from grep-dctrl"
    fi
    echo "ok: $name: $got packages ($(wc -l <"$tmp/ours.arch") for $arch+all), same as grep/awk"
    checked=$((checked + 1))
done

# apt-cache reads the same lists: a few packages' SHA256 must be among its answers.
if command -v apt-cache >/dev/null; then
    for pkg in bash libc6 dpkg tzdata; do
        ours=$(for f in "${packages[@]}"; do "$dump" packages "$f"; done | awk -v p="$pkg" '$1 == p { print $6 }')
        [ -n "$ours" ] || continue
        shown=$(apt-cache show "$pkg" 2>/dev/null || true)
        for sha in $ours; do
            grep -qx "SHA256: $sha" <<<"$shown" ||
                fail "apt-cache show $pkg has no SHA256 $sha"
        done
        echo "ok: apt-cache show $pkg agrees"
    done
fi

for file in "${inreleases[@]}"; do
    name=$(basename "$file")
    "$dump" release "$file" >"$tmp/rel" || fail "$name: apt_dump release failed"
    for field in Origin Label Suite Codename; do
        want=$(grep -m1 "^$field:" "$file" | sed "s/^$field: *//" || true)
        got=$(grep -m1 "^$field:" "$tmp/rel" | sed "s/^$field: *//")
        [ "$want" = "$got" ] || fail "$name: $field is '$got', file says '$want'"
    done
    awk '/^SHA256:/ { t = 1; next } /^[^ ]/ { t = 0 } t && NF == 3 { print $3, $2, $1 }' "$file" >"$tmp/rel.awk"
    grep -E '^[^ :]+ [0-9]+ [0-9a-f]{64}$' "$tmp/rel" >"$tmp/rel.ours" || true
    diff -q "$tmp/rel.awk" "$tmp/rel.ours" >/dev/null || fail "$name: SHA256 table differs from awk"
    vu=$(grep -m1 '^Valid-Until:' "$file" | sed 's/^Valid-Until: *//' || true)
    if [ -n "$vu" ]; then
        [ "$(date -u -d "$vu" +%s)" = "$(sed -n 's/^Valid-Until: //p' "$tmp/rel")" ] ||
            fail "$name: Valid-Until differs from date(1)"
    fi
    echo "ok: $name: $(wc -l <"$tmp/rel.ours") SHA256 entries, fields and dates as in the file"
    checked=$((checked + 1))
done
echo "e2e apt host lists: $checked files checked"
