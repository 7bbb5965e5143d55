#!/usr/bin/env python3
"""The distroless form of a Debian root, as gcr.io/distroless assembles it:
no dpkg, apt or shell, and the package database as one stanza per package
in /var/lib/dpkg/status.d/<name> (without the Status and Conffiles fields
dpkg adds, since dpkg never ran) plus status.d/<name>.md5sums.

  make ROOT
      turn ROOT into that form; print the removed top-level paths (relative).
  reference ROOT PLAN_JSON DEB_STORE
      the same on ROOT, a copy of the regular image upgraded by apt: every
      path under a removed item goes, except what a package of the plan
      (copa's --dry-run --json) owns, since upgrading a package writes all
      its files and their parent directories again; those get the mode and
      owner of the package's data.tar (the .deb in DEB_STORE, by SHA-256),
      as the distroless image had no such path for dpkg to keep. The stanzas
      of upgraded packages keep their Conffiles: the upgrade recorded them
      (docs/dpkg.md: the stanza from the new control file, without Status
      when the image had none), while the others never had any."""
import glob, io, json, os, shutil, subprocess, sys, tarfile

REMOVED = ["var/lib/dpkg/info", "var/lib/dpkg/status", "var/lib/dpkg/status-old",
           "var/lib/dpkg/available", "var/lib/dpkg/triggers", "var/lib/dpkg/diversions",
           "var/lib/apt", "var/cache/apt", "var/cache/debconf", "var/log/apt",
           "var/log/dpkg.log", "var/log/alternatives.log"]
REMOVED_GLOBS = ["usr/bin/dpkg*", "usr/bin/apt*", "usr/bin/bash", "usr/bin/sh", "usr/bin/dash"]


def stanzas(text):
    for block in text.split("\n\n"):
        if block.strip():
            yield block.strip("\n")


def without_fields(block, dropped):
    out, skipping = [], False
    for line in block.split("\n"):
        if line[:1] in (" ", "\t"):
            if not skipping:
                out.append(line)
            continue
        skipping = line.startswith(dropped)
        if not skipping:
            out.append(line)
    return "\n".join(out) + "\n"


def write_status_d(root, upgraded=()):
    admin = os.path.join(root, "var/lib/dpkg")
    os.makedirs(admin + "/status.d", exist_ok=True)
    for block in stanzas(open(admin + "/status", encoding="utf-8").read()):
        fields = dict(l.split(": ", 1) for l in block.split("\n") if ": " in l and l[0] != " ")
        if not fields.get("Status", "").endswith(" installed"):
            continue
        name = fields["Package"]
        with open(admin + "/status.d/" + name, "w", encoding="utf-8") as f:
            f.write(without_fields(block, ("Status:",) if name in upgraded else
                                   ("Status:", "Conffiles:")))
        sums = glob.glob(admin + "/info/%s.md5sums" % name) + \
            glob.glob(admin + "/info/%s:*.md5sums" % name)
        if sums:
            shutil.copyfile(sums[0], admin + "/status.d/%s.md5sums" % name)


def removed_items(root):
    items = [p for p in REMOVED if os.path.lexists(os.path.join(root, p))]
    for g in REMOVED_GLOBS:
        items += sorted(os.path.relpath(p, root) for p in glob.glob(os.path.join(root, g)))
    return items


def remove(path):
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
    elif os.path.lexists(path):
        os.unlink(path)


def owned_by(root, names):
    keep = set()
    for name in names:
        for lst in glob.glob(os.path.join(root, "var/lib/dpkg/info/%s.list" % name)) + \
                glob.glob(os.path.join(root, "var/lib/dpkg/info/%s:*.list" % name)):
            for p in open(lst, encoding="utf-8", errors="surrogateescape"):
                p = p.rstrip("\n").lstrip("/")
                while p and p != ".":
                    keep.add(p)
                    p = os.path.dirname(p)
    return keep


def package_modes(packages, store):
    """{path: (mode, uid, gid)} from the data.tar of each planned .deb."""
    modes = {}
    for p in packages:
        deb = os.path.join(store, p["sha256"])
        tar_bytes = subprocess.run(["dpkg-deb", "--fsys-tarfile", deb], check=True,
                                   capture_output=True).stdout
        with tarfile.open(fileobj=io.BytesIO(tar_bytes)) as tar:
            for m in tar.getmembers():
                modes[os.path.normpath(m.name).lstrip("./")] = (m.mode, m.uid, m.gid)
    return modes


def prune(root, item, keep, modes):
    """Remove ROOT/ITEM and everything below it that KEEP does not hold;
    what it holds gets the package's mode and owner."""
    full = os.path.join(root, item)
    if item not in keep:
        remove(full)
        return
    if item in modes and not os.path.islink(full):
        mode, uid, gid = modes[item]
        os.chown(full, uid, gid)
        os.chmod(full, mode)
    if os.path.isdir(full) and not os.path.islink(full):
        for n in os.listdir(full):
            prune(root, os.path.join(item, n), keep, modes)


def main():
    cmd, root = sys.argv[1], sys.argv[2]
    if cmd == "make":
        write_status_d(root)
        items = removed_items(root)
        for item in items:
            remove(os.path.join(root, item))
        print("\n".join(items))
    elif cmd == "reference":
        packages = json.load(open(sys.argv[3]))["packages"]
        names = {p["name"] for p in packages}
        keep = owned_by(root, names)
        modes = package_modes(packages, sys.argv[4])
        write_status_d(root, names)
        for item in removed_items(root):
            prune(root, item, keep, modes)
    else:
        sys.exit("usage: distroless.py make ROOT | reference ROOT PLAN_JSON DEB_STORE")


main()
