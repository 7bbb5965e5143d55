#!/usr/bin/env bash
# Multi-platform patches (lib/patch/multi.c) on a small index whose two
# platforms (linux/amd64, linux/arm64/v8) are the tiny Debian-like image of
# image.sh, each with its own architecture's hello-copa 1.0-1, plus a
# windows entry and a buildx attestation for amd64, against a signed
# loopback repository publishing hello-copa 1.1-1 for both architectures
# (dpkg-deb builds arm64 packages on any host: no QEMU).
#
# Cases: every platform by default (index rewritten, attestation of a
# patched subject dropped, windows kept byte-identical); a platform list;
# a report directory (one report: the other platform kept); a report for a
# platform the image lacks (error naming the file); one platform failing
# with and without --ignore-errors; --dry-run; re-patch keeps base+1;
# --archive refused for two platforms; VEX names the index and the
# platform manifest.
#
# usage: multi.sh COPA WORKDIR [push]
# ("push" runs under tests/integration/registry/run.sh --with: registry ->
# registry with --push, the per-platform manifests and the index checked.)
set -uo pipefail
copa=$1
work=$2
part=${3:-layouts}
here=$(cd "$(dirname "$0")" && pwd)
for tool in dpkg-deb apt-ftparchive gpg python3 xz umoci jq skopeo; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
done
rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd)
"$here/../apt/make_repos.sh" "$work" >"$work/make.log" 2>&1 || { cat "$work/make.log"; exit 1; }

# The "multi" repository: hello-copa 1.1-1 for amd64 and arm64, copa-data all.
export GNUPGHOME=$work/gnupg
g() { gpg --batch --quiet --no-tty --pinentry-mode loopback --passphrase '' "$@"; }
mkdeb() { # name version arch
    local d=$work/mdebs/$1_$2_$3
    mkdir -p "$d/DEBIAN" "$d/usr/share/doc/$1"
    printf 'Package: %s\nVersion: %s\nArchitecture: %s\nMaintainer: Copa Test <t@copa.test>\nDescription: copa test package %s\n' \
        "$1" "$2" "$3" "$1" >"$d/DEBIAN/control"
    [ "$1" = hello-copa ] && printf 'Depends: copa-data (>= 1.0)\n' >>"$d/DEBIAN/control"
    echo "$1 $2 $3" >"$d/usr/share/doc/$1/README"
    dpkg-deb --root-owner-group -Zxz --build "$d" "$work/www/repos/multi/pool/main/$1_$2_$3.deb" >/dev/null
}
mkdir -p "$work/www/repos/multi/pool/main"
mkdeb hello-copa 1.1-1 amd64
mkdeb hello-copa 1.1-1 arm64
mkdeb copa-data 1.0 all
(
    cd "$work/www/repos/multi" || exit 1
    for arch in amd64 arm64; do
        mkdir -p "dists/stable/main/binary-$arch"
        apt-ftparchive --arch "$arch" packages pool/main >"dists/stable/main/binary-$arch/Packages"
        xz -k -9 "dists/stable/main/binary-$arch/Packages"
    done
    apt-ftparchive -o APT::FTPArchive::Release::Suite=stable -o APT::FTPArchive::Release::Codename=stable \
        -o APT::FTPArchive::Release::Architectures="amd64 arm64" \
        -o APT::FTPArchive::Release::Components=main release dists/stable >dists/stable/Release.new
    mv dists/stable/Release.new dists/stable/Release
    g -u "$(cat "$work/keys/rsa3072.fpr")!" --clearsign -o dists/stable/InRelease dists/stable/Release
) || { echo "cannot build the multi repository"; exit 1; }

python3 "$here/../apt/server.py" "$work/www" "$work/port" "$work/requests.log" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; gpgconf --kill gpg-agent >/dev/null 2>&1 || true' EXIT
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.05; done
base=http://127.0.0.1:$(cat "$work/port")/repos
export XDG_CACHE_HOME=$work/cache
. "$here/image.sh"

failures=0
ok() { echo "ok   $1"; }
fail() { echo "FAIL $1: $2"; failures=$((failures + 1)); }
run() { # NAME [copa patch options]
    local name=$1
    shift
    "$copa" patch --progress plain "$@" >"$work/$name.out" 2>"$work/$name.err"
    rc=$?
    out=$(cat "$work/$name.out")
    err=$(cat "$work/$name.err")
}
expect_rc() { [ "$rc" -eq "$2" ] || { fail "$1" "exit $rc, expected $2: $err"; return 1; }; }

