#!/bin/sh
# Package and image paths are bytes: UTF-8 names, names that are not UTF-8
# at all (Latin-1), long non-ASCII paths, non-ASCII symlink targets and
# hardlink names go from a dpkg-deb package through the patch layer writer
# unchanged, under any locale, and an image layer holding such names is
# read. Checked with python tarfile, GNU tar, umoci and dpkg.
# The tools call setlocale(LC_ALL, "") as an application would.
# Usage: test_nonascii.sh DEBPATCH_TOOL SRCDIR LAYER_TOOL
set -eu
TOOL=$1
HERE=$2
LAYER_TOOL=$3
for t in dpkg dpkg-deb apt-ftparchive python3 tar umoci; do
    command -v $t >/dev/null 2>&1 || { echo "SKIP: $t not installed"; exit 77; }
done
W=$(mktemp -d /tmp/copa-nonascii-XXXXXX)
SERVER_PID=
cleanup() {
    [ -z "$SERVER_PID" ] || kill "$SERVER_PID" 2>/dev/null || true
    [ -n "${COPA_KEEP:-}" ] && echo "kept $W" || rm -rf "$W"
}
trap cleanup EXIT
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
ok() { echo "ok: $*"; }
EPOCH=1700000000

# --- intlpkg v1 (installed) and v2 (in the repository).
CA=usr/share/ca-certificates/mozilla
UTF8_NAME='NetLock_Arany_=Class_Gold=_Főtanúsítvány.crt'
LATIN1_NAME=$(printf 'caf\351.txt')
LONG_DIR='usr/share/intl/Ünïcödé-directory-with-a-name-long-enough-to-need-a-pax-record'
LONG_NAME='fichier-très-long-名前-that-does-not-fit-in-the-hundred-bytes-of-a-ustar-name-field.txt'
mkdir -p $W/src $W/v1 $W/repo/pool
for v in 1 2; do
    d=$W/src/intlpkg-$v
    mkdir -p $d/DEBIAN $d/$CA $d/usr/share/intl
    echo "cert v$v" >"$d/$CA/$UTF8_NAME"
    echo "latin1 v$v" >"$d/usr/share/intl/$LATIN1_NAME"
    if [ $v = 1 ]; then
        echo gone >"$d/usr/share/intl/gammel-ø.txt"
    else
        mkdir -p "$d/$LONG_DIR"
        echo long >"$d/$LONG_DIR/$LONG_NAME"
        ln -s "../ca-certificates/mozilla/$UTF8_NAME" "$d/usr/share/intl/lien-ő"
        ln -s "$LATIN1_NAME" "$d/usr/share/intl/$(printf 'lien-\351')"
        echo shared >"$d/usr/share/intl/hård-1"
        ln "$d/usr/share/intl/hård-1" "$d/usr/share/intl/$(printf 'h\345rd-2')"
    fi
    printf 'Package: intlpkg\nVersion: %s.0-1\nArchitecture: all\nMaintainer: Copa Tests <t@example.org>\nDescription: non-ASCII file names\n names\n' $v >$d/DEBIAN/control
    dpkg-deb --root-owner-group -Zxz --build $d "$W/$([ $v = 1 ] && echo v1 || echo repo/pool)/intlpkg_$v.deb" >/dev/null
done
(cd $W/repo && apt-ftparchive packages pool >Packages 2>/dev/null)

# --- The image: v1 installed by dpkg, plus a file of the base layer whose
# name is not UTF-8; the root tar is a pax archive as Go and python write.
R=$W/root
mkdir -p $R/etc $R/var/lib/dpkg/info $R/var/lib/dpkg/updates $R/opt
printf 'root:x:0:0:root:/root:/bin/sh\n' >$R/etc/passwd
printf 'root:x:0:\n' >$R/etc/group
touch $R/var/lib/dpkg/status
dpkg --root=$R --force-not-root --force-script-chrootless -i $W/v1/intlpkg_1.deb >/dev/null 2>&1 ||
    fail "dpkg could not install v1"
