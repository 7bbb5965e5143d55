#!/usr/bin/env bash
# The APT client against real repositories built by make_repos.sh, served on
# loopback by server.py, through `copa sources`. Each case asserts the exact
# outcome (exit code, the message naming repository/key/reason, the JSON
# fields). Signature cases are judged by gpgv too (as apt judges its output):
# both verdicts must agree.
#
# usage: run.sh COPA WORKDIR
set -uo pipefail
copa=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)
for tool in dpkg-deb apt-ftparchive gpg gpgv python3 xz; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
done
rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd)
"$here/make_repos.sh" "$work" >"$work/make.log" 2>&1 || { cat "$work/make.log"; exit 1; }
keys=$work/keys

python3 "$here/server.py" "$work/www" "$work/port" "$work/requests.log" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.05; done
port=$(cat "$work/port")
base=http://127.0.0.1:$port/repos

failures=0 total=0
ok() { echo "ok   $1"; }
fail() { echo "FAIL $1: $2"; failures=$((failures + 1)); }

# rootfs NAME: a fresh root directory with /etc/apt
rootfs() {
    local r=$work/roots/$1
    rm -rf "$r"
    mkdir -p "$r/etc/apt/sources.list.d" "$r/etc/apt/trusted.gpg.d"
    echo "$r"
}
# run NAME ROOT [copa options]: sets rc, out (stdout), err (stderr)
run() {
    local name=$1 root=$2
    shift 2
    total=$((total + 1))
    "$copa" sources "$root" --arch amd64 --json --cache-dir "${CACHE:-$work/cache/$name}" "$@" \
        >"$work/$name.out" 2>"$work/$name.err"
    rc=$?
    out=$(cat "$work/$name.out")
    err=$(cat "$work/$name.err")
}
# jget EXPR: evaluate a python expression on the JSON output (j = parsed)
jget() { python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print($1)" "$work/$case.out"; }
expect_ok() { # case
    if [ "$rc" -ne 0 ]; then fail "$1" "exit $rc: $err"; return 1; fi
}
expect_fail() { # case exit-code substring...
    local c=$1 code=$2 s
    shift 2
    if [ "$rc" -ne "$code" ]; then fail "$c" "exit $rc, expected $code: $err"; return 1; fi
    for s in "$@"; do
        if [[ "$err" != *"$s"* ]]; then fail "$c" "message lacks '$s': $err"; return 1; fi
    done
    ok "$c: $err"
}
# gpgv's verdict on an InRelease with a keyring, judged as apt judges it.
gpgv_verdict() { # keyring inrelease
    local home status ring=$1
    home=$(mktemp -d)
    # gpgv reads binary keyrings only; apt dearmors .asc anchors the same way.
    if [[ "$ring" == *.asc ]]; then
        gpg --dearmor <"$ring" >"$home/ring.gpg"
        ring=$home/ring.gpg
    fi
    status=$(GNUPGHOME=$home gpgv --keyring "$ring" --status-fd 1 "$2" 2>/dev/null || true)
    rm -rf "$home"
    awk '$2 == "GOODSIG" { good[$3] = 1 }
         $2 == "VALIDSIG" && $10 != 1 && $10 != 2 && $10 != 3 { valid[substr($3, length($3) - 15)] = 1 }
         END { for (k in good) if (k in valid) { print "good"; exit } print "bad" }' <<<"$status"
}
differential() { # case keyring repo
    local theirs ours=bad
    theirs=$(gpgv_verdict "$2" "$work/www/repos/$3/dists/stable/InRelease")
    [ "$rc" -eq 0 ] && ours=good
    total=$((total + 1))
    if [ "$theirs" = "$ours" ]; then ok "$1: gpgv agrees ($ours)"; else fail "$1" "copa=$ours gpgv=$theirs"; fi
}
# Packages of amd64 + all in the repository's main and contrib, counted by grep.
expected_count() {
    cat "$work/www/repos/$1/dists/stable/"{main,contrib}/binary-amd64/Packages | grep -c '^Package:'
}

# --- signatures ---------------------------------------------------------------
sig_case() { # case repo keyfile(in keys/) expect(good|CODE) [message parts]
    local c=$1 repo=$2 key=$3 expect=$4 root
    shift 4
    root=$(rootfs "$c")
    cp "$keys/$key" "$root/etc/apt/trusted.gpg.d/"
    echo "deb $base/$repo stable main contrib" >"$root/etc/apt/sources.list"
    case=$c
    run "$c" "$root"
    if [ "$expect" = good ]; then
        if expect_ok "$c"; then
            local want_fpr=${SIGNER_FPR:-$(cat "$keys/${key%.*}.fpr")} got n want
            got=$(jget 'j["sources"][0]["verified_by"]')
            n=$(jget 'j["sources"][0]["package_count"]')
            want=$(expected_count "$repo")
            if [ "$got" != "$want_fpr" ]; then fail "$c" "verified_by $got, expected $want_fpr"
            elif [ "$n" != "$want" ]; then fail "$c" "package_count $n, expected $want"
            else ok "$c: verified by $got, $n packages"; fi
        fi
    else
        expect_fail "$c" "$expect" "$@"
    fi
    differential "$c" "$keys/$key" "$repo"
}
sig_case good_rsa3072 good rsa3072.gpg good
sig_case good_rsa4096_asc rsa4096 rsa4096.asc good
sig_case good_ed25519 ed25519 ed25519.gpg good
SIGNER_FPR=$(cat "$keys/subkey.sub.fpr") sig_case good_subkey subkey subkey.gpg good
sig_case tampered tampered rsa3072.gpg 7 "$base/tampered stable" "InRelease" "key " "bad signature"
sig_case unknown_key unknown rsa3072.gpg 7 "$base/unknown stable" "InRelease" \
    "$(cut -c25-40 "$keys/unknown.fpr")" "unknown key"
sig_case expired_key expired expired.gpg 7 "$base/expired stable" \
    "$(cut -c25-40 "$keys/expired.fpr")" "expired"
sig_case sha1 sha1 rsa3072.gpg 7 "$base/sha1 stable" "$(cut -c25-40 "$keys/rsa3072.fpr")" "SHA1"

# subkey case: the primary is reported as primary_fingerprint
case=good_subkey
[ "$(jget 'j["sources"][0]["primary_fingerprint"]')" = "$(cat "$keys/subkey.fpr")" ] &&
    ok "good_subkey: primary fingerprint reported" || fail good_subkey "primary fingerprint"

# --- Release and Packages -----------------------------------------------------
root=$(rootfs validuntil)
cp "$keys/rsa3072.gpg" "$root/etc/apt/trusted.gpg.d/"
echo "deb $base/validuntil stable main" >"$root/etc/apt/sources.list"
case=validuntil
run validuntil "$root"
expect_fail validuntil 7 "$base/validuntil stable" "Valid-Until"
run validuntil_insecure "$root" --insecure-ignore-valid-until
case=validuntil_insecure
expect_ok validuntil_insecure && [ "$(jget 'j["sources"][0]["insecure"]')" = True ] &&
    ok "validuntil_insecure: accepted, flagged insecure" || fail validuntil_insecure "not flagged"

root=$(rootfs badxz)
cp "$keys/rsa3072.gpg" "$root/etc/apt/trusted.gpg.d/"
echo "deb $base/badxz stable main" >"$root/etc/apt/sources.list"
case=badxz
run badxz "$root"
expect_fail badxz 7 "$base/badxz stable" "main/binary-amd64/Packages.xz" "SHA-256" "does not match"
[ -z "$(ls -A "$work/cache/badxz/apt/by-hash/sha256" 2>/dev/null | grep -v '^\.')" ] ||
    fail badxz "a file that failed its hash was left in the cache"

root=$(rootfs badplain)
cp "$keys/rsa3072.gpg" "$root/etc/apt/trusted.gpg.d/"
echo "deb $base/badplain stable main" >"$root/etc/apt/sources.list"
case=badplain
run badplain "$root"
if expect_ok badplain && [ "$(jget 'j["sources"][0]["package_count"]')" -gt 0 ] &&
    [ "$(ls "$work/cache/badplain/apt/by-hash/sha256")" = \
        "$(sha256sum <"$work/www/repos/badplain/dists/stable/main/binary-amd64/Packages.xz" | cut -d' ' -f1)" ]; then
    ok "badplain: a Release whose plain hash is wrong: the compressed index is used and kept"
else
    fail badplain "$out $(ls "$work/cache/badplain/apt/by-hash/sha256")"
fi

root=$(rootfs component)
cp "$keys/rsa3072.gpg" "$root/etc/apt/trusted.gpg.d/"
echo "deb $base/good stable main non-free" >"$root/etc/apt/sources.list"
case=component
run component "$root"
expect_fail component 4 "$base/good stable" "component 'non-free'" "main contrib"

# --- trusted=yes, unsigned ----------------------------------------------------
root=$(rootfs trusted)
echo "deb [trusted=yes] $base/unsigned stable main" >"$root/etc/apt/sources.list"
case=trusted
run trusted "$root"
if expect_ok trusted; then
    [ "$(jget 'j["sources"][0]["trusted"]')/$(jget 'j["sources"][0]["verified_by"]')" = "True/" ] &&
        [ "$(jget 'j["sources"][0]["package_count"]')" = 3 ] &&
        ok "trusted: accepted without signature, flagged trusted" || fail trusted "$out"
fi
root=$(rootfs unsigned)
cp "$keys/rsa3072.gpg" "$root/etc/apt/trusted.gpg.d/"
echo "deb $base/unsigned stable main" >"$root/etc/apt/sources.list"
case=unsigned
run unsigned "$root"
expect_fail unsigned 7 "$base/unsigned stable" "not signed"

# Release + Release.gpg (no InRelease)
root=$(rootfs detached)
cp "$keys/ed25519.asc" "$root/etc/apt/trusted.gpg.d/"
echo "deb $base/detached stable main" >"$root/etc/apt/sources.list"
case=detached
run detached "$root"
expect_ok detached && [ "$(jget 'j["sources"][0]["verified_by"]')" = "$(cat "$keys/ed25519.fpr")" ] &&
    [[ "$(jget 'j["sources"][0]["release_url"]')" == */Release ]] &&
    ok "detached: Release + Release.gpg verified" || fail detached "$out"

# --- source formats and anchors -----------------------------------------------
root=$(rootfs inline)
{
    echo "Types: deb deb-src"
    echo "URIs: $base/ed25519"
    echo "Suites: stable"
    echo "Components: main"
    echo "Signed-By:"
    sed -e 's/^$/./' -e 's/^/ /' "$keys/ed25519.asc"
    echo
    echo "Types: deb"
    echo "URIs: $base/disabled"
    echo "Suites: stable"
    echo "Components: main"
    echo "Enabled: no"
} >"$root/etc/apt/sources.list.d/inline.sources"
case=inline
run inline "$root"
expect_ok inline && [ "$(jget 'len(j["sources"])')" = 1 ] &&
    [ "$(jget 'j["sources"][0]["verified_by"]')" = "$(cat "$keys/ed25519.fpr")" ] &&
    ok "inline: deb822 inline Signed-By verified, Enabled: no skipped" || fail inline "$out"

# one-line with options: key only at the signed-by path (nothing in trusted.gpg.d)
root=$(rootfs oneline)
mkdir -p "$root/usr/share/keyrings"
cp "$keys/rsa4096.gpg" "$root/usr/share/keyrings/copa-test.gpg"
cp "$keys/rsa3072.gpg" "$root/etc/apt/trusted.gpg.d/"
cat >"$root/etc/apt/sources.list.d/test.list" <<EOT
# a comment
deb [arch=amd64,i386 signed-by=/usr/share/keyrings/copa-test.gpg check-valid-until=yes] $base/rsa4096 stable main contrib
deb-src $base/rsa4096 stable main
EOT
case=oneline
run oneline "$root"
expect_ok oneline && [ "$(jget 'j["sources"][0]["verified_by"]')" = "$(cat "$keys/rsa4096.fpr")" ] &&
    ok "oneline: signed-by path used" || fail oneline "$out"
# signed-by names a key file: the default anchors do not count
sed -i "s|$base/rsa4096|$base/good|" "$root/etc/apt/sources.list.d/test.list"
run oneline_wrong_key "$root"
expect_fail oneline_wrong_key 7 "$base/good stable" "unknown key"
# signed-by a fingerprint restricts the default anchors
root=$(rootfs fingerprint)
cp "$keys/rsa3072.gpg" "$keys/ed25519.gpg" "$root/etc/apt/trusted.gpg.d/"
echo "deb [signed-by=$(cat "$keys/ed25519.fpr")] $base/good stable main" >"$root/etc/apt/sources.list"
run fingerprint_other "$root"
expect_fail fingerprint_other 7 "$base/good stable" "unknown key"
echo "deb [signed-by=$(cat "$keys/rsa3072.fpr")] $base/good stable main" >"$root/etc/apt/sources.list"
case=fingerprint_same
run fingerprint_same "$root"
expect_ok fingerprint_same && ok "fingerprint_same: the named default key verifies"
# a key file reached through an absolute symlink resolves inside the root
root=$(rootfs symlink)
mkdir -p "$root/opt/keys"
cp "$keys/rsa3072.gpg" "$root/opt/keys/k.gpg"
ln -s /opt/keys/k.gpg "$root/etc/apt/trusted.gpg.d/k.gpg"
echo "deb $base/good stable main" >"$root/etc/apt/sources.list"
case=symlink
run symlink "$root"
expect_ok symlink && ok "symlink: absolute key symlink resolved inside the root"

# --- mirrors ------------------------------------------------------------------
root=$(rootfs mirror)
cp "$keys/rsa3072.gpg" "$root/etc/apt/trusted.gpg.d/"
echo "deb http://archive.copa.invalid/debian stable main contrib" >"$root/etc/apt/sources.list"
case=mirror
run mirror "$root" --mirror "http://archive.copa.invalid/debian=$base/good"
expect_ok mirror && [ "$(jget 'j["sources"][0]["uri"]')" = "$base/good" ] &&
    [ "$(jget 'j["sources"][0]["original_uri"]')" = "http://archive.copa.invalid/debian" ] &&
    [ "$(jget 'j["sources"][0]["mirrored"]')" = True ] &&
    [[ "$(jget 'j["sources"][0]["release_url"]')" == "$base/good/dists/stable/InRelease" ]] &&
    ok "mirror: rewritten URLs used and reported" || fail mirror "$out"

# --- cache --------------------------------------------------------------------
root=$(rootfs cache)
cp "$keys/rsa3072.gpg" "$root/etc/apt/trusted.gpg.d/"
echo "deb $base/good stable main contrib" >"$root/etc/apt/sources.list"
export CACHE=$work/cache/shared
: >"$work/requests.log"
case=cache1
run cache1 "$root"
expect_ok cache1 && [ "$(jget 'j["sources"][0]["indexes_downloaded"]')" = 2 ] &&
    [ "$(jget 'j["sources"][0]["release_from_cache"]')" = False ] &&
    grep -q "GET /repos/good/dists/stable/main/binary-amd64/by-hash/SHA256/" "$work/requests.log" &&
    ok "cache1: first run downloads InRelease and 2 indexes by hash" || fail cache1 "$out $(cat "$work/requests.log")"
# The cache keeps each index uncompressed, named by the Release's hash of the
# plain Packages, and byte for byte that file (the compressed copy stays
# until it ages out: another Release may name it without a plain entry).
case=cache_plain
plain_ok=1
for comp in main contrib; do
    p=$work/www/repos/good/dists/stable/$comp/binary-amd64/Packages
    f=$CACHE/apt/by-hash/sha256/$(sha256sum <"$p" | cut -d' ' -f1)
    cmp -s "$p" "$f" || plain_ok=0
done
total=$((total + 1))
[ "$plain_ok" = 1 ] && ok "cache_plain: indexes cached uncompressed, as the Release describes them" ||
    fail cache_plain "$(ls -l "$CACHE/apt/by-hash/sha256")"
: >"$work/requests.log"
case=cache2
run cache2 "$root"
expect_ok cache2 && [ "$(jget 'j["sources"][0]["indexes_downloaded"]')" = 0 ] &&
    [ "$(jget 'j["sources"][0]["release_from_cache"]')" = True ] &&
    grep -Eq '^GET /repos/good/dists/stable/InRelease 304 IMS=[^-]' "$work/requests.log" &&
    [ "$(grep -c Packages "$work/requests.log")" = 0 ] &&
    ok "cache2: If-Modified-Since sent, 304, no Packages download" || fail cache2 "$out $(cat "$work/requests.log")"
# a cached copy still has to verify: tamper the cached InRelease body
cached=$(grep -l 'BEGIN PGP SIGNED' "$CACHE"/apt/lists/* | head -1)
sed -i 's/^Origin: copa-good$/Origin: copa-gooD/' "$cached"
run cache_tampered "$root"
expect_fail cache_tampered 7 "$base/good stable" "InRelease"
sed -i 's/^Origin: copa-gooD$/Origin: copa-good/' "$cached"
# a corrupted cached Packages file is discarded and fetched again
for f in "$CACHE"/apt/by-hash/sha256/*; do printf 'corrupt' >>"$f"; done
: >"$work/requests.log"
case=cache_corrupt
run cache_corrupt "$root"
expect_ok cache_corrupt && [ "$(jget 'j["sources"][0]["indexes_downloaded"]')" = 2 ] &&
    [ "$(grep -c 'by-hash/SHA256/.* 200' "$work/requests.log")" = 2 ] &&
    ok "cache_corrupt: corrupted cached Packages refetched" || fail cache_corrupt "$out $(cat "$work/requests.log")"
# Eviction: month-old files nothing uses go (a stray file, the compressed
# copies the plain ones replaced); the plain indexes in use stay, although
# their mtime said they were old: using them renews it.
for f in "$CACHE"/apt/by-hash/sha256/*; do touch -d '40 days ago' "$f"; done
stale=$CACHE/apt/by-hash/sha256/$(printf 'stale' | sha256sum | cut -d' ' -f1)
printf 'stale' >"$stale"
touch -d '40 days ago' "$stale"
used=$(for comp in main contrib; do
    sha256sum <"$work/www/repos/good/dists/stable/$comp/binary-amd64/Packages" | cut -d' ' -f1
done | sort)
case=cache_prune
run cache_prune "$root"
if expect_ok cache_prune && [ ! -e "$stale" ] &&
    [ "$(find "$CACHE/apt/by-hash/sha256" -type f -mtime -1 -printf '%f\n' | sort)" = "$used" ] &&
    [ "$(ls "$CACHE/apt/by-hash/sha256" | sort)" = "$used" ]; then
    ok "cache_prune: unused month-old files removed, the indexes in use kept and renewed"
else
    fail cache_prune "$(ls -l "$CACHE/apt/by-hash/sha256")"
fi
unset CACHE

# --- the human-readable output ------------------------------------------------
total=$((total + 1))
text=$("$copa" sources "$work/roots/cache" --arch amd64 --cache-dir "$work/cache/shared" 2>&1)
if [[ "$text" == *"verified by: $(cat "$keys/rsa3072.fpr")"* && "$text" == *"1 source, "* ]]; then
    ok "text output names the key"
else
    fail text "$text"
fi

echo "$((total - failures))/$total passed"
[ "$failures" -eq 0 ]
