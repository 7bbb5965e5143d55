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
W=$(mktemp -d /tmp/copa-hostile-ca-loops-XXXXXX)
SERVER_PID=
cleanup() {
    [ -z "$SERVER_PID" ] || kill "$SERVER_PID" 2>/dev/null || true
    [ -n "${COPA_KEEP:-}" ] && echo "kept $W" || rm -rf "$W"
}
trap cleanup EXIT
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
real_update() { # ROOT
    unshare -m --propagation private sh -ec '
        mount --bind "$1/usr/share/ca-certificates" /usr/share/ca-certificates
        mount --bind "$1/usr/local/share/ca-certificates" /usr/local/share/ca-certificates
        update-ca-certificates --certsconf "$1/etc/ca-certificates.conf" \
            --etccertsdir "$1/etc/ssl/certs" --hooksdir ""' sh "$1" >"$W/real.txt" 2>&1 ||
        { cat "$W/real.txt"; fail "update-ca-certificates on $1"; }
}
sh "$HERE/make_effect_debs.sh" "$W"

R=$W/root
L=$R/usr/local/share/ca-certificates
mkdir -p $R/etc $R/var/lib/dpkg/info $R/var/lib/dpkg/updates $L/sub
touch $R/var/lib/dpkg/status
dpkg --root=$R --force-not-root --force-script-chrootless -i $W/v1/ca-certificates_1.deb >/dev/null 2>&1 ||
    fail "dpkg could not install v1"
printf 'test/A.crt\ntest/D.crt\n' >$R/etc/ca-certificates.conf
cp $W/certs/local.crt $L/local.crt
cp $W/certs/deep.crt $L/sub/deep.crt
ln -s . $L/self1
ln -s . $L/self2
ln -s .. $L/sub/up
ln -s sub $L/twin
real_update $R
tar -C $R --numeric-owner -cf $W/root.tar .

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 "$PORT" --directory $W/repo >/dev/null 2>&1 &
SERVER_PID=$!
python3 - "$PORT" <<'PY'
import sys, time, urllib.request
for _ in range(100):
    try:
        urllib.request.urlopen("http://127.0.0.1:%s/Packages" % sys.argv[1]); break
    except Exception: time.sleep(0.1)
PY
timeout 120 "$TOOL" $R $W/root.tar $W/repo/Packages "http://127.0.0.1:$PORT" $W/cache $W/layer.tar \
    1700000000 >$W/out.txt 2>&1 || { rc=$?; cat $W/out.txt; fail "debpatch_tool exit $rc (124: timed out)"; }
cat $W/out.txt
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
