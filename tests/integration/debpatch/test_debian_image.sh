#!/bin/sh
# A real Debian 12 root (mmdebstrap, base suite only, with ca-certificates
# so that its upgrade exercises the CA store effect) patched from the
# security suite with our layer, then checked inside the root with its own
# dpkg and apt, and compared with a copy upgraded by `dpkg -i` in a chroot:
# only what maintainer scripts and triggers write may differ.
# Usage: test_debian_image.sh TOOL SRCDIR. Exits 77 without a mirror.
set -eu
TOOL=$1
HERE=$2
for t in mmdebstrap chroot python3 curl xz; do
    command -v $t >/dev/null 2>&1 || { echo "SKIP: $t not installed"; exit 77; }
done
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root for chroot"; exit 77; }
. "$HERE/../../e2e/support/host_mirrors.sh"
[ -n "$DEBIAN_MIRROR" ] && [ -n "$DEBIAN_SECURITY_MIRROR" ] || { echo "SKIP: no mirror"; exit 77; }
W=$(mktemp -d /tmp/copa-debpatch-e2e-XXXXXX)
trap 'rm -rf "$W"' EXIT
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
cd $W
mmdebstrap --quiet --variant=minbase --include=ca-certificates --format=tar bookworm rootfs.tar "deb $DEBIAN_MIRROR bookworm main"
# The index is not signature-checked here (lib/apt does that in copa
# patch); the packages are checked against it.
curl -sf "$DEBIAN_SECURITY_MIRROR/dists/bookworm-security/main/binary-amd64/Packages.xz" |
    xz -d >Packages || fail "security index"
mkdir R && tar -C R -xpf rootfs.tar --numeric-owner
"$TOOL" R rootfs.tar Packages "$DEBIAN_SECURITY_MIRROR" cache layer.tar 1700000000 >out.txt 2>&1 ||
    { cat out.txt; fail "debpatch_tool"; }
cat out.txt
n=$(ls cache/deb/sha256 | wc -l)
[ "$n" -gt 0 ] || { echo "SKIP: no pending security updates"; exit 77; }
cp -a R A
cp -a R B
python3 "$HERE/layer_apply.py" layer.tar A
out=$(chroot A dpkg --audit 2>&1) && [ -z "$out" ] || fail "dpkg --audit: $out"
for p in $(awk '$5 == "upgrade" || $5 == "new" { print $1 ":" $2 }' out.txt); do
    v=$(chroot A dpkg --verify "$p" 2>&1) && [ -z "$v" ] || fail "dpkg --verify $p: $v"
done
chroot A apt-get check >/dev/null || fail "apt-get check"
echo "ok: dpkg --audit, dpkg --verify of $n upgraded packages, apt-get check"
mkdir B/tmp/debs
for f in cache/deb/sha256/*; do cp "$f" B/tmp/debs/$(basename "$f").deb; done
# dpkg installs in the order it is given, and a Pre-Depends must be
# configured before its dependant is unpacked (libpam-modules on the new
# libpam-modules-bin, say). The files are named by hash, so no order given
# here is right for every day's archive: unpack what dpkg accepts, configure,
# and go round again with what it refused, until nothing is left or a round
# makes no progress.
cp "$HERE/dpkg_install_in_rounds.sh" B/tmp/
chroot B sh /tmp/dpkg_install_in_rounds.sh /tmp/debs >dpkg-rounds.log 2>&1 ||
    { cat dpkg-rounds.log; fail "dpkg install of the upgraded packages in the chroot"; }
rm B/tmp/dpkg_install_in_rounds.sh
rm -rf B/tmp/debs A/var/cache/apt/*.bin
cmp A/var/lib/dpkg/status B/var/lib/dpkg/status || fail "status differs from dpkg's"
python3 "$HERE/compare_trees.py" A B --ignore var/lib/dpkg/status-old --ignore var/lib/dpkg/lock \
    --ignore var/lib/dpkg/lock-frontend --ignore var/lib/dpkg/triggers \
    --ignore var/lib/dpkg/updates --ignore var/cache/debconf --ignore var/cache/ldconfig \
    --ignore var/log --ignore etc/ld.so.cache --ignore tmp || fail "tree differs from dpkg's"
echo "ok: tree and status equal to dpkg's upgrade (ld.so/debconf caches and logs aside)"
echo PASS
