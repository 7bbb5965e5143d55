#!/bin/sh
# Hostile /etc/ssl/certs and ca-certificates.conf: the CA store effect must
# finish in bounded time, never read outside the image (a configuration
# line climbing to /etc/passwd gets the image's file, as the real script
# would, not the host's), and still end equal to Debian's
# update-ca-certificates run on a copy of the same tree.
# Usage: test_ca_store.sh DEBPATCH_TOOL DEBPATCH_TEST_DIR
set -eu
TOOL=$1
HERE=$2
for t in dpkg dpkg-deb apt-ftparchive python3 openssl unshare mount update-ca-certificates; do
    command -v $t >/dev/null 2>&1 || { echo "SKIP: $t not installed"; exit 77; }
done
[ -d /opt ] || { echo "SKIP: the host has no /opt to mount over"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (mount namespace for update-ca-certificates)"; exit 77; }
[ -d /usr/share/ca-certificates ] && [ -d /usr/local/share/ca-certificates ] ||
    { echo "SKIP: the host has no ca-certificates directories to mount over"; exit 77; }
unshare -m --propagation private true 2>/dev/null || { echo "SKIP: unshare -m not permitted"; exit 77; }
NAME=traps
. "$(dirname "$0")/common.sh"

install_v1
mkdir -p $R/opt
printf 'root:x:0:0:image root:/root:/bin/image-shell\n' >$R/etc/passwd
printf 'root:x:0:\n' >$R/etc/group
cat >$R/etc/ca-certificates.conf <<'CONF'
test/A.crt
test/D.crt
test/E.crt
../../../../../../etc/passwd
test/../../../../../../../etc/group
test/missing.crt
!../../../../../../etc/shadow
CONF
real_update $R etc/passwd etc/group opt
C=$R/etc/ssl/certs
ln -s loop2.pem $C/loop1.pem
ln -s loop1.pem $C/loop2.pem
ln -s deadbeef.0 $C/deadbeef.0
ln -s ../../../../../../../../../../opt/up.crt $C/up.pem
cp $W/certs/extra.crt $R/opt/up.crt
printf '\0\1garbage\377' >$C/garbage.pem
python3 - "$C" <<'PY'
import os, sys
for i in range(3000):
    os.symlink('/usr/share/ca-certificates/test/A.crt', os.path.join(sys.argv[1], 'junk%05d.pem' % i))
    os.symlink('junk%05d.pem' % i, os.path.join(sys.argv[1], '%08x.%d' % (0x10000000 + i, i)))
PY
tar -C $R --numeric-owner -cf $W/root.tar .

serve_repo
start=$(date +%s)
run_tool 280
took=$(($(date +%s) - start))
[ $rc = 0 ] || fail "debpatch_tool exit $rc (124: timed out)"
[ $took -lt 120 ] || fail "the CA store took ${took}s"
A=$W/ours
cp -a $R $A
python3 "$HERE/layer_apply.py" $W/layer.tar $A

# The reference: dpkg unpacks v2, the configuration the postinst leaves,
# the real script.
D=$W/bydpkg
cp -a $R $D
dpkg --root=$D --force-not-root --force-script-chrootless --force-depends -i \
    $W/repo/pool/ca-certificates_2.deb >/dev/null 2>&1 || fail "dpkg could not upgrade"
cp $A/etc/ca-certificates.conf $D/etc/ca-certificates.conf
real_update $D etc/passwd etc/group opt
python3 "$HERE/compare_trees.py" $A/etc/ssl/certs $D/etc/ssl/certs || fail "differs from the real script"
grep -q "image-shell" $A/etc/ssl/certs/ca-certificates.crt || fail "the image's /etc/passwd line is missing"
! grep -q "^root:.*:/bin/bash" $A/etc/ssl/certs/ca-certificates.crt || fail "a host file leaked in"
[ ! -L $A/etc/ssl/certs/loop1.pem ] && [ ! -L $A/etc/ssl/certs/deadbeef.0 ] || fail "loops kept"
[ -L $A/etc/ssl/certs/up.pem ] || fail "a link climbing above the root does not resolve inside the image"
echo "ok: traps handled in ${took}s, /etc/ssl/certs equal to update-ca-certificates'"
echo PASS
