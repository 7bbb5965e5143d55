#!/usr/bin/env bash
# docker:// in and out, against the real distribution registry.
#
# Run by tests/integration/registry/run.sh --with, which provides a plain
# HTTP registry ($COPA_TEST_PLAIN, storage $COPA_TEST_PLAIN_DATA) and a TLS +
# htpasswd one ($COPA_TEST_TLS, CA $COPA_TEST_CA, $COPA_TEST_USER /
# $COPA_TEST_PASS). Images are made with umoci and pushed with skopeo;
# what copa reads and writes is checked with skopeo.
#
# usage: test_transport.sh COPA IMAGE_TOOL
set -euo pipefail
copa=$1
tool=$2
for cmd in umoci skopeo jq curl; do
    command -v "$cmd" >/dev/null || { echo "SKIP: $cmd not installed" >&2; exit 77; }
done
: "${COPA_TEST_PLAIN:?run me through tests/integration/registry/run.sh --with}"

t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
cd "$t"
passed=0
P=$COPA_TEST_PLAIN
S=$COPA_TEST_TLS
export COPA_CACHE_DIR=$t/cache
ins=(--insecure-registry "$P")
sk=(--tls-verify=false)

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
raw() { skopeo inspect --raw "${sk[@]}" "docker://$1"; }
rawdigest() { raw "$1" | sha256sum | cut -d' ' -f1; }
blobs_of() { jq -c '[.config.digest, (.layers[] | .digest)]'; }

# ---- an image made with umoci: symlinks, hardlinks, whiteouts, merged /usr
umoci init --layout src
umoci new --image src:v1
umoci unpack --rootless --image src:v1 b >/dev/null
r=b/rootfs
mkdir -p $r/usr/lib $r/usr/bin $r/etc/old $r/var/tmp
ln -s usr/lib $r/lib
printf 'PRETTY_NAME="Copa Test \\"Linux\\" 1"\nNAME="Copa Test"\nID=copatest\nVERSION_ID=1\n' >$r/usr/lib/os-release
ln -s ../usr/lib/os-release $r/etc/os-release
printf '#!/bin/sh\necho hi\n' >$r/usr/bin/hi
ln $r/usr/bin/hi $r/usr/bin/hi-again
echo old >$r/etc/old/file
echo gone >$r/etc/gone
umoci repack --refresh-bundle --image src:v1 b
rm $r/etc/gone
rm -r $r/etc/old && mkdir $r/etc/old && echo new >$r/etc/old/other
head -c 300000 /dev/urandom >$r/var/tmp/noise
umoci repack --refresh-bundle --image src:v1 b
umoci config --image src:v1 --os linux --architecture amd64 --config.cmd /usr/bin/hi
skopeo copy -q "${sk[@]/tls-verify/dest-tls-verify}" oci:src:v1 "docker://$P/umoci/img:v1"
skopeo copy -q --format v2s2 "${sk[@]/tls-verify/dest-tls-verify}" oci:src:v1 \
    "docker://$P/docker/img:v1"
cp -r "$(dirname "$COPA_TEST_CA")/ca.crt" ca.crt
mkdir certs && cp ca.crt certs/ca.crt
skopeo copy -q --dest-cert-dir certs --dest-creds "$COPA_TEST_USER:$COPA_TEST_PASS" \
    oci:src:v1 "docker://$S/secure/img:v1"
ok "images made with umoci and pushed with skopeo"

# ---- copa inspect of registry images agrees with skopeo -----------------
for repo in umoci docker; do
    "$copa" inspect --json "${ins[@]}" "docker://$P/$repo/img:v1" >i.json
    raw "$P/$repo/img:v1" >raw.json
    [ "$(jq -r .digest i.json)" = "sha256:$(sha256sum <raw.json | cut -d' ' -f1)" ] ||
        die "$repo: digest differs from skopeo's"
    [ "$(jq -r .manifest.mediaType i.json)" = "$(jq -r '.mediaType // "application/vnd.oci.image.manifest.v1+json"' raw.json)" ] || die "$repo: type"
    [ "$(jq -c '[.config.digest, (.layers[] | .digest)]' i.json)" = "$(blobs_of <raw.json)" ] ||
        die "$repo: blobs differ"
    # /etc/os-release is a symlink to ../usr/lib/os-release: read through it.
    [ "$(jq -r .osRelease.ID i.json)" = copatest ] || die "$repo: os-release: $(jq .osRelease i.json)"
    [ "$(jq -r .osRelease.PRETTY_NAME i.json)" = 'Copa Test "Linux" 1' ] || die "$repo: PRETTY_NAME"
