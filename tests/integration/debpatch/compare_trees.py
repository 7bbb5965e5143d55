#!/usr/bin/env python3
"""Compare two root trees entry by entry: type, permission bits, owner,
symlink target and file content (not times). Paths given with --ignore
(prefixes, relative) are left out. Prints every difference; exit 1 if any.
Usage: compare_trees.py A B [--ignore PREFIX]..."""
import hashlib, os, stat, sys

a, b = sys.argv[1], sys.argv[2]
ignore = [sys.argv[i + 1] for i, x in enumerate(sys.argv) if x == '--ignore']

def walk(root):
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for n in dirnames + filenames:
            p = os.path.join(dirpath, n)
            rel = os.path.relpath(p, root)
            if any(rel == i or rel.startswith(i.rstrip('/') + '/') for i in ignore):
                continue
            st = os.lstat(p)
            info = [stat.S_IFMT(st.st_mode), oct(stat.S_IMODE(st.st_mode)), st.st_uid, st.st_gid]
            if stat.S_ISLNK(st.st_mode):
                info.append(os.readlink(p))
            elif stat.S_ISREG(st.st_mode):
                info.append(hashlib.sha256(open(p, 'rb').read()).hexdigest()[:16])
            out[rel] = info
    return out

ta, tb = walk(a), walk(b)
bad = 0
for rel in sorted(set(ta) | set(tb)):
    if ta.get(rel) != tb.get(rel):
        print('differs: %s\n  ours: %s\n  dpkg: %s' % (rel, ta.get(rel), tb.get(rel)))
        bad = 1
sys.exit(bad)
