#!/usr/bin/env bash
# Registry integration harness. Starts, on loopback only:
#   - the distribution registry over plain HTTP,
#   - the distribution registry over TLS (throwaway CA) with htpasswd auth,
#   - fake_server.py (retries, redirects, wrong bytes, bearer tokens),
# pushes an image with skopeo for our client to read, runs the two test
# programs, then checks with skopeo what our client pushed. Everything is
# stopped and removed on exit, failed or not.
#
# usage: run.sh TEST_REGISTRY_PROGRAM TEST_HTTP_PROGRAM
#        run.sh --with COMMAND [ARGS...]
# The second form starts the same registries, exports the same COPA_TEST_*
# variables (plus COPA_TEST_PLAIN_DATA / COPA_TEST_TLS_DATA, the registries'
# storage roots) and runs COMMAND instead; its exit status is the result.
# $COPA_TEST_WRAPPER (e.g. "valgrind --error-exitcode=99") runs the programs under a tool.
set -euo pipefail
with=()
if [ "${1:-}" = --with ]; then
    shift
    with=("$@")
else
    registry_tests=$1
    http_tests=$2
fi
here=$(cd "$(dirname "$0")" && pwd)

for tool in docker-registry htpasswd openssl skopeo python3 curl; do
    command -v "$tool" >/dev/null || { echo "run.sh: $tool is required" >&2; exit 1; }
done

work=$(mktemp -d /tmp/copa-registry-test.XXXXXX)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
# Only loopback is ever contacted; no proxy may get in the way.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy no_proxy NO_PROXY
unset REGISTRY_AUTH_FILE DOCKER_CONFIG XDG_RUNTIME_DIR
export HOME=$work/home
mkdir -p "$HOME"

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_http URL [curl options...]: until anything answers over HTTP (bounded).
wait_http() {
    local url=$1 i code
    shift
    for i in $(seq 1 100); do
        code=$(curl -s -o /dev/null -w '%{http_code}' "$@" "$url" || true)
        [ "$code" != 000 ] && return 0
        sleep 0.1
    done
    echo "run.sh: nothing answers at $url" >&2
    return 1
}

# --- plain HTTP registry
plain_port=$(free_port)
mkdir -p "$work/plain"
cat >"$work/plain/config.yml" <<YAML
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $work/plain/data}, delete: {enabled: true}}
http: {addr: 127.0.0.1:$plain_port}
YAML
docker-registry serve "$work/plain/config.yml" >"$work/plain/log" 2>&1 &
pids+=($!)

# --- TLS + htpasswd registry with a throwaway CA
tls_port=$(free_port)
mkdir -p "$work/tls" "$work/certs"
(
    cd "$work/tls"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 \
        -subj /CN=copa-test-ca 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr \
        -subj /CN=127.0.0.1 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >ext.cnf
    openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
        -out server.crt -days 2 -extfile ext.cnf 2>/dev/null
)
cp "$work/tls/ca.crt" "$work/certs/ca.crt"
user=alice
pass='Corr3ct-Horse:Battery'
htpasswd -Bbn "$user" "$pass" >"$work/tls/htpasswd"
cat >"$work/tls/config.yml" <<YAML
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $work/tls/data}, delete: {enabled: true}}
http: {addr: 127.0.0.1:$tls_port, tls: {certificate: $work/tls/server.crt, key: $work/tls/server.key}}
auth: {htpasswd: {realm: copa-test, path: $work/tls/htpasswd}}
YAML
docker-registry serve "$work/tls/config.yml" >"$work/tls/log" 2>&1 &
pids+=($!)

# --- fake server on 127.0.0.1 and 127.0.0.2
python3 "$here/fake_server.py" "$work/fake.info" &
pids+=($!)
for i in $(seq 1 100); do [ -s "$work/fake.info" ] && break; sleep 0.1; done
read -r fake_port fake_blob fake_manifest <"$work/fake.info"

wait_http "http://127.0.0.1:$plain_port/v2/"
wait_http "https://127.0.0.1:$tls_port/v2/" --cacert "$work/tls/ca.crt"
wait_http "http://127.0.0.1:$fake_port/v2/"

