#!/usr/bin/env python3
"""Write one hostile .rpm: a real package (built by rpmbuild) whose payload
or header is replaced or altered. Usage: make_case.py CASE PLAIN FULL OUT
(PLAIN: noarch copa-plain, gzip; FULL: copa-full, gzip, with a %ghost)."""
import gzip
import struct
import sys

case, plain, full, out = sys.argv[1:5]


def layout(d):
    sil, sdl = struct.unpack('>II', d[104:112])
    send = 96 + 16 + 16 * sil + sdl
    hoff = send + (8 - (send - 96) % 8) % 8
    il, dl = struct.unpack('>II', d[hoff + 8:hoff + 16])
    return hoff, hoff + 16 + 16 * il + dl


def newc(entries):
    """entries: (name, mode, size-or-bytes, ino, nlink)"""
    b = bytearray()
    for name, mode, data, ino, nlink in entries + [('TRAILER!!!', 0, b'', 0, 1)]:
        nm = name.encode() + b'\0'
        fields = [ino, mode, 0, 0, nlink, 0, len(data), 0, 0, 0, 0, len(nm), 0]
        b += b'070701' + b''.join(b'%08X' % f for f in fields) + nm
        b += b'\0' * ((4 - len(b) % 4) % 4)
        b += data
        b += b'\0' * ((4 - len(b) % 4) % 4)
    return bytes(b)


def with_payload(src, entries, compress=gzip.compress):
    d = open(src, 'rb').read()
    _, pstart = layout(d)
    return d[:pstart] + compress(newc(entries))


DIR = 0o40755
REG = 0o100644
LNK = 0o120777
good_dir = ('./usr/share/copa-plain', DIR, b'', 1, 2)
good_data = ('./usr/share/copa-plain/data', REG, b'data\n', 2, 1)

if case == 'escape_dotdot':
    data = with_payload(plain, [good_dir, good_data, ('./../../etc/passwd', REG, b'x', 3, 1)])
elif case == 'escape_absolute':
    data = with_payload(plain, [good_dir, good_data, ('/etc/passwd', REG, b'x', 3, 1)])
elif case == 'extra_file':
    data = with_payload(plain, [good_dir, good_data, ('./usr/share/copa-plain/evil', REG, b'x', 3, 1)])
elif case == 'symlink_for_dir':
    data = with_payload(plain, [('./usr/share/copa-plain', LNK, b'/etc', 1, 1), good_data])
elif case == 'hardlink_not_in_header':
    data = with_payload(plain, [('./usr/share/copa-plain/data', REG, b'data\n', 2, 2),
                                ('./usr/share/copa-plain', REG, b'', 2, 2)])
elif case == 'duplicate':
    data = with_payload(plain, [good_dir, good_data, good_data])
elif case == 'missing':
    data = with_payload(plain, [good_dir])
elif case == 'size_lie':
    data = with_payload(plain, [good_dir, ('./usr/share/copa-plain/data', REG, b'x' * 100, 2, 1)])
elif case == 'ghost_in_payload':
    data = with_payload(full, [('./var/log/copa.log', REG, b'', 9, 1)])
elif case == 'name_huge':
    # a member header claiming a 2 GB name: libarchive would size a buffer by it
    d = open(plain, 'rb').read()
    hdr = b'070701' + b'%08X' % 1 + b'%08X' % REG + b'0' * 8 * 9 + b'77777777' + b'0' * 8
    data = d[:layout(d)[1]] + gzip.compress(hdr + b'x' * 1000)
elif case == 'bomb':
    # a 64 MiB file of zeros (64 KiB compressed) for a header that holds 5 bytes
    data = with_payload(plain, [good_dir, ('./usr/share/copa-plain/data', REG, b'\0' * (64 << 20), 2, 1)])
elif case == 'compressor_mismatch':
    import lzma
    data = with_payload(plain, [good_dir, good_data], compress=lzma.compress)
elif case == 'not_cpio':
    d = open(plain, 'rb').read()
    data = d[:layout(d)[1]] + gzip.compress(b'this is not a cpio archive at all' * 10)
else:
    d = bytearray(open(plain, 'rb').read())
    hoff, _ = layout(d)
    if case == 'header_huge_count':
        d[hoff + 8:hoff + 12] = b'\xff\xff\xff\xff'
    elif case == 'header_huge_data':
        d[hoff + 12:hoff + 16] = b'\x7f\xff\xff\xff'
    elif case == 'sig_huge_count':
        d[104:108] = b'\x00\x01\x00\x00'
    elif case == 'trailer_int_min':
        il, dl = struct.unpack('>II', d[hoff + 8:hoff + 16])
        roff = struct.unpack('>I', d[hoff + 24:hoff + 28])[0]
        t = hoff + 16 + 16 * il + roff
        d[t + 8:t + 12] = b'\x80\x00\x00\x00'
    elif case == 'entry_offset_past_store':
        d[hoff + 16 + 16 + 8:hoff + 16 + 16 + 12] = b'\x7f\xff\xff\xf0'
    elif case == 'truncated':
        d = d[:200]
    elif case == 'lead_only':
        d = d[:96]
    elif case == 'bad_lead':
        d[0] = 0
    else:
        sys.exit('unknown case ' + case)
    data = bytes(d)
open(out, 'wb').write(data)
