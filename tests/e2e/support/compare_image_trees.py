#!/usr/bin/env python3
"""Compare two unpacked image roots path by path: type, permission bits,
owner, content (SHA-256), symlink target, hard-link group and extended
attributes (security.capability and any other), never times.

  compare_image_trees.py COPA_ROOT APT_ROOT --owned ROOT --expected FILE

Every path on either side that differs is put in one class:
  db        the dpkg database: var/lib/dpkg/status, status.d/*, info/*
  owned     a path some package lists (the .list files of ROOT's dpkg
            database: the reference's) or a parent directory of one
  expected  matches a glob of FILE ("GLOB  reason" lines, fnmatch: `*`
            also crosses `/`; `#` comments), e.g. what a maintainer script
            writes and copa does not run
  unexpected  anything else
Exit 1 when any db, owned or unexpected difference exists, else 0. Prints
each difference (what differs on which side), then each expected glob
with the paths it excused (a glob that excused none is stale or waits for
a package that had no update today), then the count per class."""
import argparse, fnmatch, glob, hashlib, os, stat, sys

DB = ["var/lib/dpkg/status", "var/lib/dpkg/status.d/*", "var/lib/dpkg/info/*"]
KIND = {stat.S_IFREG: "file", stat.S_IFDIR: "dir", stat.S_IFLNK: "symlink",
        stat.S_IFCHR: "chardev", stat.S_IFBLK: "blockdev", stat.S_IFIFO: "fifo",
        stat.S_IFSOCK: "socket"}


def fsname(p):
    return os.fsdecode(p).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def walk(root):
    """{relative path: {attribute: value}} for every path below ROOT."""
    out, inodes = {}, {}
    for dirpath, dirnames, filenames in os.walk(root):
        for n in dirnames + filenames:
            p = os.path.join(dirpath, n)
            rel = os.path.relpath(p, root)
            st = os.lstat(p)
            e = {"type": KIND.get(stat.S_IFMT(st.st_mode), "?"),
                 "mode": "%04o" % stat.S_IMODE(st.st_mode),
                 "owner": "%d:%d" % (st.st_uid, st.st_gid)}
            if stat.S_ISLNK(st.st_mode):
                e["target"] = os.readlink(p)
            elif stat.S_ISREG(st.st_mode):
                h = hashlib.sha256()
                with open(p, "rb") as f:
                    for block in iter(lambda: f.read(1 << 20), b""):
                        h.update(block)
                e["sha256"] = h.hexdigest()[:16]
                if st.st_nlink > 1:
                    inodes.setdefault((st.st_dev, st.st_ino), []).append(rel)
            elif stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
                e["rdev"] = "%d,%d" % (os.major(st.st_rdev), os.minor(st.st_rdev))
            xattrs = {}
            for name in os.listxattr(p, follow_symlinks=False):
                xattrs[name] = os.getxattr(p, name, follow_symlinks=False).hex()
            if xattrs:
                e["xattrs"] = xattrs
            out[rel] = e
    for group in inodes.values():
        if len(group) > 1:
            for rel in group:
                out[rel]["hardlinks"] = sorted(set(group) - {rel})
    return out


def owned_paths(root):
    """Every path the .list files of ROOT's database name, and their parent
    directories, also under the name a merged /usr gives it (bin/ping is
    usr/bin/ping when bin is a symlink to usr/bin)."""
    aliases = {}
    for n in os.listdir(root):
        p = os.path.join(root, n)
        if os.path.islink(p) and os.path.isdir(p):
            aliases[n] = os.path.relpath(os.path.realpath(p), os.path.realpath(root))
    owned = set()
    for lst in glob.glob(os.path.join(root, "var/lib/dpkg/info/*.list")):
        with open(lst, "rb") as f:
            for line in f:
                p = os.fsdecode(line.rstrip(b"\n")).lstrip("/")
                top, sep, rest = p.partition("/")
                names = [p] + ([aliases[top] + sep + rest] if top in aliases and rest else [])
                for p in names:
                    while p and p != "." and p not in owned:
                        owned.add(p)
                        p = os.path.dirname(p)
    return owned


def read_expected(path):
    rules = []
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if line and not line.startswith("#"):
            pattern, _, reason = line.partition(" ")
            rules.append((pattern, reason.strip()))
    return rules


def show(e):
    if e is None:
        return "absent"
    return " ".join("%s=%s" % kv for kv in e.items())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("copa")
    ap.add_argument("apt")
    ap.add_argument("--owned", required=True)
    ap.add_argument("--expected", required=True)
    args = ap.parse_args()
    ours, theirs = walk(args.copa), walk(args.apt)
    owned = owned_paths(args.owned)
    rules = read_expected(args.expected)
    classes = {"db": [], "owned": [], "expected": [], "unexpected": []}
    per_rule = {}
    for rel in sorted(set(ours) | set(theirs)):
        a, b = ours.get(rel), theirs.get(rel)
        if a == b:
            continue
        if any(fnmatch.fnmatchcase(rel, g) for g in DB):
            cls = "db"
        elif rel in owned:
            cls = "owned"
        else:
            rule = next((r for r in rules if fnmatch.fnmatchcase(rel, r[0])), None)
            cls = "expected" if rule else "unexpected"
            if rule:
                per_rule.setdefault(rule, []).append(rel)
        if a and b:
            what = ", ".join("%s %s vs %s" % (k, a.get(k, "-"), b.get(k, "-"))
                             for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k))
        else:
            what = ("only in copa's: " + show(a)) if a else ("only in apt's: " + show(b))
        classes[cls].append("%-10s /%s: %s" % (cls, fsname(rel), what))
    for cls in ("db", "owned", "unexpected"):
        for line in classes[cls]:
            print(line)
    for rule in rules:
        paths = per_rule.get(rule, [])
        shown = ", ".join("/" + fsname(p) for p in paths[:4]) + (", ..." if len(paths) > 4 else "")
        print("expected   %s: %d path(s)%s" % (rule[0], len(paths), (": " + shown) if paths else ""))
    print("compared %d paths: %s" % (len(set(ours) | set(theirs)),
          ", ".join("%d %s" % (len(v), k) for k, v in classes.items())))
    bad = classes["db"] or classes["owned"] or classes["unexpected"]
    sys.exit(1 if bad else 0)


main()