echo base >"$R/opt/$(printf 'base-\377\376-ü.bin')"
echo nfd >"$R/opt/$(printf 'cafe\314\201-nfd')"
python3 - $R $W/root.tar <<'PY'
import os, sys, tarfile
root, out = sys.argv[1], sys.argv[2]
with tarfile.open(out, "w", format=tarfile.PAX_FORMAT, encoding="utf-8", errors="surrogateescape") as t:
    for name in sorted(os.listdir(root)):
        t.add(os.path.join(root, name), arcname=name)
PY

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 "$PORT" --directory $W/repo >/dev/null 2>&1 &
SERVER_PID=$!
python3 - "$PORT" <<'PY'
import sys, time, urllib.request
for _ in range(100):
    try:
        urllib.request.urlopen("http://127.0.0.1:%s/Packages" % sys.argv[1]); break
    except Exception: time.sleep(0.1)
PY

# --- The layer, under the C locale and under C.UTF-8: the same bytes.
env LANG=C LC_ALL=C "$TOOL" $R $W/root.tar $W/repo/Packages "http://127.0.0.1:$PORT" $W/cache \
    $W/layer.tar $EPOCH >$W/out1.txt 2>&1 || { cat $W/out1.txt; fail "debpatch_tool under LC_ALL=C"; }
env LANG=C LC_ALL=C.UTF-8 "$TOOL" $R $W/root.tar $W/repo/Packages "http://127.0.0.1:$PORT" \
    $W/cache $W/layer2.tar $EPOCH >$W/out2.txt 2>&1 ||
    { cat $W/out2.txt; fail "debpatch_tool under LC_ALL=C.UTF-8"; }
cmp -s $W/layer.tar $W/layer2.tar || fail "the layer depends on the locale"
ok "layer built under C and C.UTF-8, same bytes ($(grep diff_id $W/out1.txt))"

# --- Names, symlink targets and hardlinks of the layer equal the package's
# data.tar byte for byte (python tarfile, the names as bytes).
dpkg-deb --fsys-tarfile $W/repo/pool/intlpkg_2.deb >$W/data2.tar
python3 - $W/data2.tar $W/layer.tar "$LONG_DIR" <<'PY' || fail "layer names differ from the package's"
import sys, tarfile
def members(path):
    out = {}
    with tarfile.open(path, encoding="utf-8", errors="surrogateescape") as t:
        for m in t.getmembers():
            name = m.name.encode("utf-8", "surrogateescape")
            name = name[2:] if name.startswith(b"./") else name
            link = m.linkname.encode("utf-8", "surrogateescape")
            out[name.rstrip(b"/")] = (m.type, link[2:] if m.islnk() and link.startswith(b"./") else link)
    return out
pkg, layer = members(sys.argv[1]), members(sys.argv[2])
bad = 0
for name, (kind, link) in pkg.items():
    if name in (b"", b".") or (kind == tarfile.DIRTYPE and name != sys.argv[3].encode("utf-8", "surrogateescape")):
        continue  # directories of the image are not written again; the new one is
    got = layer.get(name)
    if got is None:
        print("missing from the layer: %r" % name); bad = 1
    elif kind == tarfile.SYMTYPE and got != (kind, link):
        print("symlink %r: %r, want %r" % (name, got, link)); bad = 1
    elif kind == tarfile.LNKTYPE and got[0] == tarfile.LNKTYPE and layer.get(got[1], (None,))[0] != tarfile.REGTYPE:
        print("hardlink %r to %r, not a file of the layer" % (name, got[1])); bad = 1
wh = b"usr/share/intl/.wh.gammel-\xc3\xb8.txt"
if wh not in layer:
    print("no whiteout %r" % wh); bad = 1
long = [n for n in layer if len(n) > 100]
if not long:
    print("no long path in the layer"); bad = 1
