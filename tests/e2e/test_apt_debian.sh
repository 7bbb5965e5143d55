#!/usr/bin/env bash
# The APT client against the real Debian archive: a temporary root with a
# sources file for bookworm + bookworm-security main (mirror URLs read from
# the host's apt configuration, never written here) and Debian's archive
# keyring as its only trust anchor. Both InRelease files must verify, main
# must parse to tens of thousands of packages, and a second run must be
# served from the cache (304, no Packages download).
#
# usage: test_apt_debian.sh COPA WORKDIR
set -euo pipefail
copa=$1
work=$2
shopt -s nullglob
files=(/etc/apt/sources.list.d/*.sources)
[ ${#files[@]} -gt 0 ] || { echo "SKIP: no /etc/apt/sources.list.d/*.sources on this host"; exit 77; }
[ -f /usr/share/keyrings/debian-archive-keyring.gpg ] || { echo "SKIP: no debian-archive-keyring"; exit 77; }
uris=$(awk '/^URIs:/ {for (i = 2; i <= NF; i++) print $i}' "${files[@]}")
security=$(grep -m1 security <<<"$uris" || true)
base=$(grep -v security <<<"$uris" | head -1 || true)
[ -n "$base" ] && [ -n "$security" ] || { echo "SKIP: no base and security URIs on this host"; exit 77; }

rm -rf "$work"
root=$work/root
mkdir -p "$root/etc/apt/sources.list.d" "$root/usr/share/keyrings"
cp /usr/share/keyrings/debian-archive-keyring.gpg "$root/usr/share/keyrings/"
cat >"$root/etc/apt/sources.list.d/debian.sources" <<EOT
Types: deb
URIs: $base
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOT

check() { # json-file pass-number
    python3 - "$1" "$2" "${validated:-}" <<'PY'
import json, sys
j = json.load(open(sys.argv[1])); second = sys.argv[2] == "2"
validated = sys.argv[3].split()
assert len(j["sources"]) == 2, j
base, sec = j["sources"]
for s in j["sources"]:
    assert len(s["verified_by"]) == 40 and not s["trusted"] and not s["insecure"], s
    assert s["date"], s
    if second:
        # Packages always come from the cache; the Release is revalidated
        # (304) when the server gave validators (some proxies strip them).
        assert s["indexes_downloaded"] == 0, s
        assert s["release_from_cache"] or s["uri"] not in validated, s
    print("%s %s: verified by %s, %s, %d packages" % (s["uri"], s["suite"], s["verified_by"], s["date"], s["package_count"]))
assert base["package_count"] > 30000, base
assert sec["package_count"] > 100, sec
PY
}
start=$(date +%s.%N)
"$copa" sources "$root" --arch amd64 --json --cache-dir "$work/cache" >"$work/first.json"
mid=$(date +%s.%N)
check "$work/first.json" 1
# URIs whose InRelease came with an ETag or Last-Modified
validated=$(python3 - "$work/first.json" "$work/cache" <<'PY'
import hashlib, json, sys
for s in json.load(open(sys.argv[1]))["sources"]:
    p = sys.argv[2] + "/apt/lists/" + hashlib.sha256(s["release_url"].encode()).hexdigest()
    head = open(p, "rb").read().split(b"\n\n", 1)[0]
    if b"\netag: " in head or b"\nlast-modified: " in head:
        print(s["uri"])
PY
)
echo "revalidated by the server: ${validated:-none (no ETag/Last-Modified received)}"
"$copa" sources "$root" --arch amd64 --json --cache-dir "$work/cache" >"$work/second.json"
end=$(date +%s.%N)
check "$work/second.json" 2
# gpgv agrees on both InRelease files (the cached copies).
for f in "$work"/cache/apt/lists/*; do
    sed '1,/^$/d' "$f" >"$work/InRelease"
    gpgv --keyring /usr/share/keyrings/debian-archive-keyring.gpg "$work/InRelease" 2>/dev/null ||
        { echo "FAIL: gpgv rejects $f"; exit 1; }
done
awk -v a="$start" -v b="$mid" -v c="$end" 'BEGIN { printf "first run %.2f s, cached run %.2f s\n", b - a, c - b }'
echo "ok"
