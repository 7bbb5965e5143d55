#!/usr/bin/env python3
"""Build hostile image archives with tarfile (issue 13, items 1 and 2).

usage: make_archives.py OUTDIR SECRET_NAME

Each archive is a docker-archive (manifest.json + config + layer) or an
oci-archive with one hostile twist. The link chains are made so that, had
copa extracted the archive into $TMPDIR/copa-image-XXXXXX (TMPDIR being
OUTDIR/tmp, as the test sets it), "d/up/d/up/../.." would have reached
OUTDIR: the test looks for OUTDIR/PWNED and for SECRET_NAME's contents.
"""
import hashlib
import io
import json
import sys
import tarfile

out, secret_name = sys.argv[1], sys.argv[2]


def empty_layer():
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT):
        pass
    return buf.getvalue()


LAYER = empty_layer()


def sha(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def config(diff_ids, labels=None):
    return json.dumps({
        "architecture": "amd64", "os": "linux",
        "config": {"Labels": labels or {}},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
    }).encode()


def add_file(tar, name, data, mode=0o644):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = mode
    tar.addfile(info, io.BytesIO(data))


def add_link(tar, name, target, kind=tarfile.SYMTYPE):
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = target
    tar.addfile(info)


def docker_archive(path, layers=("layer.tar",), extra=None, cfg=None, layer_data=LAYER):
    """extra(tar) adds the hostile entries before manifest.json."""
    cfg = cfg if cfg is not None else config([sha(LAYER)] * len(layers))
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as tar:
        if extra is not None:
            extra(tar)
        add_file(tar, "config.json", cfg)
        if "layer.tar" in layers:
            add_file(tar, "layer.tar", layer_data)
        add_file(tar, "manifest.json", json.dumps(
            [{"Config": "config.json", "RepoTags": ["hostile/x:1"], "Layers": list(layers)}]
        ).encode())


def chain_up(tar):
    add_link(tar, "d/up", "..")


# Item 1: every link looks inside on its own; through each other they reach
# OUTDIR, and e/PWNED would be written there by an extractor.
def write_through_chain(tar):
    chain_up(tar)
    add_link(tar, "e", "d/up/d/up/../..")
    add_file(tar, "e/PWNED", b"pwned\n")


docker_archive(out + "/chain.tar", extra=write_through_chain)
with tarfile.open(out + "/chain-oci.tar", "w", format=tarfile.PAX_FORMAT) as tar:
    write_through_chain(tar)
    add_file(tar, "oci-layout", b'{"imageLayoutVersion":"1.0.0"}')
    add_file(tar, "index.json", b'{"schemaVersion":2,"manifests":[]}')


# Item 2: manifest.json names a layer through the chain; it would read the
# host file OUTDIR/SECRET_NAME. The config's diff_id is that file's digest,
# so nothing but the path itself stands in the way.
def leak(tar):
    chain_up(tar)
    add_link(tar, "h", "d/up/d/up/../..")


with open(out + "/" + secret_name, "rb") as f:
    secret = f.read()
docker_archive(out + "/leak.tar", layers=("h/" + secret_name,), extra=leak,
               cfg=config([sha(secret)]))

# Hard links: one pointing out of the archive, one legitimate (layer dedup).
docker_archive(out + "/hardlink-out.tar", layers=("x/layer.tar",),
               extra=lambda t: add_link(t, "x/layer.tar", "../" + secret_name, tarfile.LNKTYPE))
docker_archive(out + "/hardlink-in.tar", layers=("layer.tar", "again/layer.tar"),
               cfg=config([sha(LAYER)] * 2),
               extra=lambda t: None)
with tarfile.open(out + "/hardlink-in.tar", "a") as tar:
    add_link(tar, "again/layer.tar", "layer.tar", tarfile.LNKTYPE)


# An absolute path and a character device.
docker_archive(out + "/absolute.tar", extra=lambda t: add_file(t, "/abs/x", b"x"))


def device(tar):
    info = tarfile.TarInfo("dev/null")
    info.type = tarfile.CHRTYPE
    info.devmajor, info.devminor = 1, 3
    tar.addfile(info)


docker_archive(out + "/device.tar", extra=device)

# The same name twice (a later entry would silently replace the first).
docker_archive(out + "/duplicate.tar", extra=lambda t: add_file(t, "layer.tar", b"other"))

# A header that claims 1 TiB, then the archive ends: the claim is never
# trusted for allocation, the short read is an error.
with open(out + "/huge.tar", "wb") as f:
    info = tarfile.TarInfo("layer.tar")
    info.size = 1 << 40
    f.write(info.tobuf(tarfile.PAX_FORMAT) + b"x" * 512)

# An image whose label holds terminal escape sequences.
docker_archive(out + "/escape.tar",
               cfg=config([sha(LAYER)], {"evil": "\x1b]0;owned\x07\x1b[2J\x1b[31mred"}))

# A scanner report whose package name holds the same.
with open(out + "/escape-report.json", "w") as f:
    json.dump({
        "apiVersion": "v1alpha1",
        "metadata": {"os": {"type": "debian", "version": "12"}, "config": {"arch": "amd64"}},
        "updates": [{"name": "libc6\x1b[2J\x1b]0;owned\x07", "installedVersion": "1",
                     "fixedVersion": "2", "vulnerabilityID": "CVE-2024-0001\x1b[31m"}],
    }, f)
