#!/usr/bin/env bash
# Images in and out, checked against umoci and skopeo.
#
# Builds a small multi-layer image with umoci at test time, reads it with
# `copa inspect`, writes it through our oci / docker-archive / oci-archive
# code paths (image_tool) and checks that skopeo and umoci read the output
# and that every unchanged blob keeps its digest. Bad inputs must fail with
# a clear message and leave nothing behind.
#
# usage: test_image.sh COPA IMAGE_TOOL
set -euo pipefail
copa=$1
tool=$2
for cmd in umoci skopeo jq; do
    command -v "$cmd" >/dev/null || { echo "SKIP: $cmd not installed" >&2; exit 77; }
done

t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
cd "$t"
passed=0

ok() { passed=$((passed + 1)); echo "ok $passed - $*"; }
die() { echo "FAIL: $*" >&2; exit 1; }

# expect_fail STATUS TEXT CMD...: CMD exits with STATUS and says TEXT on stderr.
expect_fail() {
    local want=$1 text=$2 status=0
    shift 2
    "$@" >out.txt 2>err.txt || status=$?
    [ "$status" -eq "$want" ] || die "$*: exit $status, expected $want: $(cat err.txt)"
    grep -qF -- "$text" err.txt || die "$*: stderr lacks '$text': $(cat err.txt)"
}

# ---- build the input image: three layers (add, change, delete) ----------
umoci init --layout src
umoci new --image src:v1
umoci unpack --rootless --image src:v1 b >/dev/null
mkdir -p b/rootfs/etc b/rootfs/usr/bin
printf 'ID=copatest\nVERSION_ID=1\n' >b/rootfs/etc/os-release
printf '#!/bin/sh\necho hello\n' >b/rootfs/usr/bin/hello
echo gone >b/rootfs/etc/removed
umoci repack --refresh-bundle --image src:v1 b
echo changed >>b/rootfs/usr/bin/hello
head -c 100000 /dev/urandom >b/rootfs/usr/bin/blob
umoci repack --refresh-bundle --image src:v1 b
rm b/rootfs/etc/removed
umoci repack --refresh-bundle --image src:v1 b
umoci config --image src:v1 --config.entrypoint /usr/bin/hello --config.cmd arg \
    --config.label org.example.name=copa --os linux --architecture amd64
umoci tag --image src:v1 v2
umoci config --image src:v1 --architecture arm64 --config.label arch=arm64 --tag arm
umoci unpack --rootless --image src:v1 orig >/dev/null

# A multi-platform index (amd64 = v1, arm64 = arm) under the tag "multi".
desc() { jq -c --arg t "$1" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $t) | {mediaType, digest, size}' src/index.json; }
jq -n --argjson a "$(desc v1)" --argjson b "$(desc arm)" \
    '{schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json",
      manifests: [($a + {platform: {os: "linux", architecture: "amd64"}}),
                  ($b + {platform: {os: "linux", architecture: "arm64", variant: "v8"}})]}' \
    | jq -c . | tr -d '\n' >index.blob
idx=$(sha256sum index.blob | cut -d' ' -f1)
cp index.blob "src/blobs/sha256/$idx"
jq --arg d "sha256:$idx" --argjson s "$(stat -c %s index.blob)" \
    '.manifests += [{mediaType: "application/vnd.oci.image.index.v1+json", digest: $d, size: $s,
                     annotations: {"org.opencontainers.image.ref.name": "multi"}}]' \
    src/index.json >index.json.new && mv index.json.new src/index.json

# ---- reading: copa inspect agrees with skopeo and umoci ----------------
"$copa" inspect --json oci:src:v1 >inspect.json
skopeo inspect --raw oci:src:v1 >raw.json
[ "$(jq -r .manifest.digest inspect.json)" = "sha256:$(sha256sum <raw.json | cut -d' ' -f1)" ] ||
    die "manifest digest differs from skopeo's raw manifest"
[ "$(jq -c '[.layers[] | [.digest, .size, .mediaType]]' inspect.json)" = \
  "$(jq -c '[.layers[] | [.digest, .size, .mediaType]]' raw.json)" ] || die "layers differ"
