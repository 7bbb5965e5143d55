#!/usr/bin/env bash
# A failing write takes back only what it made (issue 13, item 9). A copy
# into a new layout fails (its registry answers the layer with a 404 after
# 3 s) while another copy commits a tag into that same layout: the other
# image must stay whole, and the failed copy must leave none of its own
# blobs. Alone, a failed copy still removes the layout it created; into a
# layout that existed, it leaves the layout as it was.
#
# usage: test_failed_write.sh COPA
copa=$1
source "$(dirname "$0")/common.sh"

make_image src v1 1
start_slow_registry fail 3

# A: creates L, then fails; B commits L:b meanwhile.
"$copa" copy -q --insecure-registry "$slow" "$slow/img:latest" oci:L:a >a.out 2>a.err &
a=$!
pids+=("$a")
for i in $(seq 1 100); do
    [ -e L/oci-layout ] && break
    sleep 0.05
done
[ -e L/oci-layout ] || die "the failing copy never created the layout"
"$copa" copy -q oci:src:v1 oci:L:b || die "the concurrent copy to L:b failed"
status=0
wait "$a" || status=$?
[ "$status" != 0 ] || die "the copy from a registry answering 404 succeeded"
grep -q "blob" a.err || die "the failed copy's message does not name the blob: $(cat a.err)"
ok "the failing copy exits $status: $(head -1 a.err)"
[ -d L ] || die "the failed copy removed the layout another copy committed into"
[ "$(tags L)" = b ] || die "tags are '$(tags L)', expected 'b'"
layout_ok L || die "L:b is incomplete after the failed copy"
only_reachable L || die "the failed copy left its blobs"
ok "L:b, committed during the failed copy, is intact; nothing of the failed copy is left"

# Alone into a new layout: nothing is left at all.
status=0
"$copa" copy -q --insecure-registry "$slow" "$slow/img:latest" oci:L2:a 2>/dev/null || status=$?
[ "$status" != 0 ] || die "the failing copy into L2 succeeded"
[ ! -e L2 ] || die "a failed copy left the layout it created: $(find L2 | head)"
ok "a failed copy into a new layout leaves nothing"

# Into a layout that existed: it stays as it was, byte for byte.
before=$(tree_sum L)
status=0
"$copa" copy -q --insecure-registry "$slow" "$slow/img:latest" oci:L:b 2>/dev/null || status=$?
[ "$status" != 0 ] || die "the failing copy into L succeeded"
[ "$(tree_sum L)" = "$before" ] || die "a failed copy changed the layout it wrote into"
ok "a failed copy into an existing layout leaves it unchanged"
echo "passed $passed"
