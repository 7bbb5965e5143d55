#!/usr/bin/env bash
# copa inspect on a small OCI layout made here with coreutils alone:
# text and JSON output, usage errors, exit codes of bad input.
set -euo pipefail
COPA=$1
. "$(dirname "$0")/assert.sh"

t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
mkdir -p "$t/l/blobs/sha256"
echo '{"imageLayoutVersion":"1.0.0"}' >"$t/l/oci-layout"
blob() { # blob FILE -> prints "DIGEST SIZE", stores the blob
    local d
    d=$(sha256sum "$1" | cut -d' ' -f1)
    cp "$1" "$t/l/blobs/sha256/$d"
    echo "sha256:$d $(stat -c %s "$1")"
}
mkdir "$t/root" && echo hi >"$t/root/f"
tar -C "$t/root" -cf - f | gzip -n >"$t/layer.tgz"
read -r ldig lsize < <(blob "$t/layer.tgz")
diff_id=sha256:$(gzip -dc "$t/layer.tgz" | sha256sum | cut -d' ' -f1)
printf '{"architecture":"arm64","os":"linux","created":"2024-01-01T00:00:00Z","config":{"Cmd":["/f"],"Labels":{"k":"v"}},"rootfs":{"type":"layers","diff_ids":["%s"]}}' \
    "$diff_id" >"$t/config.json"
read -r cdig csize < <(blob "$t/config.json")
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":%s}]}' \
    "$cdig" "$csize" "$ldig" "$lsize" >"$t/manifest.json"
read -r mdig msize < <(blob "$t/manifest.json")
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"v1"}}]}' \
    "$mdig" "$msize" >"$t/l/index.json"

run "$COPA" inspect "oci:$t/l:v1"
expect_status 0
expect_out_contains "Manifest:     $mdig"
expect_out_contains "Platform:     linux/arm64"
expect_out_contains "  k=v"
expect_out_contains "$ldig"

run "$COPA" inspect --json "oci:$t/l"
expect_status 0
expect_out_contains "\"digest\":	\"$cdig\""
expect_out_contains "\"cmd\":	[\"/f\"]"

run "$COPA" inspect --platform linux/aarch64 "oci:$t/l:v1"
expect_status 0
run "$COPA" inspect --platform linux/amd64 "oci:$t/l:v1"
expect_status 4
expect_err_contains "a single-platform image for linux/arm64, not linux/amd64"

run "$COPA" inspect "oci:$t/l:v2"
expect_status 4
expect_err_contains "no image tagged 'v2'; tags: v1"

run "$COPA" inspect
expect_status 2
run "$COPA" inspect --help
expect_status 0
expect_out_contains "usage: copa inspect"
run "$COPA" inspect "Nope:"
expect_status 3
# Nothing listens on port 1: a network error (6) naming the URL; plain HTTP only when named insecure.
run "$COPA" inspect --insecure-registry 127.0.0.1:1 docker://127.0.0.1:1/x:y
expect_status 6
expect_err_contains "http://127.0.0.1:1/v2/x/manifests/y"

echo x >>"$t/l/blobs/sha256/${cdig#sha256:}"
run "$COPA" inspect "oci:$t/l:v1"
expect_status 7
expect_err_contains "blob $cdig: content does not match its digest"
echo "inspect: all checks passed"