done
"$copa" inspect "${ins[@]}" "$P/umoci/img:v1" >i.txt
grep -q '^OS: *Copa Test "Linux" 1$' i.txt || die "text inspect lacks the OS line: $(cat i.txt)"
"$copa" inspect --json oci:src:v1 | jq -e '.osRelease.VERSION_ID == "1"' >/dev/null ||
    die "os-release through an oci: layout"
ok "copa inspect of registry images: digests, media types, blobs and os-release agree with skopeo"

"$copa" inspect --json --cert-dir certs --creds "$COPA_TEST_USER:$COPA_TEST_PASS" \
    "docker://$S/secure/img:v1" | jq -e '.osRelease.ID == "copatest"' >/dev/null ||
    die "TLS + auth with --cert-dir"
"$copa" inspect --ca-file ca.crt --creds "$COPA_TEST_USER:$COPA_TEST_PASS" "$S/secure/img:v1" \
    >/dev/null || die "TLS + auth with --ca-file"
ok "TLS + htpasswd registry with --cert-dir and --ca-file"

# ---- errors: unknown image or tag, wrong password, missing CA -----------
expect_fail 4 "not found" "$copa" inspect "${ins[@]}" "$P/umoci/img:nope"
expect_fail 4 "not found" "$copa" inspect "${ins[@]}" "$P/nobody/here:v1"
expect_fail 4 "not found" "$copa" copy "${ins[@]}" "$P/umoci/img:nope" oci:never:x
[ ! -e never ] || die "a failed copy left oci:never"
secret='Wr0ng-Secret-Horse'
expect_fail 5 "refused" "$copa" inspect --ca-file ca.crt --creds "$COPA_TEST_USER:$secret" \
    "$S/secure/img:v1"
! grep -qF "$secret" out.txt err.txt || die "the password appears in the output"
expect_fail 5 "refused" "$copa" copy --ca-file ca.crt --creds "$COPA_TEST_USER:$secret" \
    oci:src:v1 "$S/secure/img:v2"
! grep -qF "$secret" out.txt err.txt || die "the password appears in the output of copy"
expect_fail 7 "certificate" "$copa" inspect --creds "$COPA_TEST_USER:$COPA_TEST_PASS" \
    "$S/secure/img:v1"
expect_fail 6 "$P" "$copa" inspect "$P/umoci/img:v1" # plain HTTP only when named insecure
ok "unknown tag/image exit 4, wrong password exit 5 (not echoed), missing CA exit 7"

# ---- trust as the container tools find it: certs.d/HOST:PORT, SSL_CERT_* --
creds=(--creds "$COPA_TEST_USER:$COPA_TEST_PASS")
mkdir -p "certs.d/$S" "empty.d/$S" plain-dir
cp ca.crt "certs.d/$S/ca.crt"
cp ca.crt plain-dir/registry-ca.pem # not a hashed directory: Go reads every file
COPA_CERTS_D=$t/empty.d:$t/certs.d "$copa" inspect "${creds[@]}" "$S/secure/img:v1" >/dev/null ||
    die "certs.d/HOST:PORT/*.crt is not trusted"
COPA_CERTS_D=$t/certs.d "$copa" copy -q "${creds[@]}" oci:src:v1 "$S/secure/img:certsd" ||
    die "push with certs.d trust"
expect_fail 7 "certificate" env COPA_CERTS_D="$t/empty.d" "$copa" inspect "${creds[@]}" \
    "$S/secure/img:v1"
SSL_CERT_FILE=$t/ca.crt "$copa" inspect "${creds[@]}" "$S/secure/img:v1" >/dev/null ||
    die "SSL_CERT_FILE not honoured"
SSL_CERT_DIR=$t/plain-dir "$copa" inspect "${creds[@]}" "$S/secure/img:v1" >/dev/null ||
    die "SSL_CERT_DIR not honoured"
openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key -out other.crt -days 1 \
    -subj /CN=other >/dev/null 2>&1
# SSL_CERT_DIR replaces the system directory and SSL_CERT_FILE the system file:
# with neither holding the registry's CA, nothing trusts it.
expect_fail 7 "certificate" env SSL_CERT_FILE="$t/other.crt" SSL_CERT_DIR="$t/empty.d" \
    "$copa" inspect "${creds[@]}" "$S/secure/img:v1"
expect_fail 4 "SSL_CERT_FILE" env SSL_CERT_FILE="$t/missing.crt" "$copa" inspect "${creds[@]}" \
    "$S/secure/img:v1"
# The default roots, when this runs as root and nothing of ours is there yet.
if [ "$(id -u)" = 0 ] && [ ! -e "/etc/containers/certs.d/$S" ]; then
    made=()
    for d in /etc/containers /etc/containers/certs.d "/etc/containers/certs.d/$S"; do
        [ -e "$d" ] || { mkdir "$d" && made=("$d" "${made[@]}"); }
    done
    trap 'rm -f "/etc/containers/certs.d/$S/ca.crt"; rmdir "${made[@]}"; rm -rf "$t"' EXIT
    cp ca.crt "/etc/containers/certs.d/$S/ca.crt"
    "$copa" inspect "${creds[@]}" "$S/secure/img:v1" >/dev/null ||
        die "/etc/containers/certs.d/$S/ca.crt is not trusted"
    rm -f "/etc/containers/certs.d/$S/ca.crt"
    rmdir "${made[@]}"
    trap 'rm -rf "$t"' EXIT
    echo "(checked /etc/containers/certs.d/$S)"
fi
ok "certs.d/HOST:PORT/*.crt (pull and push), SSL_CERT_FILE and SSL_CERT_DIR as Go tools read them"

# ---- a registry that wants a client certificate: certs.d/HOST:PORT/*.cert + *.key
tlsdir=$(dirname "$COPA_TEST_CA")
openssl req -x509 -newkey rsa:2048 -nodes -keyout client-ca.key -out client-ca.crt -days 1 \
    -subj /CN=copa-client-ca >/dev/null 2>&1
openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr -subj /CN=copa-client \
    >/dev/null 2>&1
openssl x509 -req -in client.csr -CA client-ca.crt -CAkey client-ca.key -CAcreateserial \
    -out client.cert -days 1 >/dev/null 2>&1
mport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
M=127.0.0.1:$mport
cat >mtls.yml <<YAML
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $t/mtls-data}}
http: {addr: $M, tls: {certificate: $tlsdir/server.crt, key: $tlsdir/server.key, clientcas: [$t/client-ca.crt]}}
YAML
docker-registry serve mtls.yml >mtls.log 2>&1 &
mpid=$!
trap 'kill $mpid 2>/dev/null || true; rm -rf "$t"' EXIT
for _ in $(seq 1 100); do
    curl -s --cacert ca.crt --cert client.cert --key client.key "https://$M/v2/" >/dev/null && break
    sleep 0.1
done
mkdir -p "mtls.d/$M"
cp ca.crt "mtls.d/$M/ca.crt"
expect_fail 6 "$M" env COPA_CERTS_D="$t/mtls.d" "$copa" copy -q oci:src:v1 "$M/img:v1"
cp client.cert client.key "mtls.d/$M/"
COPA_CERTS_D=$t/mtls.d "$copa" copy -q oci:src:v1 "$M/img:v1" || die "push with a client certificate"
COPA_CERTS_D=$t/mtls.d "$copa" inspect "$M/img:v1" >/dev/null || die "pull with a client certificate"
rm "mtls.d/$M/client.key"
expect_fail 3 "no key" env COPA_CERTS_D="$t/mtls.d" "$copa" inspect "$M/img:v1"
kill $mpid 2>/dev/null || true
trap 'rm -rf "$t"' EXIT
ok "client certificate from certs.d/HOST:PORT/*.cert + *.key; without it the handshake fails"

