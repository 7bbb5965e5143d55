#!/usr/bin/env bash
# Hostile repository metadata that is correctly signed but must still be
# refused (or, for by-hash, survived), as apt refuses or survives it:
#
#   rollback        an older, still valid InRelease after copa saw a newer one
#   suite_swap      a genuine Release of another suite served at this suite's URL
#   future_date     a Release whose Date is beyond apt's 10 s clock-skew margin
#   origin_change   a known repository whose Origin (or Label) changed
#   by_hash_missing Acquire-By-Hash: yes but the by-hash file is missing (404):
#                   the plain path is used, still checked against the Release
#
# Repositories are built with dpkg-deb + apt-ftparchive, signed with a
# throwaway Ed25519 key, served on loopback by tests/integration/apt/server.py
# and read through `copa sources`.
#
# usage: run.sh COPA WORKDIR CASE
set -uo pipefail
copa=$1
work=$2
case=$3
here=$(cd "$(dirname "$0")" && pwd)
apt_dir=$here/../../integration/apt
for tool in dpkg-deb apt-ftparchive gpg python3 xz; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
done
rm -rf "$work"
mkdir -p "$work/www" "$work/debs"
work=$(cd "$work" && pwd)
export GNUPGHOME=$work/gnupg
mkdir -m 700 "$GNUPGHOME"

g() { gpg --batch --quiet --no-tty --pinentry-mode loopback --passphrase '' "$@"; }
g --quick-gen-key "hostile <hostile@copa.test>" ed25519 sign 0 || exit 1
fpr=$(g --list-keys --with-colons hostile@copa.test | awk -F: '/^fpr/ {print $10; exit}')
g --export "$fpr" >"$work/key.gpg"

d=$work/debs/hello-copa
mkdir -p "$d/DEBIAN"
printf 'Package: hello-copa\nVersion: 1.0\nArchitecture: amd64\nMaintainer: Copa Test <t@copa.test>\nDescription: copa test package\n' \
    >"$d/DEBIAN/control"
dpkg-deb --root-owner-group -Zxz --build "$d" "$work/debs/hello-copa_1.0_amd64.deb" >/dev/null || exit 1

# make_repo DIR SUITE CODENAME ORIGIN DATE: dists/SUITE/main/binary-amd64 and
# a signed InRelease whose Date is DATE (any `date -d` text); leaves Release.
make_repo() {
    local r=$work/www/$1 suite=$2 codename=$3 origin=$4 when=$5
    mkdir -p "$r/pool/main" "$r/dists/$suite/main/binary-amd64"
    cp "$work/debs/hello-copa_1.0_amd64.deb" "$r/pool/main/"
    (
        cd "$r" || exit 1
        apt-ftparchive --arch amd64 packages pool/main >"dists/$suite/main/binary-amd64/Packages"
        xz -kf "dists/$suite/main/binary-amd64/Packages"
        apt-ftparchive -o APT::FTPArchive::Release::Suite="$suite" \
            -o APT::FTPArchive::Release::Codename="$codename" \
            -o APT::FTPArchive::Release::Origin="$origin" \
            -o APT::FTPArchive::Release::Label="$origin" \
            -o APT::FTPArchive::Release::Architectures=amd64 \
            -o APT::FTPArchive::Release::Components=main \
            release "dists/$suite" >"$work/Release.new" || exit 1
        sed -i "s/^Date: .*/Date: $(LC_ALL=C date -u -d "$when" '+%a, %d %b %Y %H:%M:%S UTC')/" "$work/Release.new"
        mv "$work/Release.new" "dists/$suite/Release"
    ) || exit 1
    sign "$r/dists/$suite"
}
sign() { rm -f "$1/InRelease"; g -u "$fpr!" --clearsign -o "$1/InRelease" "$1/Release" || exit 1; }

python3 "$apt_dir/server.py" "$work/www" "$work/port" "$work/requests.log" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.05; done
base=http://127.0.0.1:$(cat "$work/port")

root=$work/root
mkdir -p "$root/etc/apt/trusted.gpg.d"
cp "$work/key.gpg" "$root/etc/apt/trusted.gpg.d/hostile.gpg"
cache=$work/cache

failures=0 total=0
ok() { echo "ok   $1"; }
fail() { echo "FAIL $1: $2"; failures=$((failures + 1)); }
# sources LINE: the image's only apt source
sources() { echo "$1" >"$root/etc/apt/sources.list"; }
# run NAME: copa sources on the root; sets rc, out, err
run() {
    total=$((total + 1))
    "$copa" sources "$root" --arch amd64 --json --cache-dir "$cache" >"$work/$1.out" 2>"$work/$1.err"
    rc=$?
    out=$(cat "$work/$1.out")
    err=$(cat "$work/$1.err")
}
expect_ok() { # name
    if [ "$rc" -ne 0 ]; then fail "$1" "exit $rc: $err"; return 1; fi
    ok "$1"
}
expect_fail() { # name code substring...
    local n=$1 code=$2 s
    shift 2
    if [ "$rc" -ne "$code" ]; then fail "$n" "exit $rc, expected $code: $err"; return 1; fi
    for s in "$@"; do
        if [[ "$err" != *"$s"* ]]; then fail "$n" "message lacks '$s': $err"; return 1; fi
    done
    ok "$n: $err"
}
# serve DIR SUITE VARIANT: put a saved InRelease variant in place (fresh mtime, so a new ETag)
save() { cp "$work/www/$1/dists/$2/InRelease" "$work/$1-$2-$3.InRelease"; }
serve() { cp "$work/$1-$2-$3.InRelease" "$work/www/$1/dists/$2/InRelease"; }

