#!/usr/bin/env bash
# Benchmark: patch the same Debian 12 image (base suite only, so security
# updates are pending) with the same updates three ways, side by side in one
# run; writes bench/results/patch.md. Run by hand; not part of the test suite.
#   (a) copa patch, registry -> registry (--push), cold and warm copa cache;
#   (b) the daemon route: podman pull, podman run ... apt-get update &&
#       apt-get install -y --only-upgrade <copa's plan>, podman commit, podman push;
#   (c) the I/O floor: curl fetching the same InRelease files, the same
#       Packages indexes (by-hash, the files copa cached) and the same .debs;
#   (d) the CPU reference: the decompression and compression every route must do
#       (base layer, indexes, .debs, the new layer), by the standard tools.
# The registry is docker-registry on loopback with JSON access logs: bytes
# served (GET) come from its log, bytes received from its storage growth.
# Bytes from the Debian mirror: copa's cache growth (a), apt's "Fetched"
# lines (b), curl's size_download (c). Wall time, CPU time and peak RSS: /usr/bin/time -v.
#
# usage: bench/patch/run.sh [WORKDIR]   (default /tmp/copa-bench-patch; the
# image is built once there with tests/e2e/support/make_debian_image.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."
src=$PWD
build=build-bench
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DCOPA_BUILD_EXAMPLES=OFF >/dev/null
cmake --build "$build" --target copa -j2 >/dev/null
copa=$src/$build/cli/copa
out=$src/bench/results/patch.md
work=${1:-/tmp/copa-bench-patch}
mkdir -p "$work"
work=$(cd "$work" && pwd)
for tool in docker-registry skopeo curl python3 umoci mmdebstrap /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "run.sh: $tool is required" >&2; exit 1; }
done
source tests/e2e/support/host_mirrors.sh

# --- the image (cached)
if [ ! -f "$work/layout/index.json" ]; then
    tests/e2e/support/make_debian_image.sh "$work/layout" base >"$work/image.log" 2>&1
fi

# --- registry with access logs
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
reg=127.0.0.1:$port
rm -rf "$work/reg"
mkdir -p "$work/reg"
cat >"$work/reg/config.yml" <<YAML
version: 0.1
log: {level: info, formatter: json}
storage: {filesystem: {rootdirectory: $work/reg/data}, delete: {enabled: true}}
http: {addr: $reg}
YAML
docker-registry serve "$work/reg/config.yml" >"$work/reg/log" 2>&1 &
regpid=$!
trap 'kill $regpid 2>/dev/null; wait $regpid 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -s -o /dev/null "http://$reg/v2/" && break; sleep 0.1; done
skopeo copy -q --dest-tls-verify=false "oci:$work/layout:base" "docker://$reg/x:base"

