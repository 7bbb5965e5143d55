#!/usr/bin/env bash
# A failed write into a shared layout walks what index.json reaches, to
# keep other writers' blobs. The layout may hold anyone's content: indexes
# that each name the next one many times must be read once per blob, not
# once per path (10 mentions over 7 levels would be 10^7 reads).
#
# usage: test_abort_walk.sh COPA
copa=$1
source "$(dirname "$0")/common.sh"

make_image src v1 1
# The layer (the largest blob) no longer matches its digest: the copy fails
# after the destination is open, and gives its blobs back.
layer=$(ls -S src/blobs/sha256/* | head -1)
chmod u+w "$layer"
head -c "$(stat -c %s "$layer")" /dev/zero >"$layer"

umoci init --layout L
python3 - L <<'PY'
import hashlib, json, os, sys
layout, fanout, depth = sys.argv[1], 10, 7
mt = "application/vnd.oci.image.index.v1+json"
def put(doc):
    data = json.dumps(doc).encode()
    digest = hashlib.sha256(data).hexdigest()
    with open(os.path.join(layout, "blobs", "sha256", digest), "wb") as f:
        f.write(data)
    return {"mediaType": mt, "digest": "sha256:" + digest, "size": len(data)}
d = put({"schemaVersion": 2, "mediaType": mt, "manifests": []})
for level in range(depth):
    d = put({"schemaVersion": 2, "mediaType": mt, "manifests": [d] * fanout})
top = dict(d, annotations={"org.opencontainers.image.ref.name": "deep"})
with open(os.path.join(layout, "index.json"), "w") as f:
    json.dump({"schemaVersion": 2, "mediaType": mt, "manifests": [top]}, f)
PY
before=$(tree_sum L)
status=0
timeout 30 "$copa" copy -q oci:src:v1 oci:L:x 2>err.txt || status=$?
cat err.txt
[ "$status" != 124 ] || die "the failed write did not finish in 30 s (walking index.json)"
[ "$status" != 0 ] || die "a copy of a corrupt layer succeeded"
[ "$(tree_sum L)" = "$before" ] || die "the failed write changed the layout"
ok "the failed write gave up promptly (exit $status) and left the layout as it was"
echo "passed $passed"
