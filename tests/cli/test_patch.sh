#!/usr/bin/env bash
# copa patch: usage errors (exit 2), input errors with their documented
# exit codes, and a dry run that changes nothing. The full pipeline runs in
# tests/integration/patch and tests/e2e.
set -euo pipefail
COPA=$1
source "$(dirname "$0")/assert.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

run "$COPA" help patch
expect_status 0
expect_out_contains "usage: copa patch -i IMAGE"
expect_out_contains "--tag-suffix"

run "$COPA" patch --help
expect_status 0
expect_out_contains "Exit status"

run "$COPA" patch
expect_status 2
expect_err_contains "-i IMAGE is required"

run "$COPA" patch -i oci:"$tmp"/x --nosuch
expect_status 2

run "$COPA" patch -i oci:"$tmp"/x stray
expect_status 2
expect_err_contains "unexpected argument"

run "$COPA" patch -i oci:"$tmp"/x -t a --tag-suffix b
expect_status 2
expect_err_contains "not both"

run "$COPA" patch -i oci:"$tmp"/x --push --archive "$tmp"/a.tar
expect_status 2
expect_err_contains "choose one of"

run "$COPA" patch -i oci:"$tmp"/x -f cyclonedx
expect_status 2
expect_err_contains "openvex"

run "$COPA" patch -i oci:"$tmp"/x --timeout soon
expect_status 2
expect_err_contains "--timeout"

run "$COPA" patch -i oci:"$tmp"/x --progress fancy
expect_status 2

run "$COPA" patch -i oci:"$tmp"/x --mirror nomapping
expect_status 2
expect_err_contains "FROM=TO"

# Input errors: a malformed reference (3), a missing layout (4), a bad report (3).
run "$COPA" patch -i 'UPPER/Case:tag' --dry-run --progress quiet
expect_status 3

run "$COPA" patch -i oci:"$tmp"/missing:base --dry-run --progress quiet
expect_status 4
expect_err_contains "missing"

# --layer-compression: a bad value is bad input (3), named, before the image
# is looked at (the layout does not exist: 4 would mean it was).
run "$COPA" patch --help
expect_out_contains "--layer-compression C"
run "$COPA" patch -i oci:"$tmp"/missing:base --layer-compression gzip:10 --progress quiet
expect_status 3
expect_err_contains "'gzip:10'"
expect_err_contains "zstd:N (N 1-19)"
run "$COPA" patch -i oci:"$tmp"/missing:base --layer-compression zstd:19 --dry-run --progress quiet
expect_status 4

# A malformed COPA_THREADS is bad input too, found before the image is opened.
run env COPA_THREADS=two "$COPA" patch -i oci:"$tmp"/missing:base --dry-run --progress quiet
expect_status 3
expect_err_contains "COPA_THREADS='two'"

echo '{"not": "a report"' >"$tmp/bad.json"
run "$COPA" patch -i oci:"$tmp"/missing:base -r "$tmp/bad.json" --dry-run --progress quiet
expect_status 3
expect_err_contains "bad.json"

run "$COPA" patch -i oci:"$tmp"/missing:base -r "$tmp/none.json" --progress quiet
expect_status 4

# --push needs a registry source: checked before anything is read.
run "$COPA" patch -i oci:"$tmp"/missing:base --push --progress quiet
expect_status 3
expect_err_contains "--push needs a registry image"

# A dry run writes nothing, not even the ./patched layout.
(cd "$tmp" && "$COPA" patch -i oci:"$tmp"/missing:base --dry-run --progress quiet) 2>/dev/null || true
[ ! -e "$tmp/patched" ] || fail "dry run created ./patched"

# --progress json: every stderr line is one JSON object.
run "$COPA" patch -i oci:"$tmp"/missing:base --dry-run --progress json
expect_status 4
python3 -c '
import json, sys
lines = [l for l in sys.stdin.read().splitlines() if not l.startswith("copa:")]
assert lines, "no events"
for l in lines:
    e = json.loads(l)
    assert e["event"] in ("stage-begin", "stage-end", "bytes", "note"), e
' <<<"$err" || fail "progress json lines: $err"

echo "ok"
