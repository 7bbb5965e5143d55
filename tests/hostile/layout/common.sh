# Shared by the hostile/layout tests: a scratch directory, messages, a small
# image made with umoci, and checks that every tag of an OCI layout (or a
# registry repository) names complete, verified content.
set -euo pipefail
for cmd in umoci skopeo jq python3 sha256sum; do
    command -v "$cmd" >/dev/null || { echo "SKIP: $cmd not installed" >&2; exit 77; }
done
# Only loopback is ever contacted; no proxy may get in the way.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy no_proxy NO_PROXY
unset REGISTRY_AUTH_FILE DOCKER_CONFIG

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
t=$(mktemp -d /tmp/copa-hostile-layout.XXXXXX)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$t"
}
trap cleanup EXIT
export HOME=$t/home COPA_CACHE_DIR=$t/cache
mkdir -p "$HOME"
cd "$t"
passed=0
ok() { passed=$((passed + 1)); echo "ok $passed - $*"; }
die() { echo "FAIL: $*" >&2; exit 1; }

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# make_image LAYOUT TAG MIB: a two-layer image, MIB MiB of random bytes in one layer.
make_image() {
    local layout=$1 tag=$2 mib=$3
    [ -d "$layout" ] || umoci init --layout "$layout"
    umoci new --image "$layout:$tag"
    umoci unpack --rootless --image "$layout:$tag" "$t/bundle-$tag" >/dev/null
    mkdir -p "$t/bundle-$tag/rootfs/etc"
    printf 'ID=copatest\nVERSION_ID=%s\n' "$tag" >"$t/bundle-$tag/rootfs/etc/os-release"
    umoci repack --refresh-bundle --image "$layout:$tag" "$t/bundle-$tag"
    head -c $((mib * 1048576)) /dev/urandom >"$t/bundle-$tag/rootfs/etc/data"
    umoci repack --refresh-bundle --image "$layout:$tag" "$t/bundle-$tag"
    umoci config --image "$layout:$tag" --os linux --architecture amd64
    rm -rf "$t/bundle-$tag"
}

# blob_ok LAYOUT DIGEST SIZE: the blob is there, with that size and digest.
blob_ok() {
    local file=$1/blobs/sha256/${2#sha256:}
    [ -f "$file" ] || { echo "missing blob $2" >&2; return 1; }
    [ "$(stat -c %s "$file")" = "$3" ] || { echo "blob $2: wrong size" >&2; return 1; }
    [ "sha256:$(sha256sum "$file" | cut -d' ' -f1)" = "$2" ] || { echo "blob $2: wrong digest" >&2; return 1; }
}

# manifest_ok LAYOUT DIGEST SIZE: a manifest (or index) and everything it names.
manifest_ok() {
    local layout=$1 digest=$2 size=$3 file d s
    blob_ok "$layout" "$digest" "$size" || return 1
    file=$layout/blobs/sha256/${digest#sha256:}
    while read -r d s; do
        [ -n "$d" ] || continue
        if jq -e '.manifests' "$file" >/dev/null; then
            manifest_ok "$layout" "$d" "$s" || return 1
        else
            blob_ok "$layout" "$d" "$s" || return 1
        fi
    done < <(jq -r '(.manifests // ([.config] + .layers))[] | "\(.digest) \(.size)"' "$file")
}

# layout_ok LAYOUT: every index.json entry is complete; skopeo reads every tag.
layout_ok() {
    local layout=$1 d s tag
    jq -e '.manifests' "$layout/index.json" >/dev/null || { echo "$layout: bad index.json" >&2; return 1; }
    while read -r d s; do
        manifest_ok "$layout" "$d" "$s" || return 1
    done < <(jq -r '.manifests[] | "\(.digest) \(.size)"' "$layout/index.json")
    while read -r tag; do
        skopeo inspect "oci:$layout:$tag" >/dev/null || { echo "skopeo cannot read $layout:$tag" >&2; return 1; }
    done < <(jq -r '.manifests[].annotations["org.opencontainers.image.ref.name"] // empty' "$layout/index.json")
}

# tags LAYOUT: the tags of a layout, sorted, one line.
tags() {
    jq -r '[.manifests[].annotations["org.opencontainers.image.ref.name"] // empty] | sort | join(" ")' "$1/index.json"
}

# tree_sum DIR: one checksum over every file's name and content.
tree_sum() {
    (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
}

# start_slow_registry MODE SECONDS: slow_registry.py on loopback; sets $slow (HOST:PORT).
start_slow_registry() {
    rm -f "$t/slow.port"
    python3 "$here/slow_registry.py" "$t/slow.port" "$1" "$2" &
    pids+=($!)
    local i
    for i in $(seq 1 100); do
        [ -s "$t/slow.port" ] && break
        sleep 0.1
    done
    [ -s "$t/slow.port" ] || die "slow_registry.py did not start"
    slow=127.0.0.1:$(cat "$t/slow.port")
}

# reachable LAYOUT: the hex of every blob index.json reaches, sorted.
reachable() {
    local layout=$1
    reach_doc() {
        local file=$layout/blobs/sha256/${1#sha256:} d
        echo "${1#sha256:}"
        [ -f "$file" ] || return 0
        while read -r d; do
            [ -n "$d" ] && reach_doc "$d"
        done < <(jq -r '(.manifests // [])[].digest' "$file" 2>/dev/null)
        jq -r '([.config // empty] + (.layers // []))[].digest | sub("^sha256:"; "")' "$file" 2>/dev/null || true
    }
    local d
    while read -r d; do reach_doc "$d"; done < <(jq -r '.manifests[].digest' "$layout/index.json")
}

# only_reachable LAYOUT: no blob (or temporary file) that index.json does not reach.
only_reachable() {
    local extra
    extra=$(comm -13 <(reachable "$1" | sort -u) <(ls "$1/blobs/sha256" | sort))
    [ -z "$extra" ] || { echo "$1: unreferenced files in blobs/sha256: $extra" >&2; return 1; }
}

# start_registry: docker-registry on loopback (plain HTTP); sets $reg (HOST:PORT).
start_registry() {
    command -v docker-registry >/dev/null || { echo "SKIP: docker-registry not installed" >&2; exit 77; }
    command -v curl >/dev/null || { echo "SKIP: curl not installed" >&2; exit 77; }
    reg=127.0.0.1:$(free_port)
    cat >"$t/registry.yml" <<YAML
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $t/registry}, delete: {enabled: true}}
http: {addr: $reg}
YAML
    docker-registry serve "$t/registry.yml" >"$t/registry.log" 2>&1 &
    pids+=($!)
    local i
    for i in $(seq 1 100); do
        curl -sf "http://$reg/v2/" >/dev/null && return 0
        sleep 0.1
    done
    die "docker-registry did not start: $(cat "$t/registry.log")"
}
