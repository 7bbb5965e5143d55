#!/usr/bin/env bash
# The merged rootfs view against umoci (usage: test_umoci.sh LAYER_TOOL).
#
# 1. Build a three-layer OCI image with umoci: later layers delete files and
#    directories (umoci repack writes whiteouts), turn files into directories
#    and back, replace a directory's contents, change modes.
# 2. Add a layer written by our writer (opaque directory, whiteout, hardlink,
#    setuid file, owners) with `umoci raw add-layer`.
# 3. `umoci unpack` the result and compare every path, type, mode, size, link
#    target and owner with our merged view of the same layer blobs.
set -euo pipefail
tool=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

fail() { echo "FAIL: $*" >&2; exit 1; }

umoci init --layout oci
umoci new --image oci:v0

# Layer 1: a merged-/usr tree with a bit of everything.
umoci unpack --image oci:v0 b1 >/dev/null
R=b1/rootfs
mkdir -p $R/etc $R/usr/lib/apk/db $R/usr/bin $R/opt/app/sub $R/var/cache/olddir/deeper $R/data
echo hello >$R/etc/motd
echo box >$R/etc/hostname && chmod 0600 $R/etc/hostname
ln -s usr/lib $R/lib
ln -s usr/bin $R/bin
echo installed >$R/usr/lib/apk/db/installed
printf '#!/bin/sh\n' >$R/usr/bin/tool && chmod 4755 $R/usr/bin/tool
ln $R/usr/bin/tool $R/usr/bin/tool-hard
echo old >$R/opt/app/old
echo old2 >$R/opt/app/sub/old2
echo x >$R/var/cache/olddir/deeper/x
echo file >$R/data/was-file && chown 1000:1000 $R/data/was-file
mkdir $R/data/was-dir && echo in >$R/data/was-dir/in
mkfifo $R/data/fifo
umoci repack --image oci:v1 b1 >/dev/null

# Layer 2: deletions (whiteouts), type changes, replaced directory contents.
umoci unpack --image oci:v1 b2 >/dev/null
R=b2/rootfs
rm $R/etc/hostname
rm -rf $R/var/cache/olddir
rm $R/data/was-file && mkdir $R/data/was-file && echo now >$R/data/was-file/inside
rm -rf $R/data/was-dir && echo now-a-file >$R/data/was-dir
rm -rf $R/opt/app/sub && mkdir $R/opt/app/sub && echo new >$R/opt/app/sub/new
chmod 0700 $R/opt
echo updated >>$R/etc/motd
ln -s ../../etc/motd $R/usr/bin/motd-link
umoci repack --image oci:v2 b2 >/dev/null

# Layer 3: ours, uncompressed because `umoci raw add-layer` wants that.
read -r digest diff_id size < <("$tool" write patch.tar none)
[ "$digest" = "sha256:$(sha256sum patch.tar | cut -d' ' -f1)" ] || fail "writer digest"
umoci raw add-layer --image oci:v2 --tag v3 patch.tar
config_diff=$(python3 - oci v3 <<'PY'
import json, sys
d = sys.argv[1]
idx = json.load(open(f"{d}/index.json"))
m = [x for x in idx["manifests"] if x.get("annotations", {}).get("org.opencontainers.image.ref.name") == sys.argv[2]][0]
man = json.load(open(f"{d}/blobs/sha256/{m['digest'][7:]}"))
cfg = json.load(open(f"{d}/blobs/sha256/{man['config']['digest'][7:]}"))
print(cfg["rootfs"]["diff_ids"][-1])
PY
)
[ "$config_diff" = "$diff_id" ] || fail "umoci's diff_id $config_diff != ours $diff_id"

lister() {
    python3 - "$1" <<'PY'
import os, stat, sys
root = sys.argv[1]
for dirpath, dirnames, filenames in os.walk(root):
    for name in dirnames + filenames:
        p = os.path.join(dirpath, name)
        st = os.lstat(p)
        m = st.st_mode
        t = ('f' if stat.S_ISREG(m) else 'd' if stat.S_ISDIR(m) else 'l' if stat.S_ISLNK(m)
             else 'c' if stat.S_ISCHR(m) else 'b' if stat.S_ISBLK(m) else 'p')
        size = st.st_size if t == 'f' else 0
        link = os.readlink(p) if t == 'l' else ''
        print(f"{os.path.relpath(p, root)}|{t}|{stat.S_IMODE(m):04o}|{size}|{link}|{st.st_uid}:{st.st_gid}")
PY
}

for tag in v1 v2 v3; do
    umoci unpack --image oci:$tag u-$tag >/dev/null
    lister u-$tag/rootfs | LC_ALL=C sort >expected-$tag
    "$tool" view oci $tag | LC_ALL=C sort >actual-$tag
    if ! diff -u expected-$tag actual-$tag; then
        fail "merged view of $tag differs from umoci unpack (- umoci, + ours)"
    fi
    echo "ok: $tag: $(wc -l <actual-$tag) entries identical"
done

# Our layer's files, as umoci extracted them.
R=u-v3/rootfs
[ "$(stat -c '%a %u %g' $R/etc/patched.conf)" = "640 123 456" ] || fail "patched.conf metadata"
[ "$(cat $R/etc/patched.conf)" = "patched=yes" ] || fail "patched.conf content"
[ "$(stat -c '%a' $R/usr/lib/patched-tool)" = "4755" ] || fail "setuid lost"
[ "$(stat -c '%i' $R/usr/lib/patched-tool)" = "$(stat -c '%i' $R/usr/lib/patched-alias)" ] ||
    fail "hardlink not a hardlink"
[ "$(readlink $R/usr/lib/patched-link)" = "patched-tool" ] || fail "symlink"
[ "$(stat -c '%Y' $R/etc/patched.conf)" = "1600000000" ] || fail "mtime"
[ ! -e $R/etc/motd ] || fail "whiteout of etc/motd not applied"
[ "$(ls $R/opt/app)" = "fresh" ] || fail "opaque opt/app: $(ls $R/opt/app)"
[ "$(stat -c '%a' $R/opt/app)" = "750" ] || fail "opt/app mode"
echo "ok: umoci unpacked our layer with its metadata"
