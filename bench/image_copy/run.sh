#!/usr/bin/env bash
# Benchmark: copy a multi-layer image from a registry into an OCI layout with
# `copa copy` and with `skopeo copy`, side by side in one run, for two sizes
# of the big layer; writes bench/results/image_copy.md.
#
# The registry is the real docker-registry on loopback, started by the
# registry test harness (tests/integration/registry/run.sh --with). The image
# has five small layers and one big layer of incompressible data (generated
# here); both tools verify every blob's digest. copa runs with an empty blob
# cache each time (skopeo has none), so both download everything.
#
# usage: bench/image_copy/run.sh [RUNS] [SIZE_MB...]   (default: 3 runs, 100 and 300 MB)
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "${1:-}" != --inner ]; then
    build=build-bench
    cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DCOPA_BUILD_EXAMPLES=OFF >/dev/null
    cmake --build "$build" --target copa -j2 >/dev/null
    exec tests/integration/registry/run.sh --with "$PWD/bench/image_copy/run.sh" --inner \
        "$PWD/$build/cli/copa" "$@"
fi
shift
copa=$1
shift
runs=${1:-3}
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100 300)
out=$PWD/bench/results/image_copy.md
P=$COPA_TEST_PLAIN
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# make_image DIR BIG_MB: an OCI layout with 5 small layers and one big one.
make_image() {
    python3 - "$1" "$2" <<'PY'
import gzip, hashlib, io, json, os, sys, tarfile, zlib
out, big_mb = sys.argv[1], int(sys.argv[2])
os.makedirs(out + "/blobs/sha256")
def put_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    d = h.hexdigest()
    os.rename(path, out + "/blobs/sha256/" + d)
    return "sha256:" + d, os.path.getsize(out + "/blobs/sha256/" + d)
def put(data):
    p = out + "/tmp"
    open(p, "wb").write(data)
    return put_file(p)
layers, diff_ids = [], []
def layer(files):
    # files: list of (name, size, random?) written as a tar, gzip level 1.
    tar_path, gz_path = out + "/layer.tar", out + "/layer.tar.gz"
    with tarfile.open(tar_path, "w") as t:
        for name, size, rnd in files:
            info = tarfile.TarInfo(name); info.size = size; info.mtime = 0
            src = open("/dev/urandom", "rb") if rnd else io.BytesIO(b"x" * size)
            t.addfile(info, src)
    h = hashlib.sha256()
    with open(tar_path, "rb") as f, gzip.GzipFile(gz_path, "wb", compresslevel=1, mtime=0) as g:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk); g.write(chunk)
    os.unlink(tar_path)
    d, s = put_file(gz_path)
    layers.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": d, "size": s})
    diff_ids.append("sha256:" + h.hexdigest())
for i in range(5):
    layer([("etc/small-%d-%d" % (i, j), 200000, j % 2 == 0) for j in range(10)])
layer([("var/big", big_mb * 1024 * 1024, True)])
config = json.dumps({"architecture": "amd64", "os": "linux",
                     "rootfs": {"type": "layers", "diff_ids": diff_ids}}).encode()
cd, cs = put(config)
manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": cs},
    "layers": layers}).encode()
md, ms = put(manifest)
json.dump({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
    "digest": md, "size": ms, "annotations": {"org.opencontainers.image.ref.name": "v1"}}]},
    open(out + "/index.json", "w"))
json.dump({"imageLayoutVersion": "1.0.0"}, open(out + "/oci-layout", "w"))
PY
}

# measure NAME CMD...: RUNS runs; prints "median_wall median_cpu max_rss_kib" (by wall time).
measure() {
    local i
    for i in $(seq "$runs"); do
        rm -rf "$tmp/dest" "$tmp/cache"
        sync
        /usr/bin/time -f '%e %U %S %M' -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err" ||
            { cat "$tmp/err" >&2; exit 1; }
        awk '{ printf "%.2f %.2f %s\n", $1, $2 + $3, $4 }' "$tmp/time"
    done | sort -n >"$tmp/runs"
    awk -v n="$runs" 'NR == int((n + 1) / 2) { w = $1; c = $2 } { if ($3 > m) m = $3 }
        END { print w, c, m }' "$tmp/runs"
}

rows=()
for size in "${sizes[@]}"; do
    rm -rf "$tmp/layout"
    make_image "$tmp/layout" "$size"
    total=$(du -sb "$tmp/layout/blobs" | cut -f1)
    skopeo copy -q --dest-tls-verify=false "oci:$tmp/layout:v1" "docker://$P/bench/img$size:v1"
    src="docker://$P/bench/img$size:v1"
    read -r cw cc cm < <(measure "$copa" copy -q --insecure-registry "$P" --cache-dir "$tmp/cache" \
        "$src" "oci:$tmp/dest:v1")
    # The result is what skopeo reads, byte for byte the same manifest.
    [ "$(skopeo inspect --raw "oci:$tmp/dest:v1" | sha256sum)" = \
      "$(skopeo inspect --raw --tls-verify=false "$src" | sha256sum)" ] || { echo "copa copy differs" >&2; exit 1; }
    read -r sw sc sm < <(measure skopeo copy -q --src-tls-verify=false "$src" "oci:$tmp/dest:v1")
    # copa with a warm cache (the second copy of the same image).
    "$copa" copy -q --insecure-registry "$P" --cache-dir "$tmp/warm" "$src" "oci:$tmp/warmdest:v1"
    /usr/bin/time -f '%e %M' -o "$tmp/time" "$copa" copy -q --insecure-registry "$P" \
        --cache-dir "$tmp/warm" "$src" "oci:$tmp/warmdest2:v1"
    read -r ww wm <"$tmp/time"
    rm -rf "$tmp/warm" "$tmp/warmdest" "$tmp/warmdest2"
    ratio=$(awk -v a="$cw" -v b="$sw" 'BEGIN { printf "%.2f", a / b }')
    rows+=("| $size MB | $((total / 1048576)) MiB | $cw s / $cc s | $sw s / $sc s | $ratio | $((cm / 1024)) MiB | $((sm / 1024)) MiB | $ww s, $((wm / 1024)) MiB |")
    echo "${rows[-1]}"
done

{
    echo "# image_copy: registry -> OCI layout, copa copy vs skopeo copy"
    echo
    echo "Generated by \`bench/image_copy/run.sh $runs ${sizes[*]}\` on $(date -u +%Y-%m-%d)"
    echo "($(nproc) cores shared with other jobs, $(skopeo --version), copa Release build)."
    echo "Source: docker-registry on 127.0.0.1 (plain HTTP). Image: 5 layers of 2 MB"
    echo "(half random) + 1 layer of random data of the size shown, gzip -1."
    echo "Median of $runs runs by wall time; CPU = user + sys; peak RSS = max over runs"
    echo "(/usr/bin/time). copa starts each run with an empty blob cache (it downloads"
    echo "into the cache and writes the layout from there); the last column is one"
    echo "more copa run with the cache already filled."
    echo
    echo "| big layer | blobs | copa wall / CPU | skopeo wall / CPU | copa/skopeo wall | copa peak RSS | skopeo peak RSS | copa, warm cache |"
    echo "|---|---|---|---|---|---|---|---|"
    printf '%s\n' "${rows[@]}"
} >"$out"
echo "wrote $out"