# ---- round trip registry -> oci -> docker-archive -> registry -----------
"$copa" copy -q "${ins[@]}" "$P/umoci/img:v1" oci:lay:v1
"$copa" copy -q oci:lay:v1 docker-archive:img.tar:copa/img:v1
"$copa" copy -q "${ins[@]}" docker-archive:img.tar "docker://$P/roundtrip/img:v1"
[ "$(raw "$P/roundtrip/img:v1" | blobs_of)" = "$(raw "$P/umoci/img:v1" | blobs_of)" ] ||
    die "round trip changed a blob digest"
skopeo copy -q "${sk[@]/tls-verify/src-tls-verify}" "docker://$P/roundtrip/img:v1" oci:check:v1
# registry -> registry, same registry (blobs mounted) and to the TLS registry.
"$copa" copy -q "${ins[@]}" --cache-dir "$t/cache-mount" "$P/umoci/img:v1" "$P/mounted/img:v1"
[ "$(rawdigest "$P/mounted/img:v1")" = "$(rawdigest "$P/umoci/img:v1")" ] || die "registry copy"
for l in $(raw "$P/umoci/img:v1" | jq -r '.layers[].digest'); do
    [ ! -e "$t/cache-mount/blobs/sha256/${l#sha256:}" ] || die "layer $l was downloaded, not mounted"
done
"$copa" copy -q "${ins[@]}" --cert-dir certs --creds "$COPA_TEST_USER:$COPA_TEST_PASS" \
    "$P/docker/img:v1" "$S/secure/docker:v1"
[ "$(skopeo inspect --raw --cert-dir certs --creds "$COPA_TEST_USER:$COPA_TEST_PASS" \
    "docker://$S/secure/docker:v1" | sha256sum)" = "$(raw "$P/docker/img:v1" | sha256sum)" ] ||
    die "plain -> TLS copy changed the manifest"
ok "registry -> oci -> docker-archive -> registry keeps every blob digest; registry copies are byte-identical"

# ---- appending a layer to a Docker-schema image --------------------------
mkdir -p add/opt && echo patched >add/opt/patched
tar --sort=name --owner=0 --group=0 --mtime=@0 -cf add.tar -C add opt
diff_id=sha256:$(sha256sum add.tar | cut -d' ' -f1)
gzip -n -c add.tar >add.tar.gz
IMAGE_TOOL_INSECURE=$P "$tool" append "docker://$P/docker/img:v1" "docker://$P/docker/img:patched" \
    add.tar.gz "$diff_id" - label:patched=yes
raw "$P/docker/img:patched" >p.json
jq -e '.mediaType == "application/vnd.docker.distribution.manifest.v2+json" and
       .config.mediaType == "application/vnd.docker.container.image.v1+json" and
       ([.layers[].mediaType] | unique == ["application/vnd.docker.image.rootfs.diff.tar.gzip"]) and
       (.layers | length == 3)' p.json >/dev/null || die "not a Docker schema 2 image: $(cat p.json)"
[ "$(jq -c '.layers[:2]' p.json)" = "$(raw "$P/docker/img:v1" | jq -c '.layers')" ] ||
    die "the old layers changed"
skopeo inspect "${sk[@]}" "docker://$P/docker/img:patched" | jq -e '.Labels.patched == "yes"' \
    >/dev/null || die "skopeo does not see the label"
skopeo copy -q "${sk[@]/tls-verify/src-tls-verify}" "docker://$P/docker/img:patched" oci:patched:p
umoci unpack --rootless --image patched:p pb >/dev/null
[ "$(cat pb/rootfs/opt/patched)" = patched ] && [ -L pb/rootfs/etc/os-release ] ||
    die "unpacked patched image lacks the new file"
ok "appending a layer to a v2s2 image gives a Docker-schema image skopeo and umoci read"

# ---- a multi-platform index is copied byte for byte ---------------------
umoci config --image src:v1 --architecture arm64 --tag arm
desc() { jq -c --arg t "$1" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $t) | {mediaType, digest, size}' src/index.json; }
jq -n --argjson a "$(desc v1)" --argjson b "$(desc arm)" \
    '{schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json",
      manifests: [($a + {platform: {os: "linux", architecture: "amd64"}}),
                  ($b + {platform: {os: "linux", architecture: "arm64", variant: "v8"}})]}' |
    jq -c . | tr -d '\n' >index.blob
