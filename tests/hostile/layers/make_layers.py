#!/usr/bin/env python3
"""OCI images whose layers try to make copa read the host (issue 13, hostile
layers): links that leave the image, hard links to host paths, devices,
and whiteouts that collide with what lower layers hold.

usage: make_layers.py LAYOUT
Tags (each an image of one or two layers):
  abs_etc        /etc is a symlink to "/etc"; no os-release of its own (inside
                 the image that is a link to itself)
  climb_etc      /etc is ../../../../../../etc (past the root: itself again)
  abs_dpkg       a Debian os-release, /var/lib/dpkg a link to "/var/lib/dpkg"
  hardlink_out   os-release is a hard link to /etc/os-release (absolute), a
                 second one to ../../../etc/os-release
  device         a Debian os-release and status, plus /dev/sda and a fifo
  whiteouts      layer 1 Debian; layer 2 whites out /etc (.wh.etc), then
                 brings an Alpine os-release back in the same layer, and an
                 opaque /var/lib/dpkg
"""
import gzip
import hashlib
import io
import json
import os
import sys
import tarfile

# A name no host has, so output naming it came from the image.
DEBIAN = (b'PRETTY_NAME="Debian GNU/Linux 12 (copa hostile layers)"\nID=debian\nVERSION_ID="12"\n')
ALPINE = b'ID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME="Alpine Linux v3.20"\n'
STATUS = (b"Package: base-files\nStatus: install ok installed\nArchitecture: amd64\n"
          b"Version: 12.4+deb12u8\nDescription: x\n")


def entry(name, kind="file", data=b"", link="", mode=0o644):
    info = tarfile.TarInfo(name)
    info.mtime = 1700000000
    info.mode = mode
    if kind == "dir":
        info.type, info.mode = tarfile.DIRTYPE, 0o755
    elif kind == "sym":
        info.type, info.linkname = tarfile.SYMTYPE, link
    elif kind == "hard":
        info.type, info.linkname = tarfile.LNKTYPE, link
    elif kind == "chr":
        info.type, info.devmajor, info.devminor = tarfile.CHRTYPE, 8, 0
    elif kind == "fifo":
        info.type = tarfile.FIFOTYPE
    else:
        info.size = len(data)
    return info, (io.BytesIO(data) if kind == "file" else None)


def layer(entries):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as t:
        for e in entries:
            t.addfile(*entry(*e) if isinstance(e, tuple) else e)
    tar = raw.getvalue()
    return gzip.compress(tar, mtime=0), "sha256:" + hashlib.sha256(tar).hexdigest()


def blob(root, data):
    digest = hashlib.sha256(data).hexdigest()
    with open(os.path.join(root, "blobs", "sha256", digest), "wb") as f:
        f.write(data)
    return {"digest": "sha256:" + digest, "size": len(data)}


def image(root, tag, layers, manifests):
    descs, ids = [], []
    for entries in layers:
        data, diff_id = layer(entries)
        d = blob(root, data)
        d["mediaType"] = "application/vnd.oci.image.layer.v1.tar+gzip"
        descs.append(d)
        ids.append(diff_id)
    config = {"architecture": "amd64", "os": "linux",
              "rootfs": {"type": "layers", "diff_ids": ids}}
    c = blob(root, json.dumps(config).encode())
    c["mediaType"] = "application/vnd.oci.image.config.v1+json"
    m = blob(root, json.dumps({"schemaVersion": 2,
                               "mediaType": "application/vnd.oci.image.manifest.v1+json",
                               "config": c, "layers": descs}).encode())
    m["mediaType"] = "application/vnd.oci.image.manifest.v1+json"
    m["annotations"] = {"org.opencontainers.image.ref.name": tag}
    manifests.append(m)


def main():
    root = sys.argv[1]
    os.makedirs(os.path.join(root, "blobs", "sha256"), exist_ok=True)
    with open(os.path.join(root, "oci-layout"), "w") as f:
        f.write('{"imageLayoutVersion":"1.0.0"}')
    m = []
    image(root, "abs_etc", [[("etc", "sym", b"", "/etc"), ("app", "file", b"x")]], m)
    image(root, "climb_etc", [[("etc", "sym", b"", "../../../../../../etc")]], m)
    image(root, "abs_dpkg", [[("etc", "dir"), ("etc/os-release", "file", DEBIAN),
                              ("var", "dir"), ("var/lib", "dir"),
                              ("var/lib/dpkg", "sym", b"", "/var/lib/dpkg")]], m)
    image(root, "hardlink_out", [[("etc", "dir"), ("etc/os-release", "hard", b"", "/etc/os-release"),
                                  ("usr", "dir"), ("usr/lib", "dir"),
                                  ("usr/lib/os-release", "hard", b"", "../../../etc/os-release")]], m)
    image(root, "device", [[("etc", "dir"), ("etc/os-release", "file", DEBIAN), ("dev", "dir"),
                            ("dev/sda", "chr"), ("dev/fifo", "fifo"), ("var", "dir"),
                            ("var/lib", "dir"), ("var/lib/dpkg", "dir"),
                            ("var/lib/dpkg/status", "file", STATUS)]], m)
    image(root, "whiteouts", [
        [("etc", "dir"), ("etc/os-release", "file", DEBIAN), ("var", "dir"), ("var/lib", "dir"),
         ("var/lib/dpkg", "dir"), ("var/lib/dpkg/status", "file", STATUS)],
        [(".wh.etc", "file"), ("etc", "dir"), ("etc/os-release", "file", ALPINE),
         ("var", "dir"), ("var/lib", "dir"), ("var/lib/dpkg", "dir"),
         ("var/lib/dpkg/.wh..wh..opq", "file")]], m)
    with open(os.path.join(root, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "manifests": m}, f)


if __name__ == "__main__":
    main()
