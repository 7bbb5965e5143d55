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
NAME=bundle
. "$(dirname "$0")/common.sh"

install_v1
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

serve_repo
run_tool 120
[ $rc != 124 ] || fail "the CA store did not finish in 120 s"
[ $rc != 0 ] || fail "a 100 MB ca-certificates.crt was built"
grep -q "ca-certificates.crt" $W/out.txt || fail "the message does not name the bundle"
echo PASS