idx=$(sha256sum index.blob | cut -d' ' -f1)
cp index.blob "src/blobs/sha256/$idx"
jq --arg d "sha256:$idx" --argjson s "$(stat -c %s index.blob)" \
    '.manifests += [{mediaType: "application/vnd.oci.image.index.v1+json", digest: $d, size: $s,
                     annotations: {"org.opencontainers.image.ref.name": "multi"}}]' \
    src/index.json >index.json.new && mv index.json.new src/index.json
"$copa" copy -q "${ins[@]}" oci:src:multi "$P/multi/img:v1"
[ "$(rawdigest "$P/multi/img:v1")" = "$idx" ] || die "index pushed with another digest"
"$copa" copy -q "${ins[@]}" "$P/multi/img:v1" "$P/multi2/img:v1"
"$copa" copy -q "${ins[@]}" "$P/multi/img:v1" oci:multi:m
[ "$(rawdigest "$P/multi2/img:v1")" = "$idx" ] || die "registry -> registry changed the index"
[ "$(skopeo inspect --raw oci:multi:m | sha256sum | cut -d' ' -f1)" = "$idx" ] || die "-> oci"
for a in amd64 arm64; do
    skopeo inspect "${sk[@]}" --override-arch $a "docker://$P/multi2/img:v1" |
        jq -e --arg a $a '.Architecture == $a' >/dev/null || die "skopeo: platform $a"
done
"$copa" inspect --json "${ins[@]}" --platform linux/arm64 "$P/multi2/img:v1" |
    jq -e '.config.architecture == "arm64" and (.index.platforms | length == 2)' >/dev/null ||
    die "inspect --platform of the index"
ok "a multi-platform index is copied byte-identical (registry, oci) and skopeo reads every platform"

# ---- a large layer goes up in chunks and skopeo verifies it --------------
umoci unpack --rootless --image src:v1 big >/dev/null
head -c 40000000 /dev/urandom >big/rootfs/var/tmp/big
umoci repack --image src:big big
"$copa" copy -q "${ins[@]}" oci:src:big "$P/big/img:v1"
skopeo copy -q "${sk[@]/tls-verify/src-tls-verify}" "docker://$P/big/img:v1" oci:bigcheck:v1
[ "$(raw "$P/big/img:v1" | blobs_of)" = "$(skopeo inspect --raw oci:src:big | blobs_of)" ] ||
    die "big image blobs"
ok "a 40 MB layer is pushed (chunked upload) and skopeo verifies it"

# ---- bad input: corrupt blob, malformed manifest; nothing written -------
umoci unpack --rootless --image src:v1 c >/dev/null
echo "only in the corrupt image $RANDOM$RANDOM" >c/rootfs/etc/unique
umoci repack --image src:corrupt c
skopeo copy -q "${sk[@]/tls-verify/dest-tls-verify}" oci:src:corrupt "docker://$P/corrupt/img:v1"
layer=$(raw "$P/corrupt/img:v1" | jq -r '.layers[-1].digest')
data="$COPA_TEST_PLAIN_DATA/docker/registry/v2/blobs/sha256/${layer:7:2}/${layer#sha256:}/data"
[ -f "$data" ] || die "registry storage layout: no $data"
# Same length, different bytes.
size=$(stat -c %s "$data")
head -c "$size" /dev/urandom >"$data"
keep=$(rawdigest "$P/umoci/img:v1")
"$copa" copy -q "${ins[@]}" "$P/umoci/img:v1" "$P/keep/img:v1"
tls=(--cert-dir certs --creds "$COPA_TEST_USER:$COPA_TEST_PASS")
"$copa" copy -q "${ins[@]}" "${tls[@]}" "$P/umoci/img:v1" "$S/keep/img:v1"
# (Not $P/keep: on the same registry the blob would be mounted, and the
# registry's bytes are then its own business, as with skopeo.)
for dest in oci:bad:v1 docker-archive:bad.tar "$S/keep/img:v1"; do
    status=0
    "$copa" copy "${ins[@]}" "${tls[@]}" --cache-dir "$t/cache-corrupt" "$P/corrupt/img:v1" \
        "$dest" >out.txt 2>err.txt || status=$?
    [ "$status" -eq 7 ] || die "corrupt blob -> $dest: exit $status: $(cat err.txt)"
    grep -q "$layer" err.txt || die "the error does not name the blob: $(cat err.txt)"
