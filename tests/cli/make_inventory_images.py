#!/usr/bin/env python3
"""Build a small OCI layout of images for the `copa packages` tests.

usage: make_inventory_images.py LAYOUT
Tags:
  regular     Debian 12 with a dpkg status file (Source fields with and without
              a version, Multi-Arch same with a foreign architecture, arch all,
              a removed package whose config files remain)
  distroless  the same packages as distroless status.d stanza files
  patched     regular plus a layer that looks like copa's patch layer (its
              labels name the base layer count and "libssl3=<new version>")
  alpine      an Alpine root (an OS copa has no engine for)
  scratch     no os-release at all
  latin1      regular, but os-release's PRETTY_NAME is Latin-1 (not UTF-8)
Also writes LAYOUT.status (the regular image's status file) and
LAYOUT.patched-status, for dpkg-query --admindir comparisons.
"""
import gzip
import hashlib
import io
import json
import os
import sys
import tarfile

OS_RELEASE = (b'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\n'
              b'VERSION_ID="12"\nVERSION_CODENAME=bookworm\nID=debian\n')

STANZAS = [
    "Package: base-files\nEssential: yes\nStatus: install ok installed\nPriority: required\n"
    "Section: admin\nMaintainer: M <m@example.org>\nArchitecture: amd64\nMulti-Arch: foreign\n"
    "Version: 12.4+deb12u8\nDescription: Debian base system miscellaneous files\n",
    "Package: libc6\nStatus: install ok installed\nPriority: optional\nSection: libs\n"
    "Maintainer: M <m@example.org>\nArchitecture: amd64\nMulti-Arch: same\nSource: glibc\n"
    "Version: 2.36-9+deb12u9\nDescription: GNU C Library: Shared libraries\n",
    "Package: libc6\nStatus: install ok installed\nPriority: optional\nSection: libs\n"
    "Maintainer: M <m@example.org>\nArchitecture: i386\nMulti-Arch: same\nSource: glibc\n"
    "Version: 2.36-9+deb12u9\nDescription: GNU C Library: Shared libraries\n",
    "Package: libssl3\nStatus: install ok installed\nPriority: optional\nSection: libs\n"
    "Maintainer: M <m@example.org>\nArchitecture: amd64\nMulti-Arch: same\n"
    "Source: openssl (3.0.14-1~deb12u2)\nVersion: 3.0.14-1~deb12u2+b1\n"
    "Description: Secure Sockets Layer toolkit - shared libraries\n",
    "Package: tzdata\nStatus: install ok installed\nPriority: required\nSection: localization\n"
    "Maintainer: M <m@example.org>\nArchitecture: all\nMulti-Arch: foreign\n"
    "Version: 2024a-0+deb12u1\nDescription: time zone and daylight-saving time data\n",
    "Package: old-tool\nStatus: deinstall ok config-files\nPriority: optional\n"
    "Section: utils\nMaintainer: M <m@example.org>\nArchitecture: amd64\nVersion: 1.0-1\n"
    "Conffiles:\n /etc/old-tool.conf 0123456789abcdef0123456789abcdef\n"
    "Description: a removed tool\n",
]
NEW_SSL = "3.0.15-1~deb12u1"


def status_text(stanzas):
    return "\n".join(stanzas).encode()


def layer(files):
    """A gzip'd tar of {path: bytes}; returns (blob, diff_id)."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as t:
        dirs = set()
        for path in sorted(files):
            parts = path.split("/")[:-1]
            for i in range(1, len(parts) + 1):
                d = "/".join(parts[:i])
                if d not in dirs:
                    dirs.add(d)
                    info = tarfile.TarInfo(d)
                    info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o755, 1700000000
                    t.addfile(info)
            info = tarfile.TarInfo(path)
            info.size, info.mode, info.mtime = len(files[path]), 0o644, 1700000000
            t.addfile(info, io.BytesIO(files[path]))
    tar = raw.getvalue()
    return gzip.compress(tar, mtime=0), "sha256:" + hashlib.sha256(tar).hexdigest()


class Layout:
    def __init__(self, root):
        self.root = root
        os.makedirs(os.path.join(root, "blobs", "sha256"), exist_ok=True)
        with open(os.path.join(root, "oci-layout"), "w") as f:
            f.write('{"imageLayoutVersion":"1.0.0"}')
        self.manifests = []

    def blob(self, data):
        digest = hashlib.sha256(data).hexdigest()
        with open(os.path.join(self.root, "blobs", "sha256", digest), "wb") as f:
            f.write(data)
        return {"digest": "sha256:" + digest, "size": len(data)}

    def image(self, tag, layers, labels=None):
        descs, diff_ids = [], []
        for files in layers:
            blob, diff_id = layer(files)
            d = self.blob(blob)
            d["mediaType"] = "application/vnd.oci.image.layer.v1.tar+gzip"
            descs.append(d)
            diff_ids.append(diff_id)
        config = {"architecture": "amd64", "os": "linux", "config": {"Labels": labels or {}},
                  "rootfs": {"type": "layers", "diff_ids": diff_ids}}
        c = self.blob(json.dumps(config).encode())
        c["mediaType"] = "application/vnd.oci.image.config.v1+json"
        manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "config": c, "layers": descs}
        m = self.blob(json.dumps(manifest).encode())
        m["mediaType"] = "application/vnd.oci.image.manifest.v1+json"
        m["annotations"] = {"org.opencontainers.image.ref.name": tag}
        self.manifests.append(m)

    def close(self):
        with open(os.path.join(self.root, "index.json"), "w") as f:
            json.dump({"schemaVersion": 2, "manifests": self.manifests}, f)


def main():
    root = sys.argv[1]
    out = Layout(root)
    base = {"etc/os-release": OS_RELEASE, "var/lib/dpkg/status": status_text(STANZAS),
            "etc/passwd": b"root:x:0:0:root:/root:/bin/sh\n"}
    out.image("regular", [base])
    distroless = {"etc/os-release": OS_RELEASE}
    for s in STANZAS:
        if "installed" in s.split("Status: ")[1].split("\n")[0]:
            name = s.split("\n")[0].split(": ")[1]
            arch = s.split("Architecture: ")[1].split("\n")[0]
            distroless["var/lib/dpkg/status.d/%s_%s" % (name, arch)] = s.encode()
    out.image("distroless", [distroless])
    patched = [s.replace("3.0.14-1~deb12u2+b1", NEW_SSL).replace(" (3.0.14-1~deb12u2)", "")
               if s.startswith("Package: libssl3") else s for s in STANZAS]
    out.image("patched", [base, {"var/lib/dpkg/status": status_text(patched)}],
              labels={"sh.copa.image.patched": "true", "sh.copa.image.base.layers": "1",
                      "sh.copa.image.patched.packages": "libssl3=" + NEW_SSL})
    out.image("alpine", [{"etc/os-release": b'ID=alpine\nVERSION_ID=3.20.3\n'
                                            b'PRETTY_NAME="Alpine Linux v3.20"\n',
                          "lib/apk/db/installed": b"P:musl\nV:1.2.5-r0\n\n"}])
    out.image("scratch", [{"app": b"hello\n"}])
    latin1 = dict(base)
    latin1["etc/os-release"] = OS_RELEASE.replace(b'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"',
                                                  b'PRETTY_NAME="Debian \xe9dition 12"')
    out.image("latin1", [latin1])
    out.close()
    with open(root + ".status", "wb") as f:
        f.write(status_text(STANZAS))
    with open(root + ".patched-status", "wb") as f:
        f.write(status_text(patched))


if __name__ == "__main__":
    main()
