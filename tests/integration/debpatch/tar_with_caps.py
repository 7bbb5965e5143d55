#!/usr/bin/env python3
"""Tar a root directory as an image layer (pax format, numeric owners);
the paths given after the root carry a file capability cap_net_raw=ep as a
SCHILY.xattr.security.capability pax record, as `setcap` leaves it in a
layer. Usage: tar_with_caps.py ROOT OUT.tar [PATH...]"""
import os, struct, sys, tarfile

root, out, caps = sys.argv[1], sys.argv[2], set(sys.argv[3:])
# vfs_cap_data revision 2, effective bit; permitted = cap_net_raw (13).
CAP = struct.pack('<IIIII', 0x02000001, 1 << 13, 0, 0, 0)

with tarfile.open(out, 'w', format=tarfile.PAX_FORMAT) as tar:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for n in [''] + sorted(dirnames + filenames) if dirpath == root else sorted(dirnames + filenames):
            p = os.path.join(dirpath, n) if n else root
            rel = os.path.relpath(p, root)
            ti = tar.gettarinfo(p, arcname=rel)
            ti.uname = ti.gname = ''
            if rel in caps:
                ti.pax_headers['SCHILY.xattr.security.capability'] = CAP.decode('latin-1')
            tar.addfile(ti, open(p, 'rb') if ti.isreg() else None)