sys.exit(bad)
PY
ok "python tarfile: names, symlink targets, hardlinks and the whiteout are the package's bytes"

# GNU tar reads the same names (as raw bytes, no quoting).
LC_ALL=C tar --quoting-style=literal -tf $W/layer.tar >$W/gnutar.txt || fail "GNU tar cannot list the layer"
for n in "$CA/$UTF8_NAME" "usr/share/intl/$LATIN1_NAME" "$LONG_DIR/$LONG_NAME" "usr/share/intl/$(printf 'h\345rd-2')"; do
    grep -qxF "$n" $W/gnutar.txt || fail "GNU tar does not list '$n'"
done
ok "GNU tar lists the names byte for byte"

# --- umoci (Go's archive/tar) unpacks base + our layer; dpkg then lists
# and verifies the package on that tree.
(cd $W && umoci init --layout oci && umoci new --image oci:img &&
    umoci raw add-layer --image oci:img root.tar && umoci raw add-layer --image oci:img layer.tar &&
    umoci unpack --rootless --image oci:img bundle) >$W/umoci.txt 2>&1 || { cat $W/umoci.txt; fail "umoci"; }
U=$W/bundle/rootfs
dpkg --root=$U -L intlpkg >$W/listing.txt || fail "dpkg -L on the umoci tree"
while IFS= read -r p; do
    case $p in /*) [ -e "$U$p" ] || [ -L "$U$p" ] || fail "dpkg -L lists '$p', umoci's tree lacks it" ;; esac
done <$W/listing.txt
grep -qxF "/$LONG_DIR/$LONG_NAME" $W/listing.txt || fail "dpkg -L lacks the long path"
[ "$(readlink "$U/usr/share/intl/lien-ő")" = "../ca-certificates/mozilla/$UTF8_NAME" ] ||
    fail "umoci: UTF-8 symlink target"
[ "$(readlink "$U/usr/share/intl/$(printf 'lien-\351')")" = "$LATIN1_NAME" ] ||
    fail "umoci: Latin-1 symlink target"
[ "$(stat -c %i "$U/usr/share/intl/hård-1")" = "$(stat -c %i "$U/usr/share/intl/$(printf 'h\345rd-2')")" ] ||
    fail "umoci: hardlink"
[ ! -e "$U/usr/share/intl/gammel-ø.txt" ] || fail "umoci: the dropped file is still there"
[ -f "$U/opt/$(printf 'base-\377\376-ü.bin')" ] || fail "umoci: the base layer's file"
out=$(dpkg --root=$U --verify intlpkg 2>&1) && [ -z "$out" ] || fail "dpkg --verify: $out"
ok "umoci unpacks the image; dpkg -L and dpkg --verify agree with the tree"

# --- copa reads the same image (python's pax base layer, our layer) with
# the names umoci wrote to disk, under either locale.
(cd $U && find . -mindepth 1 | sed 's|^\./||' | LC_ALL=C sort) >$W/umoci-names.txt
for loc in C C.UTF-8; do
    env LANG=C LC_ALL=$loc "$LAYER_TOOL" view $W/oci img >$W/view.txt 2>&1 ||
        { cat $W/view.txt; fail "copa cannot read the image under LC_ALL=$loc"; }
    cut -d'|' -f1 $W/view.txt | LC_ALL=C sort >$W/view-names.txt
    cmp -s $W/view-names.txt $W/umoci-names.txt ||
        { diff $W/view-names.txt $W/umoci-names.txt | cat -v; fail "copa's names differ from umoci's under LC_ALL=$loc"; }
    grep -aqF "usr/share/intl/lien-ő|l|0777|0|../ca-certificates/mozilla/$UTF8_NAME|" $W/view.txt ||
        fail "copa's symlink target under LC_ALL=$loc"
done
ok "copa's view of the image has umoci's names byte for byte (C and C.UTF-8)"
echo "PASS"
