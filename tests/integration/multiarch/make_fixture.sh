#!/usr/bin/env bash
# A small multi-platform OCI layout for the rebuild tests, made with umoci
# (one layer and a config per platform) and Python (the indexes):
#   multi   OCI index: linux/amd64, linux/arm64 (variant v8), linux/arm/v7,
#           windows/amd64 (os.version), then buildx attestation manifests
#           for amd64 and arm64; annotations on the arm entry and the index
#   plain   the same platforms without attestations
# usage: make_fixture.sh LAYOUT_DIR
set -euo pipefail
out=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
umoci init --layout "$out"
for spec in amd64:linux:amd64 arm64:linux:arm64 arm:linux:arm win:windows:amd64; do
    IFS=: read -r tag os arch <<<"$spec"
    mkdir -p "$work/$tag/etc"
    echo "platform $tag" >"$work/$tag/etc/platform"
    tar -C "$work/$tag" --owner=0 --group=0 --mtime=@0 -cf "$work/$tag.tar" etc
    umoci new --image "$out:$tag"
    umoci raw add-layer --image "$out:$tag" "$work/$tag.tar"
    umoci config --image "$out:$tag" --os "$os" --architecture "$arch" --author test
done
umoci gc --layout "$out"
python3 - "$out" <<'PY'
import hashlib, json, os, sys

layout = sys.argv[1]
blobs = os.path.join(layout, "blobs", "sha256")

def put(obj):
    data = json.dumps(obj, separators=(",", ":")).encode()
    digest = hashlib.sha256(data).hexdigest()
    open(os.path.join(blobs, digest), "wb").write(data)
    return "sha256:" + digest, len(data)

top = json.load(open(os.path.join(layout, "index.json")))
tagged = {m["annotations"]["org.opencontainers.image.ref.name"]: m for m in top["manifests"]}
platforms = {"amd64": {"architecture": "amd64", "os": "linux"},
             "arm64": {"architecture": "arm64", "os": "linux", "variant": "v8"},
             "arm": {"architecture": "arm", "os": "linux", "variant": "v7"},
             "win": {"architecture": "amd64", "os": "windows", "os.version": "10.0.17763.1"}}
entries = []
for tag, platform in platforms.items():
    d = tagged[tag]
    entry = {"mediaType": d["mediaType"], "digest": d["digest"], "size": d["size"],
             "platform": platform}
    if tag == "arm":
        entry["annotations"] = {"org.example.note": "kept"}
    entries.append(entry)

def attestation(subject):
    layer, layer_size = put({"_type": "https://in-toto.io/Statement/v0.1",
                             "subject": [{"digest": {"sha256": subject[7:]}}]})
    config, config_size = put({})
    digest, size = put({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                   "digest": config, "size": config_size},
                        "layers": [{"mediaType": "application/vnd.in-toto+json",
                                    "digest": layer, "size": layer_size}]})
    return {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": digest,
            "size": size, "platform": {"architecture": "unknown", "os": "unknown"},
            "annotations": {"vnd.docker.reference.digest": subject,
                            "vnd.docker.reference.type": "attestation-manifest"}}

indexes = {
    "multi": {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
              "manifests": entries + [attestation(entries[0]["digest"]),
                                      attestation(entries[1]["digest"])],
              "annotations": {"org.example.index": "yes"}},
    "plain": {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
              "manifests": entries[:3]},
}
for tag, index in indexes.items():
    digest, size = put(index)
    top["manifests"].append({"mediaType": index["mediaType"], "digest": digest, "size": size,
                             "annotations": {"org.opencontainers.image.ref.name": tag}})
json.dump(top, open(os.path.join(layout, "index.json"), "w"))
PY