[ "$(jq -r '.layers | length' inspect.json)" = 3 ] || die "expected 3 layers"
[ "$(jq -r .config.digest inspect.json)" = "$(jq -r .config.digest raw.json)" ] || die "config"
skopeo inspect --config oci:src:v1 >config.json
[ "$(jq -c .config.entrypoint inspect.json)" = "$(jq -c .config.Entrypoint config.json)" ] || die entrypoint
[ "$(jq -c .config.cmd inspect.json)" = "$(jq -c .config.Cmd config.json)" ] || die cmd
[ "$(jq -r '.config.labels["org.example.name"]' inspect.json)" = copa ] || die labels
[ "$(jq -r .config.created inspect.json)" = "$(jq -r .created config.json)" ] || die created
umoci stat --json --image src:v1 >stat.json
[ "$(jq '[.history[] | select(.empty_layer | not)] | length' stat.json)" = 3 ] || die "umoci stat"
ok "inspect oci: matches skopeo inspect --raw/--config and umoci stat"

"$copa" inspect oci:src:v1 | grep -q '^Platform: *linux/amd64$' || die "text output"
ok "inspect text output"

"$copa" inspect --json --platform linux/arm64/v8 oci:src:multi >multi.json
[ "$(jq -r .manifest.digest multi.json)" = "$(desc arm | jq -r .digest)" ] || die "arm64 pick"
[ "$(jq -r '.index.platforms | length' multi.json)" = 2 ] || die "platform list"
"$copa" inspect --json --platform aarch64 oci:src:multi >/dev/null 2>&1 && die "aarch64 is no os/arch"
"$copa" inspect --json --platform linux/aarch64 oci:src:multi | jq -e '.config.architecture == "arm64"' >/dev/null
"$copa" inspect --json --platform linux/x86_64 oci:src:multi | jq -e '.config.architecture == "amd64"' >/dev/null
expect_fail 4 "the image has: linux/amd64, linux/arm64" "$copa" inspect --platform linux/s390x oci:src:multi
expect_fail 4 "oci:src:v1: a single-platform image for linux/amd64, not linux/arm64" \
    "$copa" inspect --platform linux/arm64 oci:src:v1
expect_fail 4 "nothing.tar: No such file or directory" "$copa" inspect oci-archive:nothing.tar
ok "index: platform selection with normalization and a listing error"

skopeo copy -q oci:src:v1 oci-archive:sk-oci.tar:v1
"$copa" inspect --json oci-archive:sk-oci.tar:v1 >a.json
[ "$(jq -c '[.layers[].digest]' a.json)" = "$(jq -c '[.layers[].digest]' inspect.json)" ] || die "oci-archive"
skopeo copy -q oci:src:v1 docker-archive:sk-docker.tar:example.com/test/img:v1
"$copa" inspect --json docker-archive:sk-docker.tar:example.com/test/img:v1 >d.json
skopeo inspect --raw docker-archive:sk-docker.tar >d-raw.json
[ "$(jq -c '[.layers[].digest]' d.json)" = "$(jq -c '[.layers[].digest]' d-raw.json)" ] || die "docker-archive layers"
[ "$(jq -r .config.digest d.json)" = "$(jq -r .config.digest d-raw.json)" ] || die "docker-archive config"
[ "$(jq -r .manifest.mediaType d.json)" = application/vnd.docker.distribution.manifest.v2+json ] || die mt
ok "inspect oci-archive: and docker-archive: written by skopeo"

# The legacy `docker save` layout: <id>/layer.tar, one layer reached through
# a symlink (as docker writes for repeated layers).
mkdir legacy && tar -xf sk-docker.tar -C legacy
(
    cd legacy
    i=0
    for f in $(jq -r '.[0].Layers[]' manifest.json); do
        mkdir "id$i" && mv "$f" "id$i/layer.tar" && echo 1.0 >"id$i/VERSION"
        i=$((i + 1))
    done
    mkdir link0 && ln -s ../id0/layer.tar link0/layer.tar
    jq '.[0].Layers = ["link0/layer.tar", "id1/layer.tar", "id2/layer.tar"]' manifest.json >m.new
    mv m.new manifest.json
    tar -cf ../legacy.tar *
)
"$copa" inspect --json docker-archive:legacy.tar >legacy.json
[ "$(jq -c '[.layers[].digest]' legacy.json)" = "$(jq -c '[.layers[].digest]' d.json)" ] || die "legacy layout"
"$tool" copy docker-archive:legacy.tar oci:from-legacy:x
umoci unpack --rootless --image from-legacy:x u0 >/dev/null
diff -r orig/rootfs u0/rootfs || die "legacy archive unpacks differently"
mkdir badlink && ln -s ../../../etc/passwd badlink/layer.tar
tar -cf badlink.tar badlink
expect_fail 3 "badlink.tar: symlink 'badlink/layer.tar' points outside the archive" \
    "$copa" inspect docker-archive:badlink.tar
