"""Writes the gzip inputs of test_gunzip.c into the directory argv[1].

Members are built by hand (header fields, trailers) around raw deflate data
from zlib, so each file differs from a good one in exactly one known way.
"""
import io
import os
import random
import struct
import sys
import tarfile
import zlib

out = sys.argv[1]
rng = random.Random(1952)


def tar_bytes(files):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        d = tarfile.TarInfo("etc")
        d.type, d.mode, d.mtime = tarfile.DIRTYPE, 0o755, 1000
        t.addfile(d)
        for name, data in files:
            i = tarfile.TarInfo(name)
            i.size, i.mode, i.mtime = len(data), 0o644, 1000
            t.addfile(i, io.BytesIO(data))
        link = tarfile.TarInfo("etc/link")
        link.type, link.linkname, link.mode = tarfile.SYMTYPE, "hostname", 0o777
        t.addfile(link)
    return buf.getvalue()


def deflate(data, level=6):
    c = zlib.compressobj(level, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def member(data, flags=0, extra=None, name=None, comment=None, level=6, crc=None, isize=None,
           body=None):
    head = b"\x1f\x8b\x08" + bytes([flags]) + struct.pack("<I", 1000) + b"\x00\x03"
    if flags & 4:
        head += struct.pack("<H", len(extra)) + extra
    if flags & 8:
        head += name + b"\x00"
    if flags & 16:
        head += comment + b"\x00"
    if flags & 2:
        head += struct.pack("<H", zlib.crc32(head) & 0xFFFF)
    crc = zlib.crc32(data) if crc is None else crc
    isize = len(data) & 0xFFFFFFFF if isize is None else isize
    body = deflate(data, level) if body is None else body
    return head + body + struct.pack("<II", crc & 0xFFFFFFFF, isize)


def write(name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)


text = b"".join(b"line %d of a compressible file\n" % i for i in range(6000))
noise = bytes(rng.getrandbits(8) for _ in range(70000))
base = tar_bytes([("etc/hostname", b"box\n"), ("etc/text", text), ("etc/noise", noise)])
write("base.tar", base)
good = member(base)
write("good.gz", good)

# Several members, cut at odd places, at different levels, with an empty one.
cuts = [0, 777, 40001, 40001, len(base)]
write("multi.gz", b"".join(member(base[a:b], level=(1, 6, 0, 9)[i])
                           for i, (a, b) in enumerate(zip(cuts, cuts[1:]))))
# One member per 512-byte tar block: many small members.
write("many.gz", b"".join(member(base[i:i + 512]) for i in range(0, len(base), 512)))

# Every combination of FHCRC, FEXTRA, FNAME and FCOMMENT.
for flags in range(0, 32, 2):
    write("flags%02d.gz" % flags,
          member(base, flags=flags, extra=bytes(range(256)) * 2, name=b"layer\xe9.tar",
                 comment=b"a comment " * 40))
# A header CRC that does not match; reserved flag bits set.
hcrc = bytearray(member(base, flags=2))
hcrc[10] ^= 0xFF
write("bad-hcrc.gz", bytes(hcrc))
write("reserved-flag.gz", member(base, flags=0x20))
write("bad-method.gz", b"\x1f\x8b\x07" + good[3:])

# Corrupt data: a flipped byte in stored data (only the CRC can tell), an
# invalid block type, a flipped byte in compressed data.
stored = bytearray(member(base, level=0))
stored[len(stored) // 2] ^= 0x01
write("flipped-stored.gz", bytes(stored))
block = bytearray(good)
block[10] |= 0x06  # BTYPE = 11, reserved
write("bad-block.gz", bytes(block))
flipped = bytearray(good)
flipped[len(flipped) // 3] ^= 0x10
write("flipped-deflate.gz", bytes(flipped))
write("bad-crc.gz", member(base, crc=zlib.crc32(base) ^ 0x00010000))
write("bad-isize.gz", member(base, isize=len(base) + 1))
write("bad-crc-second.gz", good + member(b"x" * 100, crc=1))

# Truncations: in the header, in a header field, in the data, in the trailer.
write("cut-header.gz", good[:5])
named = member(base, flags=8, name=b"a-long-file-name.tar")
write("cut-name.gz", named[:16])
write("cut-middle.gz", good[: len(good) // 2])
write("cut-trailer.gz", good[:-3])
write("cut-no-trailer.gz", good[:-8])
write("cut-second.gz", good + good[:20])
write("cut-one-byte.gz", good + b"\x1f")

# After the last member: zeros (ignored), garbage (rejected).
write("zeros-1.gz", good + b"\x00")
write("zeros-1024.gz", good + bytes(1024))
write("multi-zeros.gz", member(base[:1000]) + member(base[1000:]) + bytes(4096))
write("garbage.gz", good + b"garbage\n")
write("zeros-garbage.gz", good + bytes(100) + b"!")
write("zeros-member.gz", good + bytes(8) + member(b""))

# Empty tar (just the end-of-archive blocks) and an empty member.
empty = io.BytesIO()
tarfile.open(fileobj=empty, mode="w").close()
write("empty.tar", empty.getvalue())
write("empty-tar.gz", member(empty.getvalue()))
write("empty-member.gz", member(b""))

# ~20 MB: half random, half compressible; compressed by the shell tools.
big_text = b"".join(b"%08d some text that deflate likes to see %d\n" % (i, i % 97)
                    for i in range(200000))
write("big.tar", tar_bytes([("etc/hostname", b"box\n"), ("big/random", os.urandom(11 << 20)),
                            ("big/text", big_text)]))
