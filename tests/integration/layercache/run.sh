#!/usr/bin/env bash
# The per-layer index cache (lib/layercache) end to end, on the tiny
# Debian-like image and the signed loopback apt repository of the patch
# tests (tests/integration/patch/image.sh, tests/integration/apt):
#  same_layer   a patch with the cache off, filling it, and warm: one layer digest
#  no_bytes     warm, the base layer blobs deleted from the layout: the same plan
#               (and with the cache off that layout cannot be read at all)
#  damaged      a flipped byte in an entry: a miss, the same plan, written again
#  other_base   a layer recorded over one base, used over a base that keeps
#               more of it (the apt key sits behind a symlink): read again
#  concurrent   two processes filling one cache at once
#  off          COPA_NO_LAYER_CACHE=1 writes no entry
#
# usage: run.sh COPA WORKDIR
set -uo pipefail
copa=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)
apt_dir=$here/../apt
for tool in dpkg-deb apt-ftparchive gpg python3 xz umoci; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
done
rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd)
"$apt_dir/make_repos.sh" "$work" >"$work/make.log" 2>&1 || { cat "$work/make.log"; exit 1; }
python3 "$apt_dir/server.py" "$work/www" "$work/port" "$work/requests.log" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.05; done
base=http://127.0.0.1:$(cat "$work/port")/repos
export SOURCE_DATE_EPOCH=1700000000
unset COPA_NO_LAYER_CACHE

