#!/usr/bin/env bash
# --timeout holds while a registry blob downloads (issue 13, item 7): a
# registry that trickles the layer at 4 bytes/s (never slow enough for
# curl's low-speed abort) must not keep `copa patch --timeout 3s` running.
# The run ends within a few seconds of the deadline with exit 11 and a
# message, and the blob cache keeps no partial download.
#
# usage: test_slow_blob_timeout.sh COPA
copa=$1
source "$(dirname "$0")/common.sh"
command -v timeout >/dev/null || { echo "SKIP: timeout not installed" >&2; exit 77; }

start_slow_registry trickle 0
start=$(date +%s)
status=0
timeout 30 "$copa" patch -i "$slow/img:latest" --insecure-registry "$slow" --timeout 3s \
    --oci-dir out --progress quiet >out.txt 2>err.txt || status=$?
elapsed=$(($(date +%s) - start))
[ "$status" != 124 ] || die "copa patch --timeout 3s still ran after 30 s"
[ "$status" = 11 ] || die "exit $status, expected 11 (timeout): $(cat err.txt)"
[ "$elapsed" -le 10 ] || die "took ${elapsed} s with --timeout 3s"
grep -q "timed out" err.txt || die "no timeout message: $(cat err.txt)"
[ "$(wc -l <err.txt)" -ge 1 ] || die "empty message"
ok "patch --timeout 3s against a trickling registry: exit 11 after ${elapsed} s: $(head -1 err.txt)"
leftovers=$(find cache -name '*.tmp-*' | wc -l)
[ "$leftovers" = 0 ] || die "the blob cache keeps $leftovers partial download(s)"
[ ! -e out ] || die "the timed-out patch left ./out behind"
ok "no partial download in the cache, no output layout"
echo "passed $passed"
