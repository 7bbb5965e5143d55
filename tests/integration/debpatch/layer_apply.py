#!/usr/bin/env python3
"""Apply an uncompressed OCI layer tar onto a directory the way a container
runtime does: .wh.NAME removes NAME, .wh..wh..opq empties a directory,
other entries replace what is there (an existing directory is kept and
gets the entry's metadata). Usage: layer_apply.py LAYER.tar ROOT"""
import os, shutil, sys, tarfile

layer, root = sys.argv[1], os.path.abspath(sys.argv[2])

def remove(p):
    if os.path.isdir(p) and not os.path.islink(p):
        shutil.rmtree(p)
    elif os.path.lexists(p):
        os.unlink(p)

with tarfile.open(layer) as tar:
    for m in tar.getmembers():
        d, base = os.path.split(m.name)
        assert not os.path.isabs(m.name) and '..' not in m.name.split('/'), m.name
        if base == '.wh..wh..opq':
            for n in os.listdir(os.path.join(root, d)):
                remove(os.path.join(root, d, n))
            continue
        if base.startswith('.wh.'):
            remove(os.path.join(root, d, base[4:]))
            continue
        p = os.path.join(root, m.name)
        if not (m.isdir() and os.path.isdir(p) and not os.path.islink(p)):
            remove(p)
        tar.extract(m, root, set_attrs=True, numeric_owner=True)
