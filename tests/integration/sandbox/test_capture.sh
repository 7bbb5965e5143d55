#!/bin/sh
# --run-scripts' capture (lib/scriptrun): base layers and a native layer
# (from a layer writer) extracted into a scratch tree, a script run there in
# the sandbox, and what it changed added to the same writer: changed paths
# replace the native entry (each path once), deletions become whiteouts,
# owners other than root survive (from the manifest when not root),
# unchanged files are not re-emitted, a chmod keeps a file's capability.
# Layer paths through hostile symlinks stay in the tree.
# Run as root and, through setpriv, as an unprivileged user.
set -eu
TOOL=$1
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
chmod 755 "$WORK"
fail() { echo "FAIL: $*" >&2; exit 1; }

python3 - "$WORK" <<'PY'
import io, os, subprocess, sys, tarfile
work = sys.argv[1]
CAP = bytes.fromhex("0100000200200000000000000000000000000000")  # v2, cap_net_raw permitted
def add(t, name, data=None, mode=0o644, uid=0, gid=0, kind=None, link=None, pax=None):
    ti = tarfile.TarInfo(name)
    ti.mode, ti.uid, ti.gid, ti.mtime = mode, uid, gid, 1700000000
    if kind == "dir":
        ti.type = tarfile.DIRTYPE
    elif kind == "sym":
        ti.type, ti.linkname = tarfile.SYMTYPE, link
    if pax:
        ti.pax_headers = pax
    if data is not None:
        ti.size = len(data)
        t.addfile(ti, io.BytesIO(data))
    else:
        t.addfile(ti)
with tarfile.open(work + "/base.tar", "w", format=tarfile.PAX_FORMAT) as t:
    progs = ["/bin/dash", "/bin/rm", "/bin/ln", "/bin/chmod"]
    libs = sorted({l.split()[-2] if "=>" in l else l.split()[0]
                   for p in progs
                   for l in subprocess.run(["ldd", p], capture_output=True, text=True).stdout.splitlines()
                   if "/" in l})
    dirs = set()
    for path in progs + libs:
        parts = os.path.dirname(path).strip("/").split("/")
        for i in range(1, len(parts) + 1):
            d = "/".join(parts[:i])
            if d not in dirs:
                dirs.add(d); add(t, d, kind="dir", mode=0o755)
    add(t, "bin/sh", open("/bin/dash", "rb").read(), mode=0o755)
    for p in progs[1:]:
        add(t, p.lstrip("/"), open(p, "rb").read(), mode=0o755)
    for l in libs:
        add(t, l.lstrip("/"), open(os.path.realpath(l), "rb").read(), mode=0o755)
    for d in ["etc", "usr", "usr/bin", "usr/sbin", "var", "var/dir"]:
        if d not in dirs:
            add(t, d, kind="dir", mode=0o755)
    add(t, "etc/owned", b"a\n", mode=0o640, uid=42, gid=43)
    add(t, "etc/untouched", b"u\n", mode=0o644, uid=42, gid=43)
    add(t, "etc/gone", b"g\n")
    add(t, "etc/lowerwh", b"l\n")
    add(t, "var/dir/one", b"1\n")
    add(t, "var/dir/two", b"2\n")
    # Hostile parents: a relative and an absolute symlink leading "out" of the root.
    add(t, "up", kind="sym", link="../../../..")
    add(t, "abs", kind="sym", link="/")
    add(t, "up/ESCAPED_UP", b"x\n")
    add(t, "abs/ESCAPED_ABS", b"x\n")
    add(t, "usr/bin/pinger", b"\x7fELF-not-really\n", mode=0o755,
        pax={"SCHILY.xattr.security.capability": CAP.decode("latin-1")})
with tarfile.open(work + "/native.tar", "w", format=tarfile.PAX_FORMAT) as t:
    add(t, "etc/native_new", b"n\n")
    add(t, "etc/native_changed", b"1\n")
    add(t, "etc/native_removed", b"r\n")
    add(t, "etc/.wh.lowerwh", b"")
PY

