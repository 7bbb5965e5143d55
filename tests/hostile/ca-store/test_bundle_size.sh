#!/bin/sh
# ca-certificates.conf may name one certificate on every line, and
# update-ca-certificates appends it to ca-certificates.crt once per line: a
# 1 MB configuration naming a 1 MB file asks for a bundle of hundreds of
# gigabytes. copa builds the bundle in memory, so it must refuse a bundle
# far beyond any real one (here 100 lines naming a 1 MB file: 100 MB) with
# a message, not grow until the machine runs out.
# Usage: test_bundle_size.sh DEBPATCH_TOOL DEBPATCH_TEST_DIR
set -eu
TOOL=$1
HERE=$2
for t in dpkg dpkg-deb apt-ftparchive python3 openssl timeout; do
    command -v $t >/dev/null 2>&1 || { echo "SKIP: $t not installed"; exit 77; }
done
W=$(mktemp -d /tmp/copa-hostile-ca-bundle-XXXXXX)
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
mkdir -p $R/etc/ssl/certs $R/usr/share/ca-certificates/big
python3 - $R <<'PY'
import sys
root = sys.argv[1]
with open(root + '/usr/share/ca-certificates/big/x.crt', 'w') as f:
    f.write(('#' * 999 + '\n') * 1000)
with open(root + '/etc/ca-certificates.conf', 'w') as f:
    f.write('big/x.crt\n' * 100)
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
[ $rc != 124 ] || fail "the CA store did not finish in 120 s"
[ $rc != 0 ] || fail "a 100 MB ca-certificates.crt was built"
grep -q "ca-certificates.crt" $W/out.txt || fail "the message does not name the bundle"
echo PASS
