#!/usr/bin/env bash
# Concurrent pushes of images that share a layer into one repository, on
# the real distribution registry: ROUNDS rounds of N parallel `copa copy`
# from an OCI layout of N images (eight shared layers, each its own config and layer)
# into a fresh repository per round, so every copy uploads the shared layer
# while the others PUT their manifests. distribution 2.8 rewrites a
# repository's blob link in place on each upload, and a manifest PUT that
# reads it meanwhile fails with DIGEST_INVALID (about 1 push in 40-100
# before copa retried). Every copy must succeed and every tag must be
# readable with its own manifest. Runs under run.sh --with.
#
# usage: push_race.sh COPA WORKDIR [ROUNDS] [N]
set -uo pipefail
copa=$1
work=$2
rounds=${3:-12}
n=${4:-8}
reg=${COPA_TEST_PLAIN:?run under tests/integration/registry/run.sh --with}
command -v skopeo >/dev/null || { echo "SKIP: skopeo not installed"; exit 77; }
rm -rf "$work"
mkdir -p "$work"
export XDG_CACHE_HOME=$work/cache

python3 - "$work/layout" "$n" <<'PY'
import gzip, hashlib, io, json, os, random, sys, tarfile
out, n = sys.argv[1], int(sys.argv[2])
os.makedirs(out + "/blobs/sha256")
def put(data):
    d = hashlib.sha256(data).hexdigest()
    open(out + "/blobs/sha256/" + d, "wb").write(data)
    return "sha256:" + d, len(data)
def layer(name, size, seed):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as t:
        body = random.Random(seed).randbytes(size)
        info = tarfile.TarInfo(name); info.size = size; info.mtime = 0
        t.addfile(info, io.BytesIO(body))
    tar = raw.getvalue()
    gz = gzip.compress(tar, mtime=0)
    return put(gz) + ("sha256:" + hashlib.sha256(tar).hexdigest(),)
# Several shared layers: each upload commit rewrites a link that every
# manifest PUT of the round reads.
shared = [layer(f"shared{k}.bin", 96 << 10, k) for k in range(8)]
manifests = []
for i in range(n):
    own = layer(f"own{i}.txt", 64, 100 + i)
    config = json.dumps({"architecture": "amd64", "os": "linux",
                         "config": {"Labels": {"n": str(i)}},
                         "rootfs": {"type": "layers", "diff_ids": [l[2] for l in shared + [own]]}}).encode()
    cd, cs = put(config)
    m = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": cs},
                    "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": d, "size": s}
                               for d, s, _ in shared + [own]]}).encode()
    md, ms = put(m)
    manifests.append({"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": md, "size": ms,
                      "annotations": {"org.opencontainers.image.ref.name": f"t{i}"}})
json.dump({"schemaVersion": 2, "manifests": manifests}, open(out + "/index.json", "w"))
open(out + "/oci-layout", "w").write('{"imageLayoutVersion":"1.0.0"}')
PY

# The shared layers, pushed once; then re-uploaded without pause by
# reupload.py (other clients pushing images with these layers) while the
# rounds run.
"$copa" copy -q --insecure-registry "$reg" "oci:$work/layout:t0" "docker://$reg/race/app:seed" ||
    { echo "cannot seed the repository"; exit 1; }
python3 - "$work/layout" >"$work/shared.list" <<'PY'
import json, sys
root = sys.argv[1]
index = json.load(open(root + "/index.json"))
m = json.load(open(root + "/blobs/sha256/" + index["manifests"][0]["digest"][7:]))
for layer in m["layers"][:-1]:
    print(root + "/blobs/sha256/" + layer["digest"][7:])
PY
mapfile -t shared_files <"$work/shared.list"
python3 "$(dirname "$0")/reupload.py" "$reg" race/app "$work/stop" "${shared_files[@]}" &
hammer=$!
trap 'touch "$work/stop"; kill "$hammer" 2>/dev/null' EXIT

start=$SECONDS
pushes=0 failed=0
for round in $(seq 1 "$rounds"); do
    pids=()
    for i in $(seq 0 $((n - 1))); do
        "$copa" copy -q --insecure-registry "$reg" "oci:$work/layout:t$i" \
            "docker://$reg/race/app:r$round-t$i" 2>"$work/copy-$round-$i.err" &
        pids+=($!)
    done
    for i in $(seq 0 $((n - 1))); do
        pushes=$((pushes + 1))
        if ! wait "${pids[$i]}"; then
            failed=$((failed + 1))
            echo "round $round copy $i: $(cat "$work/copy-$round-$i.err")"
        fi
    done
done
touch "$work/stop"
wait "$hammer" || { echo "reupload.py failed"; exit 1; }
echo "$failed of $pushes concurrent pushes failed ($((SECONDS - start)) s)"
[ "$failed" -eq 0 ] || exit 1
# Every tag of the last round is there with the manifest it was given.
for i in $(seq 0 $((n - 1))); do
    want=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["manifests"][int(sys.argv[2])]["digest"])' \
        "$work/layout/index.json" "$i")
    got=$(skopeo inspect --tls-verify=false --format '{{.Digest}}' "docker://$reg/race/app:r$rounds-t$i" 2>&1)
    [ "$got" = "$want" ] || { echo "race/app:r$rounds-t$i is $got, not $want"; exit 1; }
done
echo "ok"
