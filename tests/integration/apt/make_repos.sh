#!/usr/bin/env bash
# Build the test APT repositories under WORK/www/repos/ with dpkg-deb and
# apt-ftparchive, and sign them with throwaway gpg keys (WORK/keys/NAME.gpg
# binary, NAME.asc armored, NAME.fpr fingerprint). Nothing here is secret;
# keys are made fresh on every run.
#
# usage: make_repos.sh WORK
set -euo pipefail
work=$1
keys=$work/keys
www=$work/www/repos
mkdir -p "$keys" "$www" "$work/debs"
export GNUPGHOME=$work/gnupg
mkdir -p -m 700 "$GNUPGHOME"

g() { gpg --batch --quiet --no-tty --pinentry-mode loopback --passphrase '' "$@"; }
fpr_of() { g --list-keys --with-colons "$1" | awk -F: '/^fpr/ {print $10; exit}'; }
newkey() { # name algo usage expire [gpg options]
    local name=$1 algo=$2 usage=$3 expire=$4
    shift 4
    g "$@" --quick-gen-key "$name <$name@copa.test>" "$algo" "$usage" "$expire"
    fpr_of "$name@copa.test" >"$keys/$name.fpr"
}
newkey rsa3072 rsa3072 sign 0
newkey rsa4096 rsa4096 sign 0
newkey ed25519 ed25519 sign 0
newkey unknown ed25519 sign 0
newkey expired ed25519 sign 1y --faked-system-time '20200101T000000!'
newkey subkey rsa3072 cert 0
g --quick-add-key "$(cat "$keys/subkey.fpr")" ed25519 sign 0
# The signing subkey's own fingerprint (second fpr line).
g --list-keys --with-colons subkey@copa.test | awk -F: '/^fpr/ {n++; if (n == 2) print $10}' \
    >"$keys/subkey.sub.fpr"
for k in rsa3072 rsa4096 ed25519 unknown expired subkey; do
    g --export "$(cat "$keys/$k.fpr")" >"$keys/$k.gpg"
    g --export --armor "$(cat "$keys/$k.fpr")" >"$keys/$k.asc"
done

# A few tiny packages: two amd64, one all, one i386 (filtered out for amd64).
mkdeb() { # name version arch [depends] [provides]
    local d=$work/debs/$1_$2_$3
    mkdir -p "$d/DEBIAN" "$d/usr/share/doc/$1"
    printf 'Package: %s\nVersion: %s\nArchitecture: %s\nMaintainer: Copa Test <t@copa.test>\nDescription: copa test package %s\n' \
        "$1" "$2" "$3" "$1" >"$d/DEBIAN/control"
    [ -n "${4:-}" ] && printf 'Depends: %s\n' "$4" >>"$d/DEBIAN/control"
    [ -n "${5:-}" ] && printf 'Provides: %s\n' "$5" >>"$d/DEBIAN/control"
    echo "$1 $2" >"$d/usr/share/doc/$1/README"
    dpkg-deb --root-owner-group -Zxz --build "$d" "$work/debs/$1_$2_$3.deb" >/dev/null
}
mkdeb hello-copa 1.0-1 amd64 'copa-data (>= 1.0)'
mkdeb hello-copa 1.1-1 amd64 'copa-data (>= 1.0)'
mkdeb copa-data 1.0 all
mkdeb copa-i386 1.0 i386
mkdeb contrib-tool 2.0 amd64

# make_repo NAME SUITE [apt-ftparchive release options...]: main + contrib, amd64 + i386.
make_repo() {
    local name=$1 suite=$2 r=$www/$1
    shift 2
    mkdir -p "$r/pool/main" "$r/pool/contrib"
    cp "$work"/debs/hello-copa_*.deb "$work"/debs/copa-data_*.deb "$work"/debs/copa-i386_*.deb "$r/pool/main/"
    cp "$work"/debs/contrib-tool_*.deb "$r/pool/contrib/"
    (
        cd "$r"
        for comp in main contrib; do
            for arch in amd64 i386; do
                local dir=dists/$suite/$comp/binary-$arch
                mkdir -p "$dir"
                apt-ftparchive --arch "$arch" packages "pool/$comp" >"$dir/Packages"
                xz -k -9 "$dir/Packages"
                gzip -k -9 -n "$dir/Packages"
            done
        done
        apt-ftparchive -o APT::FTPArchive::Release::Suite="$suite" \
            -o APT::FTPArchive::Release::Codename="$suite" \
            -o APT::FTPArchive::Release::Origin="copa-$name" \
            -o APT::FTPArchive::Release::Architectures="amd64 i386" \
            -o APT::FTPArchive::Release::Components="main contrib" \
            "$@" release "dists/$suite" >"dists/$suite/Release.new"
        mv "dists/$suite/Release.new" "dists/$suite/Release"
    )
}
# by-hash: copy each index to DIR/by-hash/SHA256/<hash> and announce it.
add_by_hash() { # release dir
    local rel=$1 d
    d=$(dirname "$rel")
    sed -i '1a Acquire-By-Hash: yes' "$rel"
    awk '/^SHA256:/ {on=1; next} /^[^ ]/ {on=0} on {print $1, $3}' "$rel" | while read -r h p; do
        mkdir -p "$d/$(dirname "$p")/by-hash/SHA256"
        cp "$d/$p" "$d/$(dirname "$p")/by-hash/SHA256/$h"
    done
}
sign() { # release-dir key [gpg options]
    local d=$1 k=$2
    shift 2
    g "$@" -u "$(cat "$keys/$k.fpr")!" --clearsign -o "$d/InRelease" "$d/Release"
    g "$@" -u "$(cat "$keys/$k.fpr")!" --armor --detach-sign -o "$d/Release.gpg" "$d/Release"
}