case $case in
rollback)
    # Two genuine InRelease files of one repository, a day apart, both valid.
    make_repo repo stable stable copa-test '2 days ago'
    save repo stable old
    make_repo repo stable stable copa-test '1 day ago'
    save repo stable new
    make_repo repo stable stable copa-test '1 hour ago'
    save repo stable newest
    sources "deb $base/repo stable main"
    serve repo stable new
    run first && expect_ok "rollback: the newer Release is accepted and remembered"
    serve repo stable old
    run replay
    expect_fail "rollback: an older Release is refused" 7 "$base/repo stable" "older" \
        "$(LC_ALL=C date -u -d '2 days ago' '+%d %b %Y')" "$(LC_ALL=C date -u -d '1 day ago' '+%d %b %Y')"
    serve repo stable new
    run same && expect_ok "rollback: the same Release again is accepted"
    serve repo stable newest
    run newer && expect_ok "rollback: a newer Release is accepted"
    serve repo stable new
    run replay2
    expect_fail "rollback: the newest Date is what counts" 7 "$base/repo stable" "older"
    # No history, no refusal: a fresh cache accepts the old file.
    serve repo stable old
    cache=$work/cache-fresh
    run fresh && expect_ok "rollback: without history the older Release is accepted"
    ;;
suite_swap)
    # bookworm-updates's genuine Release served where bookworm-security belongs.
    make_repo repo bookworm-updates bookworm-updates copa-test '1 hour ago'
    mkdir -p "$work/www/repo/dists/bookworm-security"
    cp -r "$work/www/repo/dists/bookworm-updates/." "$work/www/repo/dists/bookworm-security/"
    sources "deb $base/repo bookworm-security main"
    run swap
    expect_fail "suite_swap: another suite's Release is refused" 7 "$base/repo bookworm-security" \
        "bookworm-security" "bookworm-updates"
    sources "deb $base/repo bookworm-updates main"
    run own && expect_ok "suite_swap: the suite's own Release is accepted"
    # The suite may be named by Codename or by Suite (apt accepts either).
    make_repo repo stable-updates bookworm-updates copa-test '1 hour ago'
    sources "deb $base/repo stable-updates main"
    run by_suite && expect_ok "suite_swap: Suite matches when Codename does not"
    # A Release that names no distribution at all has nothing to conflict with.
    make_repo repo plain plain copa-test '1 hour ago'
    sed -i '/^Suite: /d; /^Codename: /d' "$work/www/repo/dists/plain/Release"
    sign "$work/www/repo/dists/plain"
    sources "deb $base/repo plain main"
    run unnamed && expect_ok "suite_swap: a Release naming no suite is accepted"
    ;;
future_date)
    make_repo repo stable stable copa-test '1 day'
    sources "deb $base/repo stable main"
    run future
    expect_fail "future_date: a Release dated tomorrow is refused" 7 "$base/repo stable" "future"
    make_repo repo stable stable copa-test '1 minute ago'
    run now && expect_ok "future_date: a Release dated a minute ago is accepted"
    ;;
origin_change)
    make_repo repo stable stable copa-test '1 day ago'
    sources "deb $base/repo stable main"
    run first && expect_ok "origin_change: first sight"
    make_repo repo stable stable copa-evil '1 hour ago'
    run changed
    expect_fail "origin_change: a changed Origin is refused" 7 "$base/repo stable" "Origin" \
        "copa-test" "copa-evil"
    ;;
by_hash_missing)
    make_repo repo stable stable copa-test '1 hour ago'
    rel=$work/www/repo/dists/stable/Release
    sed -i '1a Acquire-By-Hash: yes' "$rel"
    sign "$work/www/repo/dists/stable"
    sources "deb $base/repo stable main"
    : >"$work/requests.log"
    run fallback
    if expect_ok "by_hash_missing: the plain path is used when by-hash is 404"; then
        total=$((total + 1))
        if grep -q 'by-hash/SHA256/.* 404' "$work/requests.log" &&
            grep -q 'GET /repo/dists/stable/main/binary-amd64/Packages.xz 200' "$work/requests.log" &&
            [ "$(python3 -c 'import json,sys; print(json.load(sys.stdin)["package_count"])' <<<"$out")" = 1 ]; then
            ok "by_hash_missing: 404 on by-hash, then the plain Packages.xz, 1 package"
        else
            fail "by_hash_missing" "requests: $(cat "$work/requests.log") out: $out"
        fi
    fi
    # The fallback is checked against the Release as much as by-hash is.
    python3 - "$work/www/repo/dists/stable/main/binary-amd64/Packages.xz" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, 'rb').read())
b[len(b) // 2] ^= 0xff
open(p, 'wb').write(bytes(b))
PY
    cache=$work/cache-tampered
    run tampered
    expect_fail "by_hash_missing: a tampered plain file is still refused" 7 "$base/repo stable" \
        "Packages.xz" "SHA-256" "does not match"
    ;;
*)
    echo "unknown case $case"
    exit 2
    ;;
esac
gpgconf --kill gpg-agent >/dev/null 2>&1 || true
echo "$((total - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
