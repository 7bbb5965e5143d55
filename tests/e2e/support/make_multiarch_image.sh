#!/usr/bin/env bash
# Build a two-platform Debian 12 image (linux/amd64 + linux/arm64) from the
# archive's BASE suite only, so that updates are pending on both platforms,
# and store it as an OCI layout, cached by date:
#
#   $COPA_TEST_CACHE (default ~/.cache/copa-tests)/multiarch-YYYYMMDD/image
#
# Tags in that layout:
#   index      an OCI image index: amd64, then arm64 (platform variant v8, as
#              Docker's official images write it), each one layer + config
#   attested   the same index plus a Docker buildx attestation manifest
#              (platform unknown/unknown, vnd.docker.reference.type
#              attestation-manifest) whose subject is the amd64 manifest
#   amd64, arm64   the per-platform manifests, for umoci unpack (umoci
#              cannot unpack an index tag)
#
# Each root: minbase + debian-archive-keyring + ca-certificates; its
# /etc/apt/sources.list lists bookworm, bookworm-updates and
# bookworm-security as a real image does; mirrors come from the host.
# The arm64 root is built through QEMU user emulation (binfmt_misc): that
# is for making the test image only, copa never runs image code.
#
# usage: make_multiarch_image.sh          prints the layout directory
# Exits 77 (skip) without a mirror or when arm64 binaries cannot run here.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
arches="amd64 arm64"
cache_root=${COPA_TEST_CACHE:-$HOME/.cache/copa-tests}
cache=$cache_root/multiarch-$(date -u +%Y%m%d)
out=$cache/image

skip() { echo "SKIP: $*" >&2; exit 77; }

mkdir -p "$cache_root"
exec 9>"$cache_root/multiarch.lock"
flock 9 # one build at a time; the others wait and then use the cache
if [ -f "$cache/done" ]; then
    echo "$out"
    exit 0
fi
for old in "$cache_root"/multiarch-*; do
    [ -d "$old" ] && [ "$old" != "$cache" ] && rm -rf "$old"
done

source "$here/host_mirrors.sh"
[ -n "$DEBIAN_MIRROR" ] && [ -n "$DEBIAN_SECURITY_MIRROR" ] ||
    skip "no Debian mirror in the host's apt configuration"

# Foreign roots need binfmt_misc with qemu-user-static registered.
host_arch=$(dpkg --print-architecture)
for arch in $arches; do
    [ "$arch" = "$host_arch" ] && continue
    if ! arch-test "$arch" >/dev/null 2>&1; then
        if [ "$(id -u)" = 0 ]; then
            mountpoint -q /proc/sys/fs/binfmt_misc ||
                mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null || true
            update-binfmts --enable >/dev/null 2>&1 || true
        fi
        arch-test "$arch" >/dev/null 2>&1 ||
            skip "$arch binaries cannot run here (arch-test $arch: $(arch-test "$arch" 2>&1 | tail -1)); needs qemu-user-static, binfmt-support and binfmt_misc mounted (as root)"
    fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/copa-multiarch-XXXXXX")
trap 'rm -rf "$work"' EXIT
sources="deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $DEBIAN_MIRROR bookworm main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $DEBIAN_MIRROR bookworm-updates main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $DEBIAN_SECURITY_MIRROR bookworm-security main"

rm -rf "$cache"
mkdir -p "$cache"
umoci init --layout "$out" >&2
for arch in $arches; do
    start=$SECONDS
    mmdebstrap --quiet --arch="$arch" --variant=minbase \
        --include=debian-archive-keyring,ca-certificates --format=tar \
        --customize-hook="printf '%s\n' \"$sources\" > \"\$1/etc/apt/sources.list\"" \
        --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin' \
        bookworm "$work/$arch.tar" "deb $DEBIAN_MIRROR bookworm main" >&2
    umoci new --image "$out:$arch" >&2
    umoci raw add-layer --image "$out:$arch" "$work/$arch.tar" >&2
    rm "$work/$arch.tar"
    umoci config --image "$out:$arch" --os linux --architecture "$arch" \
        --config.cmd /bin/bash --author "libcopa e2e" >&2
    echo "$arch root and image: $((SECONDS - start)) s" >&2
done
umoci gc --layout "$out" >&2

# The index (and the attested variant) from the per-platform tags.
python3 - "$out" $arches <<'EOF'
import hashlib, json, os, sys

layout, arches = sys.argv[1], sys.argv[2:]
blobs = os.path.join(layout, "blobs", "sha256")

def put(obj):
    data = json.dumps(obj, separators=(",", ":")).encode()
    digest = hashlib.sha256(data).hexdigest()
    with open(os.path.join(blobs, digest), "wb") as f:
        f.write(data)
    return "sha256:" + digest, len(data)

top = json.load(open(os.path.join(layout, "index.json")))
by_tag = {m["annotations"]["org.opencontainers.image.ref.name"]: m for m in top["manifests"]}
entries = []
for arch in arches:
    d = by_tag[arch]
    platform = {"architecture": arch, "os": "linux"}
    if arch == "arm64":
        platform["variant"] = "v8"
    entries.append({"mediaType": d["mediaType"], "digest": d["digest"], "size": d["size"],
                    "platform": platform})

index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
         "manifests": entries}
index_digest, index_size = put(index)

# A buildx-style attestation manifest for the first platform: an in-toto
# statement layer, an empty config, and the reference annotations.
subject = entries[0]["digest"]
statement = {"_type": "https://in-toto.io/Statement/v0.1",
             "predicateType": "https://spdx.dev/Document",
             "subject": [{"name": "pkg:docker/test", "digest": {"sha256": subject[7:]}}],
             "predicate": {"spdxVersion": "SPDX-2.3"}}
layer_digest, layer_size = put(statement)
config_digest, config_size = put({})
att = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
       "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                  "digest": config_digest, "size": config_size},
       "layers": [{"mediaType": "application/vnd.in-toto+json", "digest": layer_digest,
                   "size": layer_size,
                   "annotations": {"in-toto.io/predicate-type": "https://spdx.dev/Document"}}]}
att_digest, att_size = put(att)
attested = dict(index)
attested["manifests"] = entries + [{
    "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": att_digest,
    "size": att_size, "platform": {"architecture": "unknown", "os": "unknown"},
    "annotations": {"vnd.docker.reference.digest": subject,
                    "vnd.docker.reference.type": "attestation-manifest"}}]
attested_digest, attested_size = put(attested)

for tag, digest, size in (("index", index_digest, index_size),
                          ("attested", attested_digest, attested_size)):
    top["manifests"].append({"mediaType": "application/vnd.oci.image.index.v1+json",
                             "digest": digest, "size": size,
                             "annotations": {"org.opencontainers.image.ref.name": tag}})
tmp = os.path.join(layout, "index.json.tmp")
with open(tmp, "w") as f:
    json.dump(top, f)
os.rename(tmp, os.path.join(layout, "index.json"))
EOF
skopeo inspect --raw "oci:$out:index" >/dev/null
touch "$cache/done"
echo "$out"
