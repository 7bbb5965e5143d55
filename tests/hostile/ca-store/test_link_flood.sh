#!/bin/sh
# /etc/ssl/certs holding 30000 links to one 1 MB file: `openssl rehash`
# reads and parses the file once per link, which copa did too (a few ms
# each: minutes for a small image). The file is now parsed once, and the
# CA store must finish well inside 90 s.
# Usage: test_link_flood.sh DEBPATCH_TOOL DEBPATCH_TEST_DIR
set -eu
TOOL=$1
HERE=$2
for t in dpkg dpkg-deb apt-ftparchive python3 openssl timeout; do
    command -v $t >/dev/null 2>&1 || { echo "SKIP: $t not installed"; exit 77; }
done
W=$(mktemp -d /tmp/copa-hostile-ca-flood-XXXXXX)
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
python3 - $R <<'PY'
import os, sys
root = sys.argv[1]
c = root + '/etc/ssl/certs'
with open(root + '/usr/share/ca-certificates/big.crt', 'w') as f:
    f.write(('#' * 999 + '\n') * 1000)
for i in range(30000):
    os.symlink('/usr/share/ca-certificates/big.crt', c + '/j%06d.pem' % i)
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
timeout 90 "$TOOL" $R $W/root.tar $W/repo/Packages "http://127.0.0.1:$PORT" $W/cache $W/layer.tar \
    1700000000 >$W/out.txt 2>&1 || rc=$?
cat $W/out.txt
[ $rc != 124 ] || fail "the CA store did not finish in 90 s"
[ $rc = 0 ] || fail "debpatch_tool exit $rc"
! tar -tf $W/layer.tar | grep -q 'etc/ssl/certs/j[0-9]*\.pem' || fail "the links were rewritten"
echo PASS
