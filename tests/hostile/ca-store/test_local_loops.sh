#!/bin/sh
# Symlinked directories in /usr/local/share/ca-certificates, which
# update-ca-certificates walks with `find -L`: a link back to the directory
# itself or to one above it in the walk is a loop find reports and does not
# enter; a link to a sibling directory is entered. Two self links make an
# unchecked walk visit 2^depth paths (and add the certificate of each
# again); the CA store must finish in bounded time and end equal to
# Debian's update-ca-certificates on a copy of the same tree.
# Usage: test_local_loops.sh DEBPATCH_TOOL DEBPATCH_TEST_DIR
set -eu
TOOL=$1
HERE=$2
for t in dpkg dpkg-deb apt-ftparchive python3 openssl unshare mount update-ca-certificates timeout; do
    command -v $t >/dev/null 2>&1 || { echo "SKIP: $t not installed"; exit 77; }
done
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (mount namespace for update-ca-certificates)"; exit 77; }
[ -d /usr/share/ca-certificates ] && [ -d /usr/local/share/ca-certificates ] ||
    { echo "SKIP: the host has no ca-certificates directories to mount over"; exit 77; }
unshare -m --propagation private true 2>/dev/null || { echo "SKIP: unshare -m not permitted"; exit 77; }
NAME=loops
. "$(dirname "$0")/common.sh"

install_v1
mkdir -p $L/sub
printf 'test/A.crt\ntest/D.crt\n' >$R/etc/ca-certificates.conf
cp $W/certs/local.crt $L/local.crt
cp $W/certs/deep.crt $L/sub/deep.crt
ln -s . $L/self1
ln -s . $L/self2
ln -s .. $L/sub/up
ln -s sub $L/twin
real_update $R
tar -C $R --numeric-owner -cf $W/root.tar .

serve_repo
run_tool 120
[ $rc = 0 ] || fail "debpatch_tool exit $rc (124: timed out)"
A=$W/ours
cp -a $R $A
python3 "$HERE/layer_apply.py" $W/layer.tar $A

D=$W/bydpkg
cp -a $R $D
dpkg --root=$D --force-not-root --force-script-chrootless --force-depends -i \
    $W/repo/pool/ca-certificates_2.deb >/dev/null 2>&1 || fail "dpkg could not upgrade"
cp $A/etc/ca-certificates.conf $D/etc/ca-certificates.conf
real_update $D
python3 "$HERE/compare_trees.py" $A/etc/ssl/certs $D/etc/ssl/certs || fail "differs from the real script"
n=$(grep -c "BEGIN CERTIFICATE" $A/etc/ssl/certs/ca-certificates.crt)
m=$(grep -c "BEGIN CERTIFICATE" $D/etc/ssl/certs/ca-certificates.crt)
[ "$n" = "$m" ] || fail "$n certificates in the bundle, update-ca-certificates has $m"
echo PASS