# Two single-platform images from image.sh (arm64: the status says arm64),
# then one layout whose index holds both, a windows entry and an attestation.
REPO=multi make_image amd debian 1.0-1
REPO=multi make_image arm debian 1.0-1
sed -i 's/^Architecture: amd64$/Architecture: arm64/' "$work/roots/arm/var/lib/dpkg/status"
echo arm64 >"$work/roots/arm/var/lib/dpkg/arch"
rm -rf "$work/images/arm"
umoci init --layout "$work/images/arm" >/dev/null && umoci new --image "$work/images/arm:base" >/dev/null &&
    umoci config --image "$work/images/arm:base" --architecture arm64 --os linux >/dev/null &&
    umoci unpack --rootless --image "$work/images/arm:base" "$work/bundle-arm" >/dev/null &&
    cp -a "$work/roots/arm/." "$work/bundle-arm/rootfs/" &&
    umoci repack --image "$work/images/arm:base" "$work/bundle-arm" >/dev/null ||
    { echo "cannot build the arm64 image"; exit 1; }
python3 "$here/make_index.py" "$work/images/multi" "$work/images/amd" "$work/images/arm" ||
    { echo "cannot build the index"; exit 1; }
img=oci:$work/images/multi:index

# platforms LAYOUT TAG: "platform digest" per entry of the written index
entries() {
    skopeo inspect --raw "oci:$1:$2" | jq -r '.manifests[] | "\(.platform.os)/\(.platform.architecture)\(if .platform.variant then "/"+.platform.variant else "" end) \(.digest)"'
}
src_entries=$(entries "$work/images/multi" index)
# version_in LAYOUT TAG ARCH: hello-copa's version in that platform's dpkg status
version_in() {
    rm -rf "$work/one" "$work/bundle-one"
    skopeo copy --quiet --override-arch "$3" "oci:$1:$2" "oci:$work/one:x" >/dev/null 2>&1 &&
        umoci unpack --rootless --image "$work/one:x" "$work/bundle-one" >/dev/null 2>&1 &&
        awk '/^Package: hello-copa$/ {p=1} p && /^Version:/ {print $2; exit}' "$work/bundle-one/rootfs/var/lib/dpkg/status"
}