ok "legacy docker-archive layout (<id>/layer.tar, symlinks inside) reads; escaping symlink refused"

# ---- writing: oci -> docker-archive -> oci with our code ---------------
"$tool" copy oci:src:v1 docker-archive:out.tar:example.com/copa/test:v1
skopeo inspect docker-archive:out.tar | jq -e '.RepoTags | length >= 0' >/dev/null
skopeo inspect --raw docker-archive:out.tar >out-raw.json
skopeo copy -q docker-archive:out.tar oci:via-skopeo:x
umoci unpack --rootless --image via-skopeo:x u1 >/dev/null
diff -r orig/rootfs u1/rootfs || die "skopeo's copy of our docker-archive unpacks differently"
ok "our docker-archive is read by skopeo inspect/copy and unpacks with umoci"

"$tool" copy docker-archive:out.tar:example.com/copa/test:v1 oci:back:v1
"$copa" inspect --json oci:back:v1 >back.json
[ "$(jq -r .config.digest back.json)" = "$(jq -r .config.digest inspect.json)" ] || die "config digest changed"
[ "$(jq -c '[.layers[].digest]' back.json)" = "$(jq -c '[.layers[].digest]' inspect.json)" ] || die "layer digests changed"
skopeo inspect oci:back:v1 >/dev/null
skopeo copy -q oci:back:v1 oci:again:v1
umoci unpack --rootless --image back:v1 u2 >/dev/null
diff -r orig/rootfs u2/rootfs || die "round trip unpacks differently"
ok "oci -> docker-archive -> oci keeps every blob digest; skopeo and umoci read it"

"$tool" copy oci:src:v1 oci-archive:out-oci.tar:t1
skopeo copy -q oci-archive:out-oci.tar:t1 oci:from-archive:t1
[ "$(skopeo inspect --raw oci:from-archive:t1 | sha256sum)" = "$(sha256sum <raw.json)" ] || die "oci-archive"
ok "our oci-archive: skopeo reads it and the manifest is byte-identical"

# several tags in one layout; re-adding a tag replaces only its entry
"$tool" copy oci:src:v1 oci:tags:a
"$tool" copy oci:src:arm oci:tags:b
before_b=$(jq -c '.manifests[1]' tags/index.json)
"$tool" copy oci:src:v2 oci:tags:a
[ "$(jq '.manifests | length' tags/index.json)" = 2 ] || die "tag entries"
[ "$(jq -c '.manifests[1]' tags/index.json)" = "$before_b" ] || die "tag b changed"
skopeo inspect oci:tags:a >/dev/null && skopeo inspect oci:tags:b >/dev/null
ok "several tags in one layout"

"$tool" copy oci:src:multi oci:whole:m
[ "$(jq -r .manifests[0].digest whole/index.json)" = "sha256:$idx" ] || die "index digest changed"
skopeo inspect --raw oci:whole:m | jq -e '.manifests | length == 2' >/dev/null
ok "an index is copied whole and byte-identical"

# A Docker manifest list in a layout (made from the OCI one): written to an
# OCI layout, every manifest becomes OCI; config and layer blobs stay.
dockerize() { jq -c '.mediaType = "application/vnd.docker.distribution.manifest.v2+json"
    | .config.mediaType = "application/vnd.docker.container.image.v1+json"
    | .layers[].mediaType = "application/vnd.docker.image.rootfs.diff.tar.gzip"' | tr -d '\n'; }
put() { local d; d=$(sha256sum "$1" | cut -d' ' -f1); cp "$1" "src/blobs/sha256/$d"; echo "sha256:$d"; }
skopeo inspect --raw oci:src:v1 | dockerize >dm1 && skopeo inspect --raw oci:src:arm | dockerize >dm2
jq -n -c --arg a "$(put dm1)" --arg b "$(put dm2)" --argjson sa "$(stat -c %s dm1)" --argjson sb "$(stat -c %s dm2)" \
    '{schemaVersion: 2, mediaType: "application/vnd.docker.distribution.manifest.list.v2+json",
      manifests: [{mediaType: "application/vnd.docker.distribution.manifest.v2+json", digest: $a, size: $sa, platform: {architecture: "amd64", os: "linux"}},
                  {mediaType: "application/vnd.docker.distribution.manifest.v2+json", digest: $b, size: $sb, platform: {architecture: "arm64", os: "linux"}}]}' \
    | tr -d '\n' >dlist