# --- an image pushed by skopeo, for our client to read
python3 - "$work/layout" <<'PY'
import gzip, hashlib, io, json, os, sys, tarfile
out = sys.argv[1]
os.makedirs(out + "/blobs/sha256")
def put(data):
    d = hashlib.sha256(data).hexdigest()
    open(out + "/blobs/sha256/" + d, "wb").write(data)
    return "sha256:" + d, len(data)
raw = io.BytesIO()
with tarfile.open(fileobj=raw, mode="w") as t:
    body = b"written by the copa registry test\n"
    info = tarfile.TarInfo("etc/copa-test"); info.size = len(body); info.mtime = 0
    t.addfile(info, io.BytesIO(body))
tar = raw.getvalue()
layer = gzip.compress(tar, mtime=0)
config = json.dumps({"architecture": "amd64", "os": "linux",
                     "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(tar).hexdigest()]}}).encode()
cd, cs = put(config); ld, ls = put(layer)
manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": cs},
    "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": ld, "size": ls}]}).encode()
md, ms = put(manifest)
json.dump({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
    "digest": md, "size": ms, "annotations": {"org.opencontainers.image.ref.name": "v1"}}]},
    open(out + "/index.json", "w"))
json.dump({"imageLayoutVersion": "1.0.0"}, open(out + "/oci-layout", "w"))
PY
skopeo copy -q --dest-tls-verify=false "oci:$work/layout:v1" \
    "docker://127.0.0.1:$plain_port/skopeo/img:v1"

export COPA_TEST_WORK=$work
export COPA_TEST_PLAIN=127.0.0.1:$plain_port
export COPA_TEST_TLS=127.0.0.1:$tls_port
export COPA_TEST_CA=$work/tls/ca.crt
export COPA_TEST_USER=$user
export COPA_TEST_PASS=$pass
export COPA_TEST_FAKE=127.0.0.1:$fake_port
export COPA_TEST_FAKE_BLOB=$fake_blob
export COPA_TEST_FAKE_MANIFEST=$fake_manifest
export COPA_TEST_PLAIN_DATA=$work/plain/data
export COPA_TEST_TLS_DATA=$work/tls/data

if [ ${#with[@]} -gt 0 ]; then
    status=0
    "${with[@]}" || status=$?
    exit $status
fi

status=0
${COPA_TEST_WRAPPER:-} "$registry_tests" || status=1
${COPA_TEST_WRAPPER:-} "$http_tests" || status=1

# --- cross-checks with skopeo
check() {
    local what=$1 ours=$2 theirs=$3
    if [ "$ours" = "$theirs" ]; then
        echo "ok - skopeo agrees: $what ($ours)"
    else
        echo "not ok - skopeo disagrees: $what: ours '$ours', skopeo '$theirs'" >&2
        status=1
    fi
}
if [ -s "$work/pushed.digest" ]; then
    check "what we pushed (plain)" "$(cat "$work/pushed.digest")" \
        "$(skopeo inspect --tls-verify=false --format '{{.Digest}}' \
            "docker://127.0.0.1:$plain_port/copa/pushed:v1")"
    # skopeo fetches and verifies every blob we uploaded (chunked one included).
    skopeo copy -q --src-tls-verify=false "docker://127.0.0.1:$plain_port/copa/pushed:v1" \
        "oci:$work/copied:v1" || { echo "not ok - skopeo could not copy our image" >&2; status=1; }
else
    echo "not ok - no pushed.digest" >&2; status=1
fi
if [ -s "$work/skopeo-read.digest" ]; then
    check "what skopeo pushed, as we read it" "$(cat "$work/skopeo-read.digest")" \
        "$(skopeo inspect --tls-verify=false --format '{{.Digest}}' \
            "docker://127.0.0.1:$plain_port/skopeo/img:v1")"
else
    echo "not ok - no skopeo-read.digest" >&2; status=1
fi
if [ -s "$work/tls-pushed.digest" ]; then
    check "what we pushed (TLS + auth)" "$(cat "$work/tls-pushed.digest")" \
        "$(skopeo inspect --cert-dir "$work/certs" --creds "$user:$pass" \
            --format '{{.Digest}}' "docker://127.0.0.1:$tls_port/secure/img:v1")"
else
    echo "not ok - no tls-pushed.digest" >&2; status=1
fi
exit $status