SCRIPT='
set -e
[ ! -e /etc/lowerwh ]
[ -e /etc/native_new ]
echo b >>/etc/owned
echo 2 >>/etc/native_changed
rm /etc/gone /etc/native_removed
rm -r /var/dir
echo new >/etc/created
ln -s /etc/created /etc/link
chmod 0600 /etc/untouched
chmod 0750 /usr/bin/pinger
echo done'

check() { # LAYER LABEL
    python3 - "$1" "$2" <<'PY'
import sys, tarfile
layer, label = sys.argv[1], sys.argv[2]
t = tarfile.open(layer)
members = t.getmembers()
names = [m.name for m in members]
def fail(msg):
    print(f"FAIL ({label}): {msg}; entries: {names}"); sys.exit(1)
if len(names) != len(set(names)):
    fail("a path appears twice")
want = {"etc/native_new", "etc/native_changed", "etc/.wh.lowerwh", "etc/owned", "etc/untouched",
        "etc/.wh.gone", "etc/.wh.native_removed", "var/.wh.dir", "etc/created", "etc/link", "usr/bin/pinger"}
if set(names) != want:
    fail(f"expected exactly {sorted(want)}")
m = {x.name: x for x in members}
def content(n): return t.extractfile(m[n]).read()
if content("etc/native_changed") != b"1\n2\n": fail("the script's native_changed did not replace the native one")
if content("etc/native_new") != b"n\n": fail("native_new changed")
o = m["etc/owned"]
if content("etc/owned") != b"a\nb\n" or (o.uid, o.gid, o.mode) != (42, 43, 0o640):
    fail(f"etc/owned: {o.uid}:{o.gid} {oct(o.mode)}")
u = m["etc/untouched"]
if (u.uid, u.gid, u.mode) != (42, 43, 0o600): fail(f"etc/untouched: {u.uid}:{u.gid} {oct(u.mode)}")
c = m["etc/created"]
if (c.uid, c.gid) != (0, 0) or content("etc/created") != b"new\n": fail("etc/created")
if not m["etc/link"].issym() or m["etc/link"].linkname != "/etc/created": fail("etc/link")
p = m["usr/bin/pinger"]
cap = p.pax_headers.get("SCHILY.xattr.security.capability", "").encode("latin-1")
if p.mode != 0o750 or cap != bytes.fromhex("0100000200200000000000000000000000000000"):
    fail(f"usr/bin/pinger lost its capability: {oct(p.mode)} {cap.hex()}")
print(f"ok ({label})")
PY
}

mkdir "$WORK/s1"
rc=0
"$TOOL" capture "$WORK/s1" "$WORK/out1.tar" "$WORK/native.tar" "$WORK/base.tar" \
    -- /bin/sh -c "$SCRIPT" >"$WORK/log" 2>&1 || rc=$?
if [ "$rc" = 77 ]; then cat "$WORK/log"; echo "SKIP: user namespaces unavailable"; exit 77; fi
[ "$rc" = 0 ] || { cat "$WORK/log"; fail "capture"; }
cat "$WORK/log"
grep -q '^status: exit status 0$' "$WORK/log" || fail "the script failed"
for f in ESCAPED_UP ESCAPED_ABS; do
    [ -e "$WORK/s1/$f" ] || fail "$f was not extracted inside the tree"
    [ ! -e "$WORK/$f" ] && [ ! -e "/$f" ] && [ ! -e "$(dirname "$WORK")/$f" ] || fail "$f escaped the tree"
done
check "$WORK/out1.tar" root

if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
    mkdir -p "$WORK/nb/s2" && chown -R 65534:65534 "$WORK/nb"
    chmod 644 "$WORK"/*.tar
    setpriv --reuid=65534 --regid=65534 --clear-groups \
        "$TOOL" capture "$WORK/nb/s2" "$WORK/nb/out2.tar" "$WORK/native.tar" "$WORK/base.tar" \
        -- /bin/sh -c "$SCRIPT" >"$WORK/log" 2>&1 || { cat "$WORK/log"; fail "unprivileged capture"; }
    cat "$WORK/log"
    check "$WORK/nb/out2.tar" unprivileged
fi
echo PASS
