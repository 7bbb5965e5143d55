#!/usr/bin/env python3
"""Hostile APKINDEX.tar.gz and .apk files for tests/hostile/apk/run.sh.

usage: make_hostile.py CASE DIR  -> writes DIR/in (the file to read) and
DIR/keys/ (a trusted key), built with tests/support/apk/apkbuild.py.
"""
import gzip
import hashlib
import io
import os
import random
import sys
import tarfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "support", "apk"))
import apkbuild  # noqa: E402


def zeros_gz(n, prefix=b""):
    """A gzip member of `prefix` and n zero bytes, compressed a MiB at a time (fast)."""
    c = zlib.compressobj(1, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = b"\0" * (1 << 20)
    out = [c.compress(prefix)] + [c.compress(chunk) for _ in range(n >> 20)]
    out.append(c.flush())
    return b"".join(out)


def header(name, size, typeflag=b"0"):
    info = tarfile.TarInfo(name)
    info.size = size
    info.type = typeflag
    return info.tobuf(format=tarfile.USTAR_FORMAT)


def package(files, **extra):
    spec = {"name": "evil", "version": "1-r0", "files": files}
    spec.update(extra)
    return apkbuild.build_package(spec)


def with_data(data_tar):
    """A package whose data member is `data_tar` (raw), with a true datahash."""
    data = apkbuild.gz(data_tar)
    info = apkbuild.pkginfo_text({"name": "evil", "version": "1-r0"}, 0,
                                 hashlib.sha256(data).hexdigest())
    return apkbuild.gz(apkbuild.cut_tar([(".PKGINFO", info, 0o644)])) + data


def main(case, d):
    keys = os.path.join(d, "keys")
    os.makedirs(keys, exist_ok=True)
    priv = os.path.join(d, "priv.pem")
    apkbuild.main(["genkey", priv, os.path.join(keys, "trusted.rsa.pub")])
    good = package([{"path": "a", "content": "x"}])
    open(os.path.join(d, "good.apk"), "wb").write(good)
    index = apkbuild.build_index([os.path.join(d, "good.apk")], "d")
    if case == "index_signature_bomb":
        blob = zeros_gz(64 << 20, header(".SIGN.RSA.trusted.rsa.pub", 256)) + index
    elif case == "index_member_huge":
        tar = header("APKINDEX", 300 << 20) + b"C:Q1" + b"\0" * 508
        blob = apkbuild.gz(tar)
    elif case == "index_zero_bomb":
        blob = zeros_gz(1 << 30)
    elif case == "index_key_name_path":
        sig = apkbuild.rsa_sign(priv, "RSA", index)
        blob = apkbuild.gz(apkbuild.cut_tar(
            [(".SIGN.RSA.../../../../etc/ssl/certs/x.pem", sig, 0o644)])) + index
    elif case == "index_only_signature":
        sig = apkbuild.rsa_sign(priv, "RSA", b"")
        blob = apkbuild.gz(apkbuild.cut_tar([(".SIGN.RSA.trusted.rsa.pub", sig, 0o644)]))
    elif case == "index_garbage":
        # Fixed bytes: random ones now and then read as another damage.
        blob = b"\x1f\x8b\x08\x00" + random.Random(15).randbytes(4096)
    elif case == "index_empty":
        blob = b""
    elif case == "index_long_line":
        text = b"P:a\nT:" + b"x" * (1 << 20) + b"\n"
        blob = apkbuild.build_index([], "d", extra=text.decode())
    elif case == "pkg_control_bomb":
        blob = zeros_gz(64 << 20, header(".PKGINFO", 64)) + good
    elif case == "pkg_many_members":
        members = [(".PKGINFO", b"pkgname = a\npkgver = 1\n", 0o644)]
        members += [(".m%05d" % i, b"", 0o644) for i in range(5000)]
        blob = apkbuild.gz(apkbuild.cut_tar(members)) + apkbuild.gz(b"\0" * 1024)
    elif case == "pkg_truncated":
        blob = good[:-40]
    elif case == "pkg_dotdot":
        blob = package([{"path": "usr/../../../etc/passwd", "content": "root::0:0::/:/bin/sh\n"}])
    elif case == "pkg_absolute":
        blob = package([{"path": "/etc/passwd", "content": "x"}])
    elif case == "pkg_symlink_parent":
        blob = package([{"path": "etc", "symlink": "/host-etc"},
                        {"path": "etc/passwd", "content": "x"}])
    elif case == "pkg_hardlink_out":
        blob = package([{"path": "x", "hardlink": "../../../etc/shadow"}])
    elif case == "pkg_pax_huge":
        buf = io.BytesIO()
        tf = tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT)
        info = tarfile.TarInfo("a")
        info.pax_headers = {"comment": "x" * (2 << 20)}
        tf.addfile(info, io.BytesIO(b""))
        tf.close()
        blob = with_data(buf.getvalue())
    elif case == "pkg_pax_checksum_bad":
        buf = io.BytesIO()
        tf = tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT)
        info = tarfile.TarInfo("a")
        info.pax_headers = {"APK-TOOLS.checksum.SHA1": "not-hex"}
        tf.addfile(info, io.BytesIO(b""))
        tf.close()
        blob = with_data(buf.getvalue())
    elif case == "pkg_symlink_with_body":
        # A symlink header claiming content: a smuggled header hides in it.
        hidden = header("../../etc/evil", 0)
        tar = header("l", 512, tarfile.SYMTYPE) + hidden + b"\0" * 1024
        blob = with_data(tar)
    else:
        raise SystemExit("unknown case " + case)
    open(os.path.join(d, "in"), "wb").write(blob)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
