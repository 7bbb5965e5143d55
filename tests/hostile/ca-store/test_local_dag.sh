#!/bin/sh
# Symlinked directories under /usr/local/share/ca-certificates that form no
# loop but a ladder: level N holds two links to level N+1, so a `find -L`
# walk reaches the bottom through 2^depth paths (update-ca-certificates
# itself would not finish). copa must stop in bounded time, exit non-zero
# and name the directory.
# Usage: test_local_dag.sh DEBPATCH_TOOL DEBPATCH_TEST_DIR
set -eu
TOOL=$1
HERE=$2
for t in dpkg dpkg-deb apt-ftparchive python3 openssl timeout; do
    command -v $t >/dev/null 2>&1 || { echo "SKIP: $t not installed"; exit 77; }
done
W=$(mktemp -d /tmp/copa-hostile-ca-dag-XXXXXX)
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
sh "$HERE/make_effect_debs.sh" "$W"

R=$W/root
L=$R/usr/local/share/ca-certificates
mkdir -p $R/etc $R/var/lib/dpkg/info $R/var/lib/dpkg/updates $L
touch $R/var/lib/dpkg/status
dpkg --root=$R --force-not-root --force-script-chrootless -i $W/v1/ca-certificates_1.deb >/dev/null 2>&1 ||
    fail "dpkg could not install v1"
printf 'test/A.crt\n' >$R/etc/ca-certificates.conf
mkdir -p $R/etc/ssl/certs
python3 - "$L" <<'PY'
import os, sys
top = sys.argv[1]
for i in range(30):
    os.mkdir(os.path.join(top, 'l%02d' % i))
for i in range(29):
    for side in ('a', 'b'):
        os.symlink('../l%02d' % (i + 1), os.path.join(top, 'l%02d' % i, side))
open(os.path.join(top, 'l29', 'x.crt'), 'w').close()
PY
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
rc=0
timeout 120 "$TOOL" $R $W/root.tar $W/repo/Packages "http://127.0.0.1:$PORT" $W/cache $W/layer.tar \
    1700000000 >$W/out.txt 2>&1 || rc=$?
cat $W/out.txt
[ $rc != 124 ] || fail "the CA store walk did not finish in 120 s"
[ $rc != 0 ] || fail "a walk of 2^29 paths was accepted"
grep -q "/usr/local/share/ca-certificates" $W/out.txt || fail "the message does not name the directory"
echo PASS
