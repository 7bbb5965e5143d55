#!/bin/sh
# --run-scripts end to end below the pipeline (lib/scriptrun/capture.c):
# the image (a base layer), the native layer in a writer, the plan's
# scripts run in dpkg's order in a scratch tree, their effects in the
# layer: a file a postinst writes, a file it deletes (whiteout), the
# installed version's prerm/postrm taken from the image (the native layer
# replaced them), Multi-Arch: same info names, the scratch tree removed.
set -eu
TOOL=$1
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
mkdir "$WORK/tmp"

python3 - "$WORK" <<'PY'
import io, os, subprocess, sys, tarfile
work = sys.argv[1]
def add(t, name, data=None, mode=0o644, kind=None):
    ti = tarfile.TarInfo(name)
    ti.mode, ti.mtime = mode, 1700000000
    if kind == "dir":
        ti.type = tarfile.DIRTYPE
        t.addfile(ti); return
    ti.size = len(data)
    t.addfile(ti, io.BytesIO(data))
def script(body):
    return ("#!/bin/sh\nset -e\n" + body + "\n").encode()
progs = ["/bin/dash", "/bin/rm"]
libs = sorted({l.split()[-2] if "=>" in l else l.split()[0] for p in progs
               for l in subprocess.run(["ldd", p], capture_output=True, text=True).stdout.splitlines()
               if "/" in l})
with tarfile.open(work + "/base.tar", "w") as t:
    dirs = set()
    for path in progs + libs + ["/var/lib/dpkg/info/x", "/usr/sbin/x", "/etc/x"]:
        parts = os.path.dirname(path).strip("/").split("/")
        for i in range(1, len(parts) + 1):
            d = "/".join(parts[:i])
            if d not in dirs:
                dirs.add(d); add(t, d, kind="dir", mode=0o755)
    add(t, "bin/sh", open("/bin/dash", "rb").read(), 0o755)
    add(t, "bin/rm", open("/bin/rm", "rb").read(), 0o755)
    for l in libs:
        add(t, l.lstrip("/"), open(os.path.realpath(l), "rb").read(), 0o755)
    add(t, "etc/obsolete", b"old\n")
    add(t, "var/lib/dpkg/info/a.list", b"")
    add(t, "var/lib/dpkg/info/a.prerm", script('echo "$1 $2" >/etc/a.old-prerm'), 0o755)
    add(t, "var/lib/dpkg/info/a.postrm", script('echo "$1 $2" >/etc/a.old-postrm'), 0o755)
    add(t, "var/lib/dpkg/info/a.postinst", script('echo old >/etc/wrong'), 0o755)
with tarfile.open(work + "/native.tar", "w") as t:
    add(t, "var/lib/dpkg/info/a.postinst",
        script('echo "configured from $2" >/etc/a.conf\nrm /etc/obsolete'), 0o755)
    add(t, "var/lib/dpkg/info/a.prerm", script('echo new-prerm-ran >/etc/wrong'), 0o755)
    add(t, "var/lib/dpkg/info/a.postrm", script('echo new-postrm-ran >/etc/wrong'), 0o755)
    add(t, "var/lib/dpkg/info/b:amd64.list", b"")
    add(t, "var/lib/dpkg/info/b:amd64.postinst",
        script('echo "$DPKG_MAINTSCRIPT_PACKAGE $DPKG_MAINTSCRIPT_ARCH [$2]" >/etc/b.conf'), 0o755)
PY
mkdir "$WORK/basedir"
tar -C "$WORK/basedir" -xf "$WORK/base.tar"

rc=0
TMPDIR=$WORK/tmp "$TOOL" debian "$WORK/out.tar" "$WORK/native.tar" "$WORK/base.tar" "$WORK/basedir" \
    "a,amd64,1.0,2.0" "b,amd64,-,1.5" >"$WORK/log" 2>&1 || rc=$?
cat "$WORK/log"
if grep -q 'user namespaces are not available' "$WORK/log"; then echo "SKIP: no user namespaces"; exit 77; fi
[ "$rc" = 0 ] || fail "capture failed"
[ -z "$(ls -A "$WORK/tmp")" ] || fail "the scratch tree was left in TMPDIR: $(ls -A "$WORK/tmp")"

python3 - "$WORK/out.tar" <<'PY'
import sys, tarfile
t = tarfile.open(sys.argv[1])
m = {x.name: x for x in t.getmembers()}
names = sorted(m)
def fail(msg):
    print("FAIL:", msg, names); sys.exit(1)
def content(n):
    if n not in m: fail(f"{n} missing")
    return t.extractfile(m[n]).read()
if content("etc/a.conf") != b"configured from 1.0\n": fail("a's postinst")
if content("etc/a.old-prerm") != b"upgrade 2.0\n": fail("the installed prerm did not run with upgrade NEW")
if content("etc/a.old-postrm") != b"upgrade 2.0\n": fail("the installed postrm did not run with upgrade NEW")
if content("etc/b.conf") != b"b amd64 []\n": fail("b's postinst (Multi-Arch: same info name)")
if "etc/.wh.obsolete" not in m: fail("a deletion is not a whiteout")
if "etc/wrong" in m: fail("a wrong script ran (the new prerm/postrm or the old postinst)")
if any("tmp.copa-old" in n or n.startswith(("proc", "dev", "tmp")) or n == "usr/sbin/policy-rc.d"
       for n in names): fail("scaffolding reached the layer")
want = {"etc/a.conf", "etc/a.old-prerm", "etc/a.old-postrm", "etc/b.conf", "etc/.wh.obsolete",
        "var/lib/dpkg/info/a.postinst", "var/lib/dpkg/info/a.prerm", "var/lib/dpkg/info/a.postrm",
        "var/lib/dpkg/info/b:amd64.list", "var/lib/dpkg/info/b:amd64.postinst"}
if set(names) != want: fail(f"expected exactly {sorted(want)}")
print("ok")
PY
echo PASS