failures=0 passed=0
ok() { echo "ok   $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failures=$((failures + 1)); }

. "$here/../patch/image.sh" # make_image
make_image deb debian 1.0-1
img=oci:$work/images/deb:base

# run NAME CACHE_DIR [copa patch options]: sets rc, out, err
run() {
    local name=$1 cache=$2
    shift 2
    COPA_CACHE_DIR=$cache "$copa" patch --progress plain --debug "$@" \
        >"$work/$name.out" 2>"$work/$name.err"
    rc=$?
    out=$(cat "$work/$name.out")
    err=$(cat "$work/$name.err")
}
expect_rc() { # case code
    if [ "$rc" -ne "$2" ]; then fail "$1" "exit $rc, expected $2: $err"; return 1; fi
}
# The read stage's summary: "N of M layers from the layer index cache".
from_cache() { grep -o '[0-9]* of [0-9]* layers from the layer index cache' "$work/$1.err"; }
# The digest of the last layer of TAG in LAYOUT.
last_layer() {
    python3 - "$1" "$2" <<'PY'
import json, os, sys
layout, tag = sys.argv[1:3]
index = json.load(open(os.path.join(layout, "index.json")))
[m] = [m for m in index["manifests"]
       if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == tag]
blob = lambda d: json.load(open(os.path.join(layout, "blobs/sha256", d.split(":")[1])))
print(blob(m["digest"])["layers"][-1]["digest"])
PY
}
entries() { ls "$1/layer-index/v1" 2>/dev/null | grep -vc '^\.tmp-'; }

# same_layer: cache off, cold (fills), warm (hits): the same patch layer.
c=$work/cache-same
COPA_NO_LAYER_CACHE=1 run off_patch "$c" -i "$img" --oci-dir "$work/out-off" -t p
off_rc=$rc
run cold_patch "$c" -i "$img" --oci-dir "$work/out-cold" -t p
cold_rc=$rc cold_n=$(from_cache cold_patch)
run warm_patch "$c" -i "$img" --oci-dir "$work/out-warm" -t p
if [ "$off_rc" -ne 0 ] || [ "$cold_rc" -ne 0 ] || ! expect_rc warm_patch 0; then
    fail same_layer "a patch failed: $(cat "$work/off_patch.err" "$work/cold_patch.err")"
else
    d_off=$(last_layer "$work/out-off" p)
    d_cold=$(last_layer "$work/out-cold" p)
    d_warm=$(last_layer "$work/out-warm" p)
    if [ "$cold_n" != "0 of 1 layers from the layer index cache" ] ||
        [ "$(from_cache warm_patch)" != "1 of 1 layers from the layer index cache" ]; then
        fail same_layer "cold: '$cold_n', warm: '$(from_cache warm_patch)'"
    elif [ -z "$d_off" ] || [ "$d_off" != "$d_cold" ] || [ "$d_off" != "$d_warm" ]; then
        fail same_layer "patch layers differ: off $d_off, cold $d_cold, warm $d_warm"
    elif [ "$(entries "$c")" -ne 1 ]; then
        fail same_layer "expected 1 entry: $(ls -a "$c/layer-index/v1")"
    else ok same_layer; fi
fi

# no_bytes: the warm cache plans from a layout whose base layer blobs are gone.
run plan_full "$c" -i "$img" --dry-run --json
plan=$(cat "$work/plan_full.out")
cp -a "$work/images/deb" "$work/images/nobytes"
python3 - "$work/images/nobytes" <<'PY'
import json, os, sys
layout = sys.argv[1]
blob = lambda d: os.path.join(layout, "blobs/sha256", d.split(":")[1])
index = json.load(open(os.path.join(layout, "index.json")))
for m in index["manifests"]:
    for layer in json.load(open(blob(m["digest"])))["layers"]:
        os.unlink(blob(layer["digest"]))
PY
run nobytes_warm "$c" -i "oci:$work/images/nobytes:base" --dry-run --json
if ! expect_rc plan_full 0 || ! expect_rc nobytes_warm 0; then :
elif [ "$(cat "$work/nobytes_warm.out")" != "$plan" ]; then
    fail no_bytes "plans differ: $(diff <(echo "$plan") "$work/nobytes_warm.out")"
else
    COPA_NO_LAYER_CACHE=1 run nobytes_off "$c" -i "oci:$work/images/nobytes:base" --dry-run --json
    if [ "$rc" -eq 0 ]; then fail no_bytes "without the cache the blob-less layout was read"
    else ok no_bytes; fi
fi

# damaged: one byte of the entry flipped.
entry=$(ls "$c/layer-index/v1/"*)
python3 -c 'import sys; p=sys.argv[1]; b=bytearray(open(p,"rb").read()); b[len(b)//2]^=1; open(p,"wb").write(b)' "$entry"
run damaged "$c" -i "$img" --dry-run --json
damaged_n=$(from_cache damaged)
run repaired "$c" -i "$img" --dry-run --json
if ! expect_rc damaged 0 || ! expect_rc repaired 0; then :
elif [ "$(cat "$work/damaged.out")" != "$plan" ]; then fail damaged "plan differs"
elif [ "$damaged_n" != "0 of 1 layers from the layer index cache" ] ||
    [ "$(from_cache repaired)" != "1 of 1 layers from the layer index cache" ]; then
    fail damaged "damaged: '$damaged_n', after: '$(from_cache repaired)'"
else ok damaged; fi

# other_base: image A = base + top, image B = base + mid + top, where mid
# turns /usr/share/keyrings into a symlink to /opt/keys and top (the same
# blob in both) holds /opt/keys/copa-test.gpg, the key of the image's apt
# source. Over A that file is not kept; over B it is, and B cannot verify
# its repository without it.
python3 - "$work/images/deb" "$work/keys/rsa3072.gpg" <<'PY'
import gzip, hashlib, io, json, os, sys, tarfile
layout, key = sys.argv[1:3]
path = lambda d: os.path.join(layout, "blobs/sha256", d.split(":")[1])
def blob(data):
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    open(path(digest), "wb").write(data)
    return digest
def layer(add):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as t:
        add(t)
    gz = io.BytesIO()
    with gzip.GzipFile(fileobj=gz, mode="wb", mtime=0, filename="") as g:
        g.write(raw.getvalue())
    data = gz.getvalue()
    return ({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
             "digest": blob(data), "size": len(data)},
            "sha256:" + hashlib.sha256(raw.getvalue()).hexdigest())
def entry(t, name, kind=tarfile.DIRTYPE, data=b"", link=""):
    i = tarfile.TarInfo(name); i.type = kind; i.mtime = 1000; i.linkname = link
    i.mode = 0o755 if kind == tarfile.DIRTYPE else 0o644; i.size = len(data)
    t.addfile(i, io.BytesIO(data) if data else None)
mid = layer(lambda t: (entry(t, "opt"), entry(t, "opt/keys"),
                       entry(t, "usr/share/keyrings", tarfile.SYMTYPE, link="../../opt/keys")))
keydata = open(key, "rb").read()
top = layer(lambda t: (entry(t, "opt"), entry(t, "opt/keys"),
                       entry(t, "opt/keys/copa-test.gpg", tarfile.REGTYPE, keydata)))
index = json.load(open(os.path.join(layout, "index.json")))
[base] = [m for m in index["manifests"]
          if m["annotations"]["org.opencontainers.image.ref.name"] == "base"]
manifest = json.load(open(path(base["digest"])))
config = json.load(open(path(manifest["config"]["digest"])))
for tag, extra in (("a", [top]), ("b", [mid, top])):
    c = json.loads(json.dumps(config))
    m = json.loads(json.dumps(manifest))
    for desc, diff_id in extra:
        m["layers"].append(desc)
        c["rootfs"]["diff_ids"].append(diff_id)
        c.setdefault("history", []).append({"created_by": "layercache test " + tag})
    data = json.dumps(c).encode()
    m["config"] = dict(m["config"], digest=blob(data), size=len(data))
    data = json.dumps(m).encode()
    index["manifests"].append(dict(base, digest=blob(data), size=len(data),
                                   annotations={"org.opencontainers.image.ref.name": tag}))
json.dump(index, open(os.path.join(layout, "index.json"), "w"))
PY
c=$work/cache-bases
COPA_NO_LAYER_CACHE=1 run b_off "$c" -i "oci:$work/images/deb:b" --dry-run --json
run a_fill "$c" -i "oci:$work/images/deb:a" --dry-run --json
a_rc=$rc
run b_warm "$c" -i "oci:$work/images/deb:b" --dry-run --json
b_n=$(from_cache b_warm)
run b_again "$c" -i "oci:$work/images/deb:b" --dry-run --json
if ! expect_rc b_warm 0 || ! expect_rc b_again 0 || [ "$a_rc" -ne 0 ]; then :
elif ! grep -q hello-copa "$work/b_off.out" ||
    ! cmp -s "$work/b_off.out" "$work/b_warm.out" || ! cmp -s "$work/b_off.out" "$work/b_again.out"; then
    fail other_base "plans differ: $(diff "$work/b_off.out" "$work/b_warm.out")"
elif [ "$b_n" != "2 of 3 layers from the layer index cache" ] ||
    [ "$(from_cache b_again)" != "3 of 3 layers from the layer index cache" ]; then
    fail other_base "first: '$b_n', again: '$(from_cache b_again)'"
else ok other_base; fi

# concurrent: two processes fill one fresh cache at once; then one hit each.
c=$work/cache-concurrent
COPA_CACHE_DIR=$c "$copa" patch -i "oci:$work/images/deb:b" --dry-run --json >"$work/c1.out" 2>"$work/c1.err" &
p1=$!
COPA_CACHE_DIR=$c "$copa" patch -i "oci:$work/images/deb:b" --dry-run --json >"$work/c2.out" 2>"$work/c2.err" &
p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
run c3 "$c" -i "oci:$work/images/deb:b" --dry-run --json
if [ "$r1" -ne 0 ] || [ "$r2" -ne 0 ]; then
    fail concurrent "exit $r1/$r2: $(cat "$work/c1.err" "$work/c2.err")"
elif ! cmp -s "$work/c1.out" "$work/b_off.out" || ! cmp -s "$work/c2.out" "$work/b_off.out" ||
    ! cmp -s "$work/c3.out" "$work/b_off.out"; then
    fail concurrent "plans differ"
elif [ "$(from_cache c3)" != "3 of 3 layers from the layer index cache" ]; then
    fail concurrent "after: '$(from_cache c3)'"
elif ls -a "$c/layer-index/v1" | grep -q '^\.tmp-'; then
    fail concurrent "temporary files left: $(ls -a "$c/layer-index/v1")"
else ok concurrent; fi

# off: COPA_NO_LAYER_CACHE=1 neither reads nor writes entries.
c=$work/cache-off
COPA_NO_LAYER_CACHE=1 run off "$c" -i "$img" --dry-run --json
if expect_rc off 0; then
    if [ "$(entries "$c")" -ne 0 ] || [ -n "$(from_cache off)" ]; then
        fail off "entries: $(ls -a "$c/layer-index/v1" 2>&1), summary: $(from_cache off)"
    elif [ "$(cat "$work/off.out")" != "$plan" ]; then fail off "plan differs"
    else ok off; fi
fi

echo "$passed passed, $failures failed"
[ "$failures" -eq 0 ]
