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
NAME=flood
. "$(dirname "$0")/common.sh"

install_v1
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

serve_repo
run_tool 90
[ $rc != 124 ] || fail "the CA store did not finish in 90 s"
[ $rc = 0 ] || fail "debpatch_tool exit $rc"
! tar -tf $W/layer.tar | grep -q 'etc/ssl/certs/j[0-9]*\.pem' || fail "the links were rewritten"
echo PASS