make_repo good stable
add_by_hash "$www/good/dists/stable/Release"
sign "$www/good/dists/stable" rsa3072
for k in rsa4096 ed25519 unknown; do
    make_repo "$k" stable
    sign "$www/$k/dists/stable" "$k"
done
make_repo subkey stable
g -u "$(cat "$keys/subkey.sub.fpr")!" --clearsign -o "$www/subkey/dists/stable/InRelease" \
    "$www/subkey/dists/stable/Release"
make_repo expired stable
sign "$www/expired/dists/stable" expired --faked-system-time '20200601T000000!'
make_repo sha1 stable
sign "$www/sha1/dists/stable" rsa3072 --digest-algo SHA1
# Tampered: one byte of the signed text changed after signing.
make_repo tampered stable
sign "$www/tampered/dists/stable" rsa3072
sed -i 's/^Origin: copa-tampered$/Origin: copa-tampereD/' "$www/tampered/dists/stable/InRelease"
# Valid-Until in the past (signed correctly).
make_repo validuntil stable -o APT::FTPArchive::Release::ValidTime=1
sed -i 's/^Valid-Until: .*/Valid-Until: Wed, 01 Jan 2020 00:00:00 UTC/' \
    "$www/validuntil/dists/stable/Release"
grep -q '^Valid-Until:' "$www/validuntil/dists/stable/Release" ||
    sed -i '/^Date:/a Valid-Until: Wed, 01 Jan 2020 00:00:00 UTC' "$www/validuntil/dists/stable/Release"
sign "$www/validuntil/dists/stable" rsa3072
# Packages.xz changed after the Release was made (same size, one byte flipped).
make_repo badxz stable
sign "$www/badxz/dists/stable" rsa3072
python3 - "$www/badxz/dists/stable/main/binary-amd64/Packages.xz" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, 'rb').read())
b[len(b) // 2] ^= 0xff
open(p, 'wb').write(bytes(b))
PY
# A Release whose hash for the uncompressed Packages disagrees with its
# Packages.xz (whose own hash is right): the index stays compressed.
make_repo badplain stable
sed -i -E '/^SHA256:/,$ s/^ [0-9a-f]{64}( +[0-9]+ main\/binary-amd64\/Packages)$/ '"$(printf '0%.0s' $(seq 64))"'\1/' \
    "$www/badplain/dists/stable/Release"
sign "$www/badplain/dists/stable" rsa3072
# Unsigned: Release only, for trusted=yes.
make_repo unsigned stable
# Release + Release.gpg only (no InRelease).
make_repo detached stable
g -u "$(cat "$keys/ed25519.fpr")!" --armor --detach-sign -o "$www/detached/dists/stable/Release.gpg" \
    "$www/detached/dists/stable/Release"
# "scope" (tests/integration/patch, scoped loading): hello-copa 1.2-1 in
# contrib needs packages nothing installed names, found in main, which is
# read first, so a scan that keeps only what the image can reach has
# dropped them before it knows it needs them: a new library, a virtual
# name only a non-installed package provides, and that provider's own
# dependency. zzz-unrelated is reachable from nothing.
mkdeb aaa-libnew 1.0 amd64
mkdeb aaa-deep 1.0 amd64
mkdeb aaa-provider 1.0 amd64 'aaa-deep (>= 1.0)' virt-copa
mkdeb zzz-unrelated 1.0 amd64 'copa-data'
mkdeb hello-copa 1.2-1 amd64 'copa-data (>= 1.0), aaa-libnew, virt-copa'
r=$www/scope
mkdir -p "$r/pool/main" "$r/pool/contrib"
for p in aaa-libnew_1.0 aaa-deep_1.0 aaa-provider_1.0 zzz-unrelated_1.0 hello-copa_1.0-1; do
    cp "$work"/debs/${p}_*.deb "$r/pool/main/"
done
cp "$work"/debs/copa-data_*.deb "$r/pool/main/"
cp "$work"/debs/hello-copa_1.2-1_amd64.deb "$r/pool/contrib/"
(
    cd "$r"
    for comp in main contrib; do
        mkdir -p "dists/stable/$comp/binary-amd64"
        apt-ftparchive --arch amd64 packages "pool/$comp" >"dists/stable/$comp/binary-amd64/Packages"
        xz -k -9 "dists/stable/$comp/binary-amd64/Packages"
    done
    apt-ftparchive -o APT::FTPArchive::Release::Suite=stable \
        -o APT::FTPArchive::Release::Origin=copa-scope \
        -o APT::FTPArchive::Release::Architectures=amd64 \
        -o APT::FTPArchive::Release::Components="main contrib" \
        release dists/stable >dists/stable/Release.new
    mv dists/stable/Release.new dists/stable/Release
)
sign "$r/dists/stable" rsa3072
gpgconf --kill gpg-agent >/dev/null 2>&1 || true
