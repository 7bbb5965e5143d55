#!/usr/bin/env bash
# A layout's index.json is made durable (fsync) before it is renamed into
# place, and it names blobs: their bytes must be durable before they get
# their names too, or a crash after the commit can leave a tag pointing at
# an empty or partial blob. Every file copa renames into the layout must
# have been fsync'ed first (checked with strace).
#
# usage: test_blob_fsync.sh COPA
copa=$1
command -v strace >/dev/null || { echo "SKIP: strace not installed"; exit 77; }
strace -o /dev/null true 2>/dev/null || { echo "SKIP: strace cannot trace here"; exit 77; }
source "$(dirname "$0")/common.sh"

make_image src v1 1
# LeakSanitizer cannot run under ptrace (the ASan build runs this test too).
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
    strace -f -y -o trace.txt -e trace=fsync,fdatasync,rename,renameat,renameat2 \
    "$copa" copy -q oci:src:v1 oci:out:x || die "copy failed"
layout_ok out || die "out:x is incomplete"
python3 - "$t" trace.txt <<'PY' || die "a file was renamed into the layout before it was fsync'ed"
import os, re, sys
cwd, trace = sys.argv[1], sys.argv[2]
layout = os.path.join(cwd, "out") + "/"
path = lambda name: os.path.normpath(os.path.join(cwd, name))
synced, renamed, bad = set(), 0, []
for line in open(trace):
    m = re.search(r'f(?:data)?sync\(\d+<([^>]*)>\) = 0', line)
    if m:
        synced.add(m.group(1))
        continue
    m = re.search(r'rename(?:at2?)?\((?:[^,]*, )?"([^"]*)", (?:[^,]*, )?"([^"]*)"', line)
    if m and path(m.group(2)).startswith(layout) and line.rstrip().endswith("= 0"):
        renamed += 1
        if path(m.group(1)) not in synced:
            bad.append(m.group(2))
print("renamed into the layout: %d, not fsync'ed first: %d" % (renamed, len(bad)))
for name in bad:
    print("  " + name)
sys.exit(1 if bad or renamed == 0 else 0)
PY
ok "every blob and index.json was fsync'ed before its rename"
echo "passed $passed"
