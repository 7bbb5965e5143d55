#!/usr/bin/env python3
"""Build the small .apk v2 packages the installed-database differential test
installs with apk-tools (tests/unit/apk/test_installed_differential.c).

An .apk v2 is concatenated gzip streams: [signature,] control (a tar of
.PKGINFO without the end-of-archive blocks), data (a tar of the files, each
regular file with a PAX record APK-TOOLS.checksum.SHA1). .PKGINFO's
datahash is the SHA-256 of the data stream. apk-tools accepts unsigned
packages with --allow-untrusted, so there is no signature stream here.

usage: make_test_apks.py OUT_DIR
"""
import gzip
import hashlib
import io
import os
import sys
import tarfile

MTIME = 1700000000


def tar_bytes(entries, cut):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for info, data in entries:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    raw = buf.getvalue()
    if cut:  # the data stream continues this tar: drop its end blocks
        while raw.endswith(b"\0" * 512):
            raw = raw[:-512]
    return raw


def entry(path, mode, content=None, link=None):
    info = tarfile.TarInfo(path)
    info.mode, info.mtime, info.uname, info.gname = mode, MTIME, "root", "root"
    if link is not None:
        info.type, info.linkname = tarfile.SYMTYPE, link
        info.pax_headers = {"APK-TOOLS.checksum.SHA1": hashlib.sha1(link.encode()).hexdigest()}
    elif content is None:
        info.type = tarfile.DIRTYPE
    else:
        info.size = len(content)
        info.pax_headers = {"APK-TOOLS.checksum.SHA1": hashlib.sha1(content).hexdigest()}
    return info, content


def package(out_dir, name, version, files, origin=None, depends=(), provides=(), install_if=(),
            priority=None, replaces=()):
    data = gzip.compress(tar_bytes([entry(*f) for f in files], False), mtime=0)
    lines = [f"pkgname = {name}", f"pkgver = {version}", f"pkgdesc = test package {name}",
             f"url = https://example.invalid/{name}", f"builddate = {MTIME}",
             "packager = Test <test@example.invalid>", "size = 4096", "arch = x86_64",
             f"origin = {origin or name}", "license = MIT", "commit = 0123456789abcdef0123456789abcdef01234567"]
    lines += [f"depend = {d}" for d in depends]
    lines += [f"provides = {p}" for p in provides]
    lines += [f"install_if = {i}" for i in install_if]
    lines += [f"replaces = {r}" for r in replaces]
    if priority is not None:
        lines.append(f"provider_priority = {priority}")
    lines.append(f"datahash = {hashlib.sha256(data).hexdigest()}")
    info = ("\n".join(lines) + "\n").encode()
    pkginfo = tarfile.TarInfo(".PKGINFO")
    pkginfo.size, pkginfo.mtime = len(info), MTIME
    control = gzip.compress(tar_bytes([(pkginfo, info)], True), mtime=0)
    with open(os.path.join(out_dir, f"{name}-{version}.apk"), "wb") as f:
        f.write(control + data)


def main():
    out = sys.argv[1]
    package(out, "libfoo", "2.0-r1", [
        ("usr", 0o755), ("usr/lib", 0o755),
        ("usr/lib/libfoo.so.2", 0o755, b"\x7fELF not really"),
        ("usr/lib/libfoo.so", 0o777, None, "libfoo.so.2"),
        ("var", 0o755), ("var/lib", 0o755), ("var/lib/foo", 0o700),
    ], origin="foo", provides=["so:libfoo.so.2=2"], priority=10)
    for version, text, extra in (("1.0-r0", b"#!/bin/sh\necho hi\n", [("etc", 0o755), ("etc/hello.conf", 0o640, b"x=1\n")]),
                                 ("1.1-r0", b"#!/bin/sh\necho hello\n", [("usr/share", 0o755), ("usr/share/hello", 0o755), ("usr/share/hello/README", 0o644, b"hello\n")])):
        package(out, "hello", version, [
            ("usr", 0o755), ("usr/bin", 0o755), ("usr/bin/hello", 0o4755, text)] + extra,
            depends=["so:libfoo.so.2", "libfoo>=2.0"], provides=[f"cmd:hello={version}"],
            replaces=["hello-old"], priority=5)
    package(out, "foo-doc", "2.0-r1", [
        ("usr", 0o755), ("usr/share", 0o755), ("usr/share/doc", 0o755), ("usr/share/doc/foo", 0o755),
        ("usr/share/doc/foo/README", 0o644, b"docs\n")], origin="foo", install_if=["libfoo=2.0-r1", "docs"])
    package(out, "Alpha-tool", "0.1_rc2-r0", [("usr", 0o755), ("usr/bin", 0o755), ("usr/bin/alpha", 0o755, b"a\n")])


if __name__ == "__main__":
    main()
