#!/usr/bin/env python3
"""Alter one byte of a .rpm: in the main header's data store ("header"),
in the payload ("payload"), or in the header with the signature header's
SHA-256, SHA-1, MD5 and sizes recomputed so only the OpenPGP signature can
notice ("header-redigest"); or hide the header-only RSA signature (tag 268
renamed to 1999, "drop-header-sig") so only a header + payload one is left."""
import hashlib
import struct
import sys

src, mode, dst = sys.argv[1:4]
d = bytearray(open(src, 'rb').read())


def header_at(off):
    il, dl = struct.unpack('>II', d[off + 8:off + 16])
    return il, dl, off + 16 + 16 * il, off + 16 + 16 * il + dl


sil, sdl, sstore, send = header_at(96)
hoff = send + (8 - (send - 96) % 8) % 8
il, dl, store, hend = header_at(hoff)


def find(tag):
    for i in range(sil):
        t, ty, o, c = struct.unpack('>IIiI', d[96 + 16 + 16 * i:96 + 32 + 16 * i])
        if t == tag:
            return sstore + o, c
    return None, None


if mode == 'drop-header-sig':
    for i in range(sil):
        at = 96 + 16 + 16 * i
        if struct.unpack('>I', d[at:at + 4])[0] == 268:
            d[at:at + 4] = struct.pack('>I', 1999)
elif mode == 'payload':
    d[hend + (len(d) - hend) // 2] ^= 0x01
else:
    # the NAME string: the first byte of tag 1000's data
    for i in range(il):
        t, ty, o, c = struct.unpack('>IIiI', d[hoff + 16 + 16 * i:hoff + 32 + 16 * i])
        if t == 1000:
            d[store + o] ^= 0x02  # 'c' -> 'a': still a valid name
    if mode == 'header-redigest':
        hdr = bytes(d[hoff:hend])
        for tag, h in ((273, hashlib.sha256), (269, hashlib.sha1)):
            off, _ = find(tag)
            if off is not None:
                hx = h(hdr).hexdigest().encode()
                d[off:off + len(hx)] = hx
        off, _ = find(1004)
        if off is not None:
            d[off:off + 16] = hashlib.md5(bytes(d[hoff:])).digest()
open(dst, 'wb').write(bytes(d))
