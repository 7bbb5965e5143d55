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
NAME=dag
. "$(dirname "$0")/common.sh"

install_v1
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

serve_repo
run_tool 120
[ $rc != 124 ] || fail "the CA store walk did not finish in 120 s"
[ $rc != 0 ] || fail "a walk of 2^29 paths was accepted"
grep -q "/usr/local/share/ca-certificates" $W/out.txt || fail "the message does not name the directory"
echo PASS