dl=$(put dlist)
jq --arg d "$dl" --argjson s "$(stat -c %s dlist)" '.manifests += [{mediaType: "application/vnd.docker.distribution.manifest.list.v2+json", digest: $d, size: $s, annotations: {"org.opencontainers.image.ref.name": "dlist"}}]' \
    src/index.json >index.json.new && mv index.json.new src/index.json
"$copa" inspect --json oci:src:dlist | jq -e '.index.mediaType == "application/vnd.docker.distribution.manifest.list.v2+json"' >/dev/null
"$tool" copy oci:src:dlist oci:conv:x
skopeo inspect --raw oci:conv:x | jq -e '.mediaType == "application/vnd.oci.image.index.v1+json" and ([.manifests[].mediaType] | unique) == ["application/vnd.oci.image.manifest.v1+json"]' >/dev/null
skopeo inspect --raw --override-arch arm64 oci:conv:x >/dev/null
skopeo copy -q --override-arch arm64 oci:conv:x oci:conv2:y
[ "$(skopeo inspect --raw oci:conv2:y | jq -c '[.config.digest, .layers[].digest]')" = \
  "$(skopeo inspect --raw oci:src:arm | jq -c '[.config.digest, .layers[].digest]')" ] || die "converted list blobs"
ok "a Docker manifest list written to an OCI layout becomes OCI, blobs unchanged"

# ---- a new image from an old one ----------------------------------------
mkdir -p layer/etc && echo patched >layer/etc/patched
tar --sort=name --mtime=@0 --owner=0 --group=0 -C layer -cf - etc | gzip -n >layer.tar.gz
diff_id=sha256:$(gzip -dc layer.tar.gz | sha256sum | cut -d' ' -f1)
"$tool" append oci:src:v1 oci:app:v1 layer.tar.gz "$diff_id" - label:org.example.patched=yes \
    annotation:org.example.note=hi
skopeo inspect --raw oci:app:v1 >app-raw.json
[ "$(jq -c '[.layers[:3][].digest]' app-raw.json)" = "$(jq -c '[.layers[].digest]' inspect.json)" ] || die "old layers"
[ "$(jq -r '.layers[3].mediaType' app-raw.json)" = application/vnd.oci.image.layer.v1.tar+gzip ] || die "new layer type"
[ "$(jq -r '.annotations["org.example.note"]' app-raw.json)" = hi ] || die annotation
skopeo inspect --config oci:app:v1 >app-config.json
jq -e --arg d "$diff_id" '.rootfs.diff_ids[-1] == $d and (.rootfs.diff_ids | length) == 4' app-config.json >/dev/null
jq -e '.created == "2024-01-01T00:00:00Z" and .config.Labels["org.example.patched"] == "yes" and .config.Labels["org.example.name"] == "copa"' app-config.json >/dev/null
[ "$(jq -c 'del(.rootfs, .history, .config.Labels, .created)' app-config.json)" = "$(jq -c 'del(.rootfs, .history, .config.Labels, .created)' config.json)" ] || die "other config fields changed"
umoci unpack --rootless --image app:v1 u3 >/dev/null
[ "$(cat u3/rootfs/etc/patched)" = patched ] && [ -f u3/rootfs/usr/bin/hello ] && [ ! -e u3/rootfs/etc/removed ] || die "unpacked app"
ok "append layer (OCI): skopeo and umoci read it, other fields kept"

"$tool" append docker-archive:out.tar oci:appd:v1 layer.tar.gz "$diff_id"
# an OCI layout holds OCI manifests (umoci and skopeo read nothing else there)
skopeo inspect --raw oci:appd:v1 | jq -e '.mediaType == "application/vnd.oci.image.manifest.v1+json" and .layers[3].mediaType == "application/vnd.oci.image.layer.v1.tar+gzip"' >/dev/null
"$tool" append docker-archive:out.tar docker-archive:appd.tar:example.com/copa/patched:1 layer.tar.gz "$diff_id"
skopeo copy -q docker-archive:appd.tar oci:appd2:x
umoci unpack --rootless --image appd2:x u4 >/dev/null
[ "$(cat u4/rootfs/etc/patched)" = patched ] || die "docker family append"
ok "append layer to a Docker-family image, written to oci and docker-archive"

"$tool" append oci:src:multi oci:appi:m layer.tar.gz "$diff_id" linux/arm64
skopeo inspect --raw oci:appi:m >appi.json
[ "$(jq -c .manifests[0] appi.json)" = "$(jq -c .manifests[0] index.blob)" ] || die "amd64 entry changed"
[ "$(jq -r .manifests[1].digest appi.json)" != "$(jq -r .manifests[1].digest index.blob)" ] || die "arm64 unchanged"
jq -e '.manifests[1].platform.architecture == "arm64"' appi.json >/dev/null
skopeo inspect --override-arch arm64 oci:appi:m | jq -e '.Layers | length == 4' >/dev/null
ok "append to one platform of an index keeps the other entry byte-identical"