mark() { wc -l <"$work/reg/log"; }
# reg_served SINCE_LINE: bytes the registry sent in GET responses since then
reg_served() {
    tail -n +"$(($1 + 1))" "$work/reg/log" | python3 -c '
import json, sys
n = 0
for line in sys.stdin:
    if not line.startswith("{"): continue
    try: e = json.loads(line)
    except ValueError: continue
    if e.get("msg") == "response completed" and e.get("http.request.method") == "GET":
        n += int(e.get("http.response.written", 0))
print(n)'
}
stored() { du -sb "$work/reg/data" | cut -f1; }
# timed NAME CMD...: runs CMD under /usr/bin/time -v; NAME.out/.err/.time
timed() {
    local name=$1
    shift
    /usr/bin/time -v -o "$work/$name.time" "$@" >"$work/$name.out" 2>"$work/$name.err"
}
wall() { # seconds from /usr/bin/time's m:ss.ss or h:mm:ss
    awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s }' "$work/$1.time"
}
rss() { awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$work/$1.time"; }
cpu() { awk -F': ' '/(User|System) time/ { s += $2 } END { printf "%.2f", s }' "$work/$1.time"; }
mb() { python3 -c "print('%.2f' % ($1 / 1e6))"; }
rows=()
row() { rows+=("| $1 | $2 | ${6:-} | $3 | $4 | $5 |"); } # what wall mirror-bytes registry-bytes rss [cpu]

# --- (a) copa, cold then warm cache
cache=$work/copa-cache
rm -rf "$cache"
# What copa fetched from the mirror: the published files behind its cached
# indexes (kept uncompressed) and its cached .debs (mirror_files.py).
mirror_cached() { python3 "$src/bench/patch/mirror_files.py" bytes "$cache" "$DEBIAN_MIRROR" "$DEBIAN_SECURITY_MIRROR"; }
"$copa" patch -i "$reg/x:base" --insecure-registry "$reg" --dry-run --json --progress quiet \
    --cache-dir "$work/plan-cache" >"$work/plan.json"
rm -rf "$work/plan-cache"
pkgs=$(python3 -c 'import json,sys; print(" ".join(p["name"] for p in json.load(open(sys.argv[1]))["packages"]))' "$work/plan.json")
npkgs=$(wc -w <<<"$pkgs")
# cold, warm: the default gzip layer; zstd: warm, --layer-compression zstd
for run in cold warm zstd; do
    m=$(mark); s=$(stored); c=$(mirror_cached)
    extra=()
    [ "$run" = zstd ] && extra=(--layer-compression zstd)
    timed "copa-$run" "$copa" patch -i "$reg/x:base" --push --insecure-registry "$reg" \
        -t "copa-$run" --cache-dir "$cache" --progress quiet "${extra[@]}"
    what="$run cache"
    [ "$run" = zstd ] && what="warm cache, --layer-compression zstd"
    row "(a) copa patch --push, $what" "$(wall "copa-$run")" \
        "$(mb $(($(mirror_cached) - c)))" \
        "$(mb "$(reg_served "$m")") out / $(mb $(($(stored) - s))) in" "$(rss "copa-$run")" \
        "$(cpu "copa-$run")"
done
copa_layers=$(skopeo inspect --tls-verify=false --format '{{len .Layers}}' "docker://$reg/x:copa-cold")

# --- (b) podman
podman_note=""
if command -v podman >/dev/null && command -v runc >/dev/null; then
    P=(podman --runtime runc)
    "${P[@]}" rm -f copa-bench >/dev/null 2>&1 || true
    # Every image in podman's store (podman is installed for this benchmark
    # only): the pull must really fetch the base layer.
    "${P[@]}" rmi -a -f >/dev/null 2>&1 || true
    pm=$(mark); ps_=$(stored); t0=$(date +%s.%N)
    if timed podman-pull "${P[@]}" pull --tls-verify=false "$reg/x:base" &&
        timed podman-run "${P[@]}" run --name copa-bench --network host \
            --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 "$reg/x:base" \
            sh -c "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --only-upgrade $pkgs" &&
        timed podman-commit "${P[@]}" commit copa-bench "$reg/x:podman" &&
        timed podman-push "${P[@]}" push --tls-verify=false "$reg/x:podman"; then
        total=$(python3 -c "import time; print('%.2f' % (time.time() - $t0))")
        fetched=$(grep -ho 'Fetched [0-9.]* [kMG]*B' "$work/podman-run.out" | python3 -c '
import sys
u = {"B": 1, "kB": 1e3, "MB": 1e6, "GB": 1e9}
print(int(sum(float(l.split()[1]) * u[l.split()[2]] for l in sys.stdin)))')
        for step in pull run commit push; do
            row "(b) podman $step" "$(wall "podman-$step")" "" "" "$(rss "podman-$step") (client)" \
                "$(cpu "podman-$step") (client)"
        done
        row "(b) podman total (pull+run+commit+push)" "$total" "$(mb "$fetched")" \
            "$(mb "$(reg_served "$pm")") out / $(mb $(($(stored) - ps_))) in" "see steps"
        podman_layers=$(skopeo inspect --tls-verify=false --format '{{len .Layers}}' "docker://$reg/x:podman")
    else
        podman_note="podman failed: $(tail -n 3 "$work"/podman-*.err | tr '\n' ' ')"
    fi
    "${P[@]}" rm -f copa-bench >/dev/null 2>&1 || true
else
    podman_note="podman/runc not installed"
fi

# --- (c) curl: the same files from the same mirror
python3 "$src/bench/patch/mirror_files.py" curl-args "$cache" "$DEBIAN_MIRROR" "$DEBIAN_SECURITY_MIRROR" \
    "$work/plan.json" >"$work/curl.args"
nurls=$(grep -c '^url' "$work/curl.args")
rm -rf "$work/curl" && mkdir -p "$work/curl"
(cd "$work/curl" && timed curl curl -sS --fail --parallel --parallel-max 8 -K "$work/curl.args" \
    -w '%{size_download}\n')
row "(c) curl, $nurls files (InRelease, indexes, .debs) in parallel" "$(wall curl)" \
    "$(mb "$(awk '{s += $1} END {print s}' "$work/curl.out")")" "" "$(rss curl)"
# (c') the floor with the base layers too: copa must read them from the registry.
layer_urls=$(skopeo inspect --tls-verify=false --raw "docker://$reg/x:base" |
    python3 -c 'import json,sys; [print("http://'"$reg"'/v2/x/blobs/" + l["digest"]) for l in json.load(sys.stdin)["layers"]]')
(cd "$work/curl" && timed curl-all curl -sS --fail --parallel --parallel-max 8 -K "$work/curl.args" \
    $(for u in $layer_urls; do printf -- '-o layer-%s %s ' "${u##*:}" "$u"; done) -w '%{size_download}\n')
row "(c') curl, the same + the base layer blob(s) from the registry" "$(wall curl-all)" \
    "$(mb "$(awk '{s += $1} END {print s}' "$work/curl-all.out")")" "" "$(rss curl-all)"

# --- (d) the CPU reference: the (de)compression no route can avoid, done by the
# standard single-threaded tools one after another on the files curl fetched:
# inflate the base layer(s), unxz the indexes, unpack the .debs' data.tar,
# gzip -6 (copa's and Docker's level) the uncompressed tar of copa's layer.
rm -rf "$work/copa-out"
skopeo copy -q --src-tls-verify=false "docker://$reg/x:copa-cold" "oci:$work/copa-out:x"
top=$(python3 -c '
import json, sys
d = sys.argv[1]
idx = json.load(open(d + "/index.json"))["manifests"][0]["digest"].split(":")[1]
m = json.load(open(d + "/blobs/sha256/" + idx))
print(d + "/blobs/sha256/" + m["layers"][-1]["digest"].split(":")[1])' "$work/copa-out")
gzip -dc "$top" >"$work/copa-layer.tar"
cat >"$work/cpu-floor.sh" <<'SH'
set -e
cd "$1"
for f in layer-*; do gzip -dc "$f" >/dev/null; done
for f in f*; do
    case $(head -c 6 "$f" | od -An -tx1 | tr -d ' ') in
    fd377a585a00) xz -dc "$f" >/dev/null ;;
    213c61726368) dpkg-deb --fsys-tarfile "$f" >/dev/null ;;
    esac
done
gzip -6 -c "$2" >/dev/null
SH
timed cpu-floor bash "$work/cpu-floor.sh" "$work/curl" "$work/copa-layer.tar"
row "(d) CPU reference, standard tools: gzip -d base layer, xz -d indexes, dpkg-deb data.tar, gzip -6 the layer tar; 1 core" \
    "$(wall cpu-floor)" "" "" "$(rss cpu-floor)" "$(cpu cpu-floor)"

{
    echo "# copa patch vs the daemon route vs the I/O floor"
    echo
    echo "Generated by \`bench/patch/run.sh\` on $(date -u +%Y-%m-%d) ($(nproc) CPUs, $(uname -r);"
    echo "copa $(git -C "$src" rev-parse --short HEAD), Release build; podman $(podman --version 2>/dev/null | awk '{print $3}'), runc $(runc --version 2>/dev/null | awk 'NR==1{print $3}'))."
    echo "Image: Debian 12 minbase from the base suite (mmdebstrap), $(skopeo inspect --tls-verify=false --format '{{len .Layers}}' "docker://$reg/x:base") layer(s); pushed to docker-registry on loopback."
    echo "Updates ($npkgs, copa's update-all plan, also given to apt): $pkgs."
    echo "Result layers: copa $copa_layers, podman ${podman_layers:-n/a}."
    echo
    echo "| route | wall s | CPU s | from the Debian mirror, MB | registry MB | peak RSS MB |"
    echo "|---|---|---|---|---|---|"
    printf '%s\n' "${rows[@]}"
    echo
    [ -n "$podman_note" ] && echo "Podman: $podman_note" && echo
    echo "Bytes: registry \"out\" = GET response bytes in the registry's access log, \"in\" ="
    echo "growth of its storage directory (new blobs and links). Mirror bytes: copa = the published"
    echo "size of the indexes and .debs that appeared in its cache during the run (bench/patch/mirror_files.py;"
    echo "it keeps indexes uncompressed); its blob cache keeps the base layer, so a warm run"
    echo "reads nothing from the registry and fetches only the InRelease files, which are not"
    echo "counted; podman = apt's \"Fetched\" lines; curl ="
    echo "size_download. Podman's peak RSS is the podman client's; apt inside the container"
    echo "runs under conmon and is not counted."
} >"$out"
cat "$out"