done
[ ! -e bad ] && [ ! -e bad.tar ] || die "a failed copy left files"
[ "$(skopeo inspect --raw --cert-dir certs --creds "$COPA_TEST_USER:$COPA_TEST_PASS" \
    "docker://$S/keep/img:v1" | sha256sum | cut -d' ' -f1)" = "$keep" ] ||
    die "a failed push moved the tag"
ls "$t/cache-corrupt/blobs/sha256" | grep -q "${layer#sha256:}" && die "a corrupt blob was cached"
expect_fail 7 "$layer" "$copa" inspect "${ins[@]}" --cache-dir "$t/cache-corrupt" "$P/corrupt/img:v1"

cfg=$(raw "$P/umoci/img:v1" | jq -c .config)
for body in "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":$cfg}" \
    "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":$(jq -c '.size = -5' <<<"$cfg"),\"layers\":[]}"; do
    code=$(curl -s -o /dev/null -w '%{http_code}' -X PUT \
        -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' --data-binary "$body" \
        "http://$P/v2/umoci/img/manifests/malformed")
    [ "$code" = 201 ] || die "the registry refused the malformed manifest ($code)"
    expect_fail 3 "manifest" "$copa" inspect "${ins[@]}" "$P/umoci/img:malformed"
    expect_fail 3 "manifest" "$copa" copy "${ins[@]}" "$P/umoci/img:malformed" oci:bad:v1
    expect_fail 3 "manifest" "$copa" copy "${ins[@]}" "$P/umoci/img:malformed" "$P/keep/img:v1"
    [ ! -e bad ] || die "a failed copy left oci:bad"
    [ "$(rawdigest "$P/keep/img:v1")" = "$keep" ] || die "a failed push moved the tag"
done
ok "corrupt registry blob (exit 7, names the blob, not cached) and malformed manifests (exit 3): nothing written"

# ---- the blob cache: concurrent processes, corrupt entries --------------
shared=$t/shared-cache
"$copa" copy -q "${ins[@]}" --cache-dir "$shared" "$P/big/img:v1" oci:one:v1 &
p1=$!
"$copa" copy -q "${ins[@]}" --cache-dir "$shared" "$P/big/img:v1" oci:two:v1 &
p2=$!
wait $p1 || die "first concurrent copy failed"
wait $p2 || die "second concurrent copy failed"
[ "$(skopeo inspect --raw oci:one:v1 | sha256sum)" = "$(skopeo inspect --raw oci:two:v1 | sha256sum)" ] ||
    die "concurrent copies differ"
n=0
for f in "$shared"/blobs/sha256/*; do
    case "$f" in *.tmp-*) die "temporary file left in the cache: $f" ;; esac
    [ "$(sha256sum <"$f" | cut -d' ' -f1)" = "$(basename "$f")" ] || die "cache entry $f corrupt"
    n=$((n + 1))
done
[ "$n" -ge 4 ] || die "expected the image's blobs in the cache, found $n"
diff <(cd one && find . -type f | sort | xargs sha256sum) <(cd two && find . -type f | sort | xargs sha256sum) ||
    die "concurrent copies wrote different layouts"
ok "two copa processes filling one cache at once: both succeed, every entry verifies, no temp files"

big=$(raw "$P/big/img:v1" | jq -r '[.layers[] | {size, digest}] | max_by(.size) | .digest')
entry="$shared/blobs/sha256/${big#sha256:}"
printf 'garbage' | dd of="$entry" bs=1 seek=1000 conv=notrunc status=none
"$copa" copy -q "${ins[@]}" --cache-dir "$shared" "$P/big/img:v1" oci:three:v1
[ "$(sha256sum <"$entry" | cut -d' ' -f1)" = "${big#sha256:}" ] || die "corrupt entry not replaced"
cmp "$entry" "three/blobs/sha256/${big#sha256:}" || die "copy differs from the blob"
skopeo copy -q oci:three:v1 oci:threecheck:v1 || die "skopeo rejects the copy made after corruption"
ok "a corrupt cache entry is discarded and fetched again, never served"

echo "all $passed transport checks passed"