if [ "$part" = push ]; then
    # Registry -> registry: every manifest the new index names is in the
    # repository (fetched by digest), the source tag is unchanged.
    reg=${COPA_TEST_PLAIN:?run under tests/integration/registry/run.sh --with}
    skopeo copy -q --all --dest-tls-verify=false "$img" "docker://$reg/multi:src" 2>"$work/skopeo.err" ||
        { echo "cannot push the source index: $(cat "$work/skopeo.err")"; exit 1; }
    src_raw=$(skopeo inspect --raw --tls-verify=false "docker://$reg/multi:src")
    run push -i "$reg/multi:src" --push -t patched --insecure-registry "$reg"
    if expect_rc push 0; then
        new_raw=$(skopeo inspect --raw --tls-verify=false "docker://$reg/multi:patched")
        missing=0
        for d in $(jq -r '.manifests[].digest' <<<"$new_raw"); do
            skopeo inspect --raw --tls-verify=false "docker://$reg/multi@$d" >/dev/null 2>&1 || missing=$((missing + 1))
        done
        if [ "$missing" -ne 0 ]; then fail push "$missing manifest(s) of the new index are not in the registry"
        elif [ "$(skopeo inspect --raw --tls-verify=false "docker://$reg/multi:src")" != "$src_raw" ]; then
            fail push "the source tag changed"
        elif [ "$(jq '[.manifests[] | select(.platform.os == "linux")] | length' <<<"$new_raw")" -ne 2 ] ||
            [ "$(jq -r '.manifests[0].digest' <<<"$new_raw")" = "$(jq -r '.manifests[0].digest' <<<"$src_raw")" ]; then
            fail push "the new index does not hold two new linux manifests: $new_raw"
        else ok push; fi
    fi
    # Bulk: an image entry with two platforms is one job patching both; a
    # second run finds the target up to date and pushes nothing.
    cat >"$work/fleet.yaml" <<YAML
apiVersion: copa.sh/v1alpha1
kind: PatchConfig
images:
  - name: multi
    image: $reg/multi
    tags: {strategy: list, list: [src]}
    platforms: [linux/amd64, linux/arm64]
YAML
    "$copa" patch --config "$work/fleet.yaml" --push --insecure-registry "$reg" --progress plain \
        >"$work/bulk.out" 2>"$work/bulk.err"
    rc=$?
    if [ "$rc" -ne 0 ]; then fail bulk "exit $rc: $(tail -3 "$work/bulk.err")"
    else
        bulk_raw=$(skopeo inspect --raw --tls-verify=false "docker://$reg/multi:src-patched")
        changed=$(jq -r --argjson src "$src_raw" '[.manifests[] | select(.platform.os == "linux") | .digest] - [$src.manifests[].digest] | length' <<<"$bulk_raw")
        if [ "$changed" != 2 ]; then fail bulk "expected both linux platforms patched, $changed changed: $bulk_raw"
        else
            "$copa" patch --config "$work/fleet.yaml" --push --insecure-registry "$reg" --progress plain \
                >"$work/bulk2.out" 2>"$work/bulk2.err"
            if ! grep -q 'Up to date' "$work/bulk2.out"; then fail bulk "the second run is not up to date: $(cat "$work/bulk2.out")"
            else ok bulk; fi
        fi
    fi
    [ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
    echo "multi-platform push: all checks passed"
    exit 0
fi

# 1. Every linux platform by default; windows and the other attestation kept.
run all -i "$img" --oci-dir "$work/out-all" -t patched
if expect_rc all 0; then
    got=$(entries "$work/out-all" patched)
    win_src=$(grep '^windows' <<<"$src_entries")
    if [ "$(version_in "$work/out-all" patched amd64)" != 1.1-1 ] ||
        [ "$(version_in "$work/out-all" patched arm64)" != 1.1-1 ]; then
        fail all "a platform was not upgraded to 1.1-1"
    elif ! grep -qxF "$win_src" <<<"$got"; then fail all "the windows entry changed: $got"
    elif grep -q '^unknown/unknown' <<<"$got"; then fail all "the attestation of a patched platform was kept"
    elif ! grep -q 'attestation manifest .* left out' <<<"$err"; then fail all "the dropped attestation is not said"
    else ok all; fi
fi

# 2. A platform list: only arm64 changes; amd64 keeps its manifest digest.
run list -i "$img" --platform linux/arm64 --oci-dir "$work/out-list" -t patched
run list2 -i "$img" --platform linux/amd64,linux/arm64/v8 --dry-run
if expect_rc list 0; then
    amd_src=$(grep '^linux/amd64' <<<"$src_entries")
    if ! grep -qxF "$amd_src" <<<"$(entries "$work/out-list" patched)"; then
        fail list "the amd64 entry changed although only arm64 was asked for"
    elif [ "$(version_in "$work/out-list" patched arm64)" != 1.1-1 ]; then fail list "arm64 not upgraded"
    else ok list; fi
fi
if expect_rc list2 0; then
    if grep -q '^linux/amd64:' <<<"$out" && grep -q '^linux/arm64:' <<<"$out"; then ok dry_run_list
    else fail dry_run_list "the dry run does not plan both platforms: $out"; fi
fi
# Progress events say which platform they belong to (platforms run at once).
run events -i "$img" --dry-run --progress json
if expect_rc events 0; then
    if grep -q '"stage":"resolve","platform":"linux/arm64"' <<<"$err" &&
        grep -q '\[linux/amd64\] resolve:' <(cat "$work/list2.err"); then ok progress_platform
    else fail progress_platform "events without their platform: $(grep resolve <<<"$err" | head -3)"; fi
fi

# 3. A report directory with a report for arm64 only: amd64 is kept.
mkdir -p "$work/reports" "$work/badreports"
report() { # FILE ARCH [VARIANT]
    python3 - "$@" <<'PY'
import json, sys
f, arch = sys.argv[1], sys.argv[2]
cfg = {"architecture": arch, "os": "linux"}
if len(sys.argv) > 3:
    cfg["variant"] = sys.argv[3]
json.dump({"SchemaVersion": 2, "ArtifactName": "multi", "ArtifactType": "container_image",
           "Metadata": {"OS": {"Family": "debian", "Name": "12"}, "ImageConfig": cfg},
           "Results": [{"Target": "multi (debian 12)", "Class": "os-pkgs", "Type": "debian",
                        "Vulnerabilities": [{"VulnerabilityID": "CVE-2099-0001", "PkgName": "hello-copa",
                                             "InstalledVersion": "1.0-1", "FixedVersion": "1.1-1",
                                             "Status": "fixed", "Severity": "HIGH"}]}]},
          open(f, "w"))
PY
}
report "$work/reports/arm64.json" arm64 v8
run reportdir -i "$img" -r "$work/reports" --oci-dir "$work/out-rep" -t patched -o "$work/vex.json"
if expect_rc reportdir 0; then
    amd_src=$(grep '^linux/amd64' <<<"$src_entries")
    arm_new=$(entries "$work/out-rep" patched | awk '$1 == "linux/arm64/v8" {print $2}')
    index_digest=$(jq -r '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == "patched") | .digest' "$work/out-rep/index.json")
    products=$(jq -r '.statements[].products[]["@id"]' "$work/vex.json" 2>/dev/null)
    if ! grep -qxF "$amd_src" <<<"$(entries "$work/out-rep" patched)"; then
        fail reportdir "amd64 (no report) was not kept"
    elif ! grep -q "$arm_new" <<<"$products" || ! grep -q "$index_digest" <<<"$products"; then
        fail reportdir "the VEX does not name both the arm64 manifest and the index: $products"
    else ok reportdir; fi
fi

# 3b. One report file that names no platform (no ImageConfig): it is this
# host's platform's (amd64 here), as before multi-platform patching; arm64 is kept.
python3 - "$work/noplatform.json" <<'PY'
import json, sys
json.dump({"SchemaVersion": 2, "ArtifactName": "multi", "ArtifactType": "container_image",
           "Metadata": {"OS": {"Family": "debian", "Name": "12"}},
           "Results": [{"Target": "multi (debian 12)", "Class": "os-pkgs", "Type": "debian",
                        "Vulnerabilities": [{"VulnerabilityID": "CVE-2099-0001", "PkgName": "hello-copa",
                                             "InstalledVersion": "1.0-1", "FixedVersion": "1.1-1",
                                             "Status": "fixed", "Severity": "HIGH"}]}]},
          open(sys.argv[1], "w"))
PY
run noplatform -i "$img" -r "$work/noplatform.json" --dry-run
if expect_rc noplatform 0; then
    if grep -Eq '^  linux/amd64 +patched' <<<"$out" && grep -Eq '^  linux/arm64 +kept .*no report' <<<"$out"; then
        ok noplatform_report
    else fail noplatform_report "expected amd64 patched and arm64 kept: $out"; fi
fi

# 4. A report for a platform the image lacks: an error naming the file.
report "$work/badreports/s390x.json" s390x
run badreport -i "$img" -r "$work/badreports" --dry-run
if [ "$rc" -eq 3 ] || [ "$rc" -eq 4 ]; then
    if grep -q 's390x.json' <<<"$err"; then ok badreport
    else fail badreport "the message does not name the file: $err"; fi
else fail badreport "exit $rc, expected 3 or 4: $err"; fi

# 5. One platform failing (its dpkg status is broken): without
# --ignore-errors nothing is written; with it the other is patched.
printf 'garbage without a colon\n' >"$work/bad-status"
python3 "$here/make_index.py" "$work/images/broken" "$work/images/amd" "$work/images/arm" \
    --break-arm "$work/bad-status" || { echo "cannot build the broken index"; exit 1; }
run failing -i "oci:$work/images/broken:index" --oci-dir "$work/out-fail" -t patched
if [ "$rc" -eq 0 ]; then fail failing "a failing platform did not fail the run"
elif [ -e "$work/out-fail/index.json" ] && jq -e '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == "patched")' "$work/out-fail/index.json" >/dev/null 2>&1; then
    fail failing "the tag was written although a platform failed"
else ok failing; fi
run failing_ignored -i "oci:$work/images/broken:index" --oci-dir "$work/out-fail2" -t patched --ignore-errors
if expect_rc failing_ignored 0; then
    if [ "$(version_in "$work/out-fail2" patched amd64)" != 1.1-1 ]; then fail failing_ignored "amd64 not patched"
    elif ! grep -Eq '^  linux/arm64 +error .*dpkg/status' <<<"$out"; then
        fail failing_ignored "the failed platform is not in the summary: $out"
    else ok failing_ignored; fi
fi

# 6. Re-patch the patched index: still base+1 layers on every platform.
run repatch -i "oci:$work/out-all:patched" --oci-dir "$work/out-re" -t again
if expect_rc repatch 0; then
    n_src=$(skopeo inspect --override-arch arm64 "oci:$work/images/multi:index" 2>/dev/null | jq '.Layers | length')
    n_new=$(skopeo inspect --override-arch arm64 "oci:$work/out-all:patched" 2>/dev/null | jq '.Layers | length')
    if [ "$n_new" != $((n_src + 1)) ]; then fail repatch "patched image has $n_new layers, base $n_src"
    elif ! grep -q 'up to date' <<<"$out$err"; then fail repatch "a re-patch with nothing new is not up to date: $out"
    else ok repatch; fi
fi

# 7. --archive cannot hold two platforms.
run archive -i "$img" --archive "$work/out.tar"
if [ "$rc" -eq 9 ] || [ "$rc" -eq 3 ]; then
    if [ -e "$work/out.tar" ]; then fail archive "an archive was written"
    elif ! grep -q 'one platform' <<<"$err"; then fail archive "the message does not say why: $err"
    else ok archive; fi
else fail archive "exit $rc, expected 3 or 9: $err"; fi

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "multi-platform: all checks passed"
