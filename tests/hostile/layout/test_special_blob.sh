#!/usr/bin/env bash
# A layout's blobs must be regular files. Whoever could write the layout
# can put a fifo where a blob belongs: opening it waited for a writer
# forever. A fifo or device blob is refused, naming the blob.
#
# usage: test_special_blob.sh COPA
copa=$1
source "$(dirname "$0")/common.sh"

make_image src v1 1
manifest=$(jq -r '.manifests[0].digest' src/index.json)
blob=src/blobs/sha256/${manifest#sha256:}
rm -f "$blob"
mkfifo "$blob"
status=0
timeout 20 "$copa" inspect oci:src:v1 >out.txt 2>err.txt || status=$?
cat out.txt err.txt
[ "$status" != 124 ] || die "copa waited on a fifo in place of a blob"
[ "$status" = 3 ] || die "exit $status, expected 3"
grep -qF "${manifest#sha256:}: not a regular file" err.txt || die "the message does not name the blob"
ok "a fifo in place of the manifest is refused (exit 3)"

rm -f "$blob"
ln -s /dev/zero "$blob"
status=0
timeout 20 "$copa" inspect oci:src:v1 >out.txt 2>err.txt || status=$?
cat out.txt err.txt
[ "$status" = 3 ] || die "a device in place of a blob: exit $status, expected 3"
ok "a device in place of the manifest is refused (exit 3)"
# Writing: a fifo where the copy's manifest will go is replaced, not read.
make_image src2 v1 1
manifest=$(jq -r '.manifests[0].digest' src2/index.json)
mkdir -p dst/blobs/sha256
printf '{"imageLayoutVersion":"1.0.0"}' >dst/oci-layout
printf '{"schemaVersion":2,"manifests":[]}' >dst/index.json
mkfifo "dst/blobs/sha256/${manifest#sha256:}"
status=0
timeout 20 "$copa" copy -q oci:src2:v1 oci:dst:x >out.txt 2>err.txt || status=$?
cat out.txt err.txt
[ "$status" != 124 ] || die "copa waited on a fifo in the destination layout"
[ "$status" = 0 ] || die "copy into a layout with a fifo blob: exit $status"
layout_ok dst || die "dst:x is incomplete"
ok "a fifo in the destination's blob store is replaced by the blob"

# The layout's own files: a fifo as index.json or oci-layout is refused too.
for name in index.json oci-layout; do
    make_image "src-$name" v1 1
    rm -f "src-$name/$name"
    mkfifo "src-$name/$name"
    status=0
    timeout 20 "$copa" inspect "oci:src-$name:v1" >out.txt 2>err.txt || status=$?
    cat out.txt err.txt
    [ "$status" != 124 ] || die "copa waited on a fifo as $name"
    [ "$status" = 3 ] || die "a fifo as $name: exit $status, expected 3"
    grep -qF "$name: not a regular file" err.txt || die "the message does not name $name"
    ok "a fifo as the layout's $name is refused (exit 3)"
done
echo "passed $passed"