"$tool" append oci:src:dlist oci:convapp:x layer.tar.gz "$diff_id" linux/arm64
skopeo inspect --raw oci:convapp:x | jq -e '.mediaType == "application/vnd.oci.image.index.v1+json" and ([.manifests[].mediaType] | unique) == ["application/vnd.oci.image.manifest.v1+json"]' >/dev/null
skopeo inspect --override-arch arm64 oci:convapp:x | jq -e '.Layers | length == 4' >/dev/null
skopeo inspect --override-arch amd64 oci:convapp:x | jq -e '.Layers | length == 3' >/dev/null
"$tool" append oci:src:dlist docker-archive:convapp.tar layer.tar.gz "$diff_id" linux/arm64
skopeo inspect docker-archive:convapp.tar | jq -e '.Architecture == "arm64" and (.Layers | length == 4)' >/dev/null
ok "append to a Docker manifest list: oci gets OCI, docker-archive gets the one platform"

# ---- bad input: clear errors, nothing written ---------------------------
expect_fail 4 "no image tagged 'nope'; tags: v1" "$copa" inspect oci:src:nope
expect_fail 1 "no image tagged 'nope'" "$tool" copy oci:src:nope oci:never:x
[ ! -e never ] || die "unknown tag wrote output"

cp -r src corrupt
layer0=$(jq -r '.layers[0].digest' raw.json | cut -d: -f2)
chmod u+w corrupt/blobs/sha256/$layer0 && echo x >>corrupt/blobs/sha256/$layer0
expect_fail 1 "does not match its digest" "$tool" copy oci:corrupt:v1 docker-archive:never.tar
expect_fail 1 "sha256:$layer0" "$tool" copy oci:corrupt:v1 oci:never:v1
[ ! -e never.tar ] && [ ! -e never ] || die "corrupt blob wrote output"
ls | grep -q 'never.tar.tmp' && die "temporary file left behind"
cfg=$(jq -r .config.digest raw.json | cut -d: -f2)
echo '{}' >corrupt/blobs/sha256/$cfg
expect_fail 7 "does not match its digest" "$copa" inspect oci:corrupt:v1
ok "unknown tag and corrupt blobs: clear errors, nothing written"

# a layout whose manifest is malformed JSON / of an unsupported media type
mklayout() { # mklayout DIR MANIFEST_BYTES
    mkdir -p "$1/blobs/sha256"
    echo '{"imageLayoutVersion":"1.0.0"}' >"$1/oci-layout"
    printf '%s' "$2" >m.blob
    local d; d=$(sha256sum m.blob | cut -d' ' -f1)
    cp m.blob "$1/blobs/sha256/$d"
    printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"t"}}]}' \
        "$d" "$(stat -c %s m.blob)" >"$1/index.json"
}
mklayout badjson '{"schemaVersion":2,"config":{'
expect_fail 3 "malformed JSON" "$copa" inspect oci:badjson:t
mklayout schema1 '{"schemaVersion":1,"mediaType":"application/vnd.docker.distribution.manifest.v1+prettyjws"}'
expect_fail 9 "not supported" "$copa" inspect oci:schema1:t
mklayout weird '{"schemaVersion":2,"mediaType":"application/x-unknown","config":{}}'
expect_fail 9 "unsupported manifest media type 'application/x-unknown'" "$copa" inspect oci:weird:t
expect_fail 1 "malformed JSON" "$tool" copy oci:badjson:t docker-archive:never.tar
[ ! -e never.tar ] || die "malformed manifest wrote output"
ok "malformed and unsupported manifests"

mkdir evil && cd evil
mkdir -p a && echo pwned >a/x
tar -cf ../evil.tar --transform 's,^a/x,../escaped,' a/x
cd ..
expect_fail 3 "evil.tar: unsafe path '../escaped'" "$copa" inspect oci-archive:evil.tar
expect_fail 1 "unsafe path '../escaped'" "$tool" copy oci-archive:evil.tar oci:never:x
[ ! -e escaped ] && [ ! -e "${TMPDIR:-/tmp}/escaped" ] && [ ! -e never ] || die "archive escaped"
ok "archive with ../ path is refused"

echo "$passed passed, 0 failed"
