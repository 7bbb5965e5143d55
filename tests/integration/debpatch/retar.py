#!/usr/bin/env python3
"""Rewrite a .deb (built with -Znone) so that the named data.tar members
are owned by user/group NAME with numeric id ID, and every other member by
root. Usage: retar.py DEB NAME ID MEMBER..."""
import io, sys, tarfile

deb, name, num, members = sys.argv[1], sys.argv[2], int(sys.argv[3]), set(sys.argv[4:])

def read_ar(path):
    data = open(path, 'rb').read()
    assert data[:8] == b'!<arch>\n'
    pos, out = 8, []
    while pos < len(data):
        hdr = data[pos:pos + 60]
        fname = hdr[:16].decode().strip().rstrip('/')
        size = int(hdr[48:58])
        out.append((fname, data[pos + 60:pos + 60 + size]))
        pos += 60 + size + (size & 1)
    return out

def write_ar(path, members):
    with open(path, 'wb') as f:
        f.write(b'!<arch>\n')
        for fname, body in members:
            f.write(('%-16s%-12d%-6d%-6d%-8s%-10d`\n' % (fname, 0, 0, 0, '100644', len(body))).encode())
            f.write(body)
            if len(body) & 1:
                f.write(b'\n')

parts = read_ar(deb)
new = []
for fname, body in parts:
    if fname.startswith('data.tar'):
        src = tarfile.open(fileobj=io.BytesIO(body))
        buf = io.BytesIO()
        dst = tarfile.open(fileobj=buf, mode='w', format=tarfile.GNU_FORMAT)
        for m in src.getmembers():
            if m.name in members or m.name.rstrip('/') + '/' in members:
                m.uname = m.gname = name
                m.uid = m.gid = num
            else:
                m.uname = m.gname = 'root'
                m.uid = m.gid = 0
            dst.addfile(m, src.extractfile(m) if m.isreg() else None)
        dst.close()
        body = buf.getvalue()
        fname = 'data.tar'
    new.append((fname, body))
write_ar(deb, new)
