#!/usr/bin/env python3
"""Combine two single-platform OCI layouts (tag "base": linux/amd64 and
linux/arm64) into one layout OUT with tag "index": an OCI index of amd64,
arm64 (variant v8), a windows/amd64 entry (a manifest of its own) and a
buildx attestation manifest for the amd64 entry.

--break-arm FILE puts one more layer on the arm64 image that replaces
/var/lib/dpkg/status with FILE (a platform whose patch must fail).

usage: make_index.py OUT AMD_LAYOUT ARM_LAYOUT [--break-arm FILE]
"""
import gzip
import hashlib
import io
import json
import os
import shutil
import sys
import tarfile

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"


def main():
    out, amd, arm = sys.argv[1:4]
    broken = sys.argv[5] if len(sys.argv) > 5 and sys.argv[4] == "--break-arm" else None
    shutil.rmtree(out, ignore_errors=True)
    blobs = os.path.join(out, "blobs", "sha256")
    os.makedirs(blobs)
    with open(os.path.join(out, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)
    for layout in (amd, arm):
        src = os.path.join(layout, "blobs", "sha256")
        for name in os.listdir(src):
            shutil.copyfile(os.path.join(src, name), os.path.join(blobs, name))

    def put(data):
        digest = hashlib.sha256(data).hexdigest()
        with open(os.path.join(blobs, digest), "wb") as f:
            f.write(data)
        return "sha256:" + digest, len(data)

    def put_json(obj):
        return put(json.dumps(obj, separators=(",", ":")).encode())

    def base_of(layout):
        top = json.load(open(os.path.join(layout, "index.json")))
        return [m for m in top["manifests"]
                if m["annotations"]["org.opencontainers.image.ref.name"] == "base"][0]

    def blob(digest):
        return open(os.path.join(blobs, digest[7:]), "rb").read()

    amd_desc, arm_desc = base_of(amd), base_of(arm)
    if arm_desc["digest"] == amd_desc["digest"]:
        # One layout for both (a bindings test): a manifest and config of its
        # own that say arm64 (the packages inside stay what they are).
        manifest = json.loads(blob(arm_desc["digest"]))
        config = json.loads(blob(manifest["config"]["digest"]))
        config["architecture"], config["variant"] = "arm64", "v8"
        manifest["config"]["digest"], manifest["config"]["size"] = put_json(config)
        digest, size = put_json(manifest)
        arm_desc = {"digest": digest, "size": size}
    if broken:
        arm_desc = add_status_layer(arm_desc, broken, blob, put, put_json)
    config, config_size = put_json({"architecture": "amd64", "os": "windows",
                                    "rootfs": {"type": "layers", "diff_ids": []}})
    win, win_size = put_json({"schemaVersion": 2, "mediaType": OCI_MANIFEST,
                              "config": {"mediaType": OCI_CONFIG, "digest": config,
                                         "size": config_size},
                              "layers": []})
    statement, statement_size = put_json({"_type": "https://in-toto.io/Statement/v0.1",
                                          "subject": [{"digest": {"sha256": amd_desc["digest"][7:]}}]})
    empty, empty_size = put_json({})
    att, att_size = put_json({"schemaVersion": 2, "mediaType": OCI_MANIFEST,
                              "config": {"mediaType": OCI_CONFIG, "digest": empty, "size": empty_size},
                              "layers": [{"mediaType": "application/vnd.in-toto+json",
                                          "digest": statement, "size": statement_size}]})
    entries = [
        {"mediaType": OCI_MANIFEST, "digest": amd_desc["digest"], "size": amd_desc["size"],
         "platform": {"architecture": "amd64", "os": "linux"}},
        {"mediaType": OCI_MANIFEST, "digest": arm_desc["digest"], "size": arm_desc["size"],
         "platform": {"architecture": "arm64", "os": "linux", "variant": "v8"}},
        {"mediaType": OCI_MANIFEST, "digest": win, "size": win_size,
         "platform": {"architecture": "amd64", "os": "windows", "os.version": "10.0.17763.1"}},
        {"mediaType": OCI_MANIFEST, "digest": att, "size": att_size,
         "platform": {"architecture": "unknown", "os": "unknown"},
         "annotations": {"vnd.docker.reference.digest": amd_desc["digest"],
                         "vnd.docker.reference.type": "attestation-manifest"}},
    ]
    index, index_size = put_json({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                                  "manifests": entries})
    with open(os.path.join(out, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "manifests": [
            {"mediaType": "application/vnd.oci.image.index.v1+json", "digest": index, "size": index_size,
             "annotations": {"org.opencontainers.image.ref.name": "index"}}]}, f)


def add_status_layer(desc, status_file, blob, put, put_json):
    """The image of desc plus a layer holding status_file as the dpkg status."""
    raw = io.BytesIO()
    data = open(status_file, "rb").read()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        info = tarfile.TarInfo("var/lib/dpkg/status")
        info.size = len(data)
        info.mode = 0o644
        tar.addfile(info, io.BytesIO(data))
    layer = raw.getvalue()
    diff_id = "sha256:" + hashlib.sha256(layer).hexdigest()
    layer_digest, layer_size = put(gzip.compress(layer, mtime=0))
    manifest = json.loads(blob(desc["digest"]))
    config = json.loads(blob(manifest["config"]["digest"]))
    config["rootfs"]["diff_ids"].append(diff_id)
    config_digest, config_size = put_json(config)
    manifest["config"]["digest"], manifest["config"]["size"] = config_digest, config_size
    manifest["layers"].append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                               "digest": layer_digest, "size": layer_size})
    digest, size = put_json(manifest)
    return {"digest": digest, "size": size}


if __name__ == "__main__":
    main()
