#!/usr/bin/env bash
# copa patch end to end on a tiny Debian-like image: a root with an
# os-release, a dpkg status and apt sources naming the signed "good"
# repository of tests/integration/apt (make_repos.sh), packed with umoci.
# The dry-run plans are asserted exactly ("plan"); "layer" patches for real;
# "push" patches registry to registry (--push) and registry to ./patched;
# "compression" checks --layer-compression against zstd, gzip and skopeo;
# "kill" (registered as hostile/layout/patch_kill) runs concurrent patches
# into one layout and SIGKILLs --oci-dir and --push writes at random points.
#
# usage: run.sh COPA WORKDIR plan|layer|push|compression|kill
# ("push" and "kill" run under tests/integration/registry/run.sh --with: they need a
# loopback docker-registry at $COPA_TEST_PLAIN.)
set -uo pipefail
copa=$1
work=$2
part=${3:-plan}
here=$(cd "$(dirname "$0")" && pwd)
apt_dir=$here/../apt
src=$(cd "$here/../../.." && pwd)
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
export XDG_CACHE_HOME=$work/cache

failures=0 total=0
ok() { echo "ok   $1"; }
fail() { echo "FAIL $1: $2"; failures=$((failures + 1)); }

. "$here/image.sh" # status_stanza, make_image
# run NAME [copa patch options]: sets rc, out, err
run() {
    local name=$1
    shift
    total=$((total + 1))
    "$copa" patch --progress plain "$@" >"$work/$name.out" 2>"$work/$name.err"
    rc=$?
    out=$(cat "$work/$name.out")
    err=$(cat "$work/$name.err")
}
expect_rc() { # case code
    if [ "$rc" -ne "$2" ]; then fail "$1" "exit $rc, expected $2: $err"; return 1; fi
}
# trivy_report FILE FAMILY PKG INSTALLED FIXED ID [UNFIXED_ID]
trivy_report() {
    python3 - "$@" <<'PY'
import json, sys
f, family, pkg, inst, fixed, vid = sys.argv[1:7]
vulns = [{"VulnerabilityID": vid, "PkgName": pkg, "InstalledVersion": inst,
          "FixedVersion": fixed, "Status": "fixed", "Severity": "HIGH"}]
if len(sys.argv) > 7:
    vulns.append({"VulnerabilityID": sys.argv[7], "PkgName": "copa-data",
                  "InstalledVersion": "1.0", "Status": "affected", "Severity": "LOW"})
doc = {"SchemaVersion": 2, "ArtifactName": "copa-test", "ArtifactType": "container_image",
       "Metadata": {"OS": {"Family": family, "Name": "12"}},
       "Results": [{"Target": "copa-test (debian 12)", "Class": "os-pkgs", "Type": family,
                    "Vulnerabilities": vulns}]}
json.dump(doc, open(f, "w"))
PY
}

make_image deb debian 1.0-1
img=oci:$work/images/deb:base

if [ "$part" = plan ]; then
# 1. Update-all dry run: exactly hello-copa 1.0-1 -> 1.1-1, nothing written.
run dry_all -i "$img" --dry-run --tag-suffix p1
if expect_rc dry_all 0; then
    if ! grep -Eq '^hello-copa +amd64 +1\.0-1 +1\.1-1 +upgrade .*update-all$' <<<"$out"; then
        fail dry_all "plan does not upgrade hello-copa 1.0-1 -> 1.1-1: $out"
    elif ! grep -q '^1 package(s)' <<<"$out" || grep -q '^copa-data' <<<"$out"; then
        fail dry_all "copa-data has no newer version but is planned: $out"
    elif [ "$(umoci ls --layout "$work/images/deb" | sort | tr '\n' ' ')" != "base " ]; then
        fail dry_all "the dry run wrote a tag: $(umoci ls --layout "$work/images/deb")"
    elif ! grep -q '^resolve: ' <<<"$err"; then
        fail dry_all "no progress stages on stderr: $err"
    else ok dry_all; fi
fi

# 2. Report dry run: the reason is the vulnerability ID.
trivy_report "$work/report.json" debian hello-copa 1.0-1 1.1-1 CVE-2099-0001 CVE-2099-0002
run dry_report -i "$img" -r "$work/report.json" --dry-run
if expect_rc dry_report 0; then
    if grep -Eq '^hello-copa +amd64 +1\.0-1 +1\.1-1 +upgrade .*CVE-2099-0001$' <<<"$out"; then ok dry_report
    else fail dry_report "plan does not name the CVE: $out"; fi
fi

# 3. The plan as JSON through --progress json: every stderr line is a JSON event.
run progress_json -i "$img" --dry-run --progress json
if expect_rc progress_json 0; then
    if python3 -c '
import json, sys
events = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
stages = [e["stage"] for e in events if e["event"] == "stage-end"]
assert stages == ["open", "read", "detect", "sources", "resolve"], stages
' "$work/progress_json.err"; then ok progress_json
    else fail progress_json "bad JSON events: $err"; fi
fi

# 4. A fix that cannot be made: exit 8 naming the package and the best version.
trivy_report "$work/toonew.json" debian hello-copa 1.0-1 9.9-1 CVE-2099-0003
run unsatisfiable -i "$img" -r "$work/toonew.json" --dry-run
if expect_rc unsatisfiable 8; then
    if grep -q 'hello-copa' <<<"$err" && grep -q '1.1-1' <<<"$err"; then ok unsatisfiable
    else fail unsatisfiable "message does not name package and best version: $err"; fi
fi

# 5. The report's OS contradicts the image: exit 3 naming both.
trivy_report "$work/ubuntu.json" ubuntu hello-copa 1.0-1 1.1-1 CVE-2099-0001
run os_mismatch -i "$img" -r "$work/ubuntu.json" --dry-run
if expect_rc os_mismatch 3; then
    if grep -qi 'ubuntu' <<<"$err" && grep -qi 'debian' <<<"$err"; then ok os_mismatch
    else fail os_mismatch "message does not name both: $err"; fi
fi

# 6. An OS no engine patches: exit 9, the OS found and the supported ones
# named, nothing written (a real run into a new layout, not a dry run).
make_image alpine alpine 1.0-1
run unsupported -i "oci:$work/images/alpine:base" --oci-dir "$work/unsupported-out"
if expect_rc unsupported 9; then
    if ! grep -q 'ID alpine' <<<"$err" || ! grep -q 'copa supports Debian, Ubuntu (dpkg)' <<<"$err"; then
        fail unsupported "message does not name the OS found and the supported ones: $err"
    elif [ -e "$work/unsupported-out" ]; then fail unsupported "an output was written"
    else ok unsupported; fi
fi
# 6b. A scratch-like image (busybox only, no os-release): the same.
mkdir -p "$work/scratch-root/bin"
printf '#!/bin/sh\n' >"$work/scratch-root/bin/busybox"
umoci init --layout "$work/images/scratch" >/dev/null && umoci new --image "$work/images/scratch:base" >/dev/null &&
    umoci unpack --rootless --image "$work/images/scratch:base" "$work/bundle-scratch" >/dev/null &&
    cp -a "$work/scratch-root/." "$work/bundle-scratch/rootfs/" &&
    umoci repack --image "$work/images/scratch:base" "$work/bundle-scratch" >/dev/null ||
    { echo "cannot build the scratch image"; exit 1; }
run unsupported_scratch -i "oci:$work/images/scratch:base" --oci-dir "$work/scratch-out"
if expect_rc unsupported_scratch 9; then
    if ! grep -q 'no /etc/os-release' <<<"$err" || ! grep -q 'copa supports Debian, Ubuntu (dpkg)' <<<"$err"; then
        fail unsupported_scratch "message does not say what is missing and what is supported: $err"
    elif [ -e "$work/scratch-out" ]; then fail unsupported_scratch "an output was written"
    else ok unsupported_scratch; fi
fi

# 7. Nothing to fix: "already up to date", exit 0, nothing written.
make_image current debian 1.1-1
run up_to_date -i "oci:$work/images/current:base"
if expect_rc up_to_date 0; then
    if grep -q 'already up to date' <<<"$out" &&
        [ "$(umoci ls --layout "$work/images/current")" = base ]; then ok up_to_date
    else fail up_to_date "out: $out; tags: $(umoci ls --layout "$work/images/current")"; fi
fi

# 8. A held package stays: update-all has nothing to do and says it was kept.
make_image held debian 1.0-1 'hold ok installed'
run held -i "oci:$work/images/held:base" --dry-run
if expect_rc held 0; then
    if grep -q 'hello-copa' <<<"$out" && grep -qi 'held' <<<"$out" &&
        ! grep -Eq '^hello-copa +amd64 +1\.0-1 +1\.1-1 +upgrade' <<<"$out"; then ok held
    else fail held "held package not reported as kept: $out"; fi
fi

# 8a. The image's apt pins are honoured: with 1.1* pinned to -1 the update
# is not a candidate (nothing to do), and a report that needs it cannot be met.
PREFERENCES=$'Package: hello-copa\nPin: version 1.1*\nPin-Priority: -1' make_image pinned debian 1.0-1
run pinned_all -i "oci:$work/images/pinned:base" --dry-run
if expect_rc pinned_all 0; then
    if grep -Eq '^hello-copa +amd64 +1\.0-1 +1\.1-1' <<<"$out"; then
        fail pinned_all "the pinned-away version is planned: $out"
    else ok pinned_all; fi
fi
run pinned_report -i "oci:$work/images/pinned:base" -r "$work/report.json" --dry-run
expect_rc pinned_report 8 && grep -q 'hello-copa' <<<"$err$out" && ok pinned_report

# 8b. copa sources IMAGE: the image's own source, verified by the key the
# image ships (rsa3072 here), with its two packages.
"$copa" sources --json "$img" >"$work/sources.json" 2>"$work/sources.err"; rc=$?
total=$((total + 1))
if [ "$rc" -ne 0 ]; then
    fail sources_image "exit $rc: $(cat "$work/sources.err")"
elif ! python3 -c '
import json, sys
doc = json.load(open(sys.argv[1]))
[src] = doc["sources"]
assert src["uri"] == sys.argv[2], src["uri"]
assert src["primary_fingerprint"] == sys.argv[3], src["primary_fingerprint"]
assert src["file"] == "/etc/apt/sources.list.d/test.sources", src["file"]
assert src["package_count"] >= 2, src["package_count"]
assert doc["arch"] == "amd64", doc["arch"]
' "$work/sources.json" "$base/good" "$(cat "$work/keys/rsa3072.fpr")"; then
    fail sources_image "unexpected JSON: $(cat "$work/sources.json")"
else ok sources_image; fi
# 8c. Scoped loading (docs/patch.md, "The world"): the plan that keeps only
# reachable stanzas equals the one from every stanza (COPA_APT_SCOPE=all),
# byte for byte, although the new hello-copa needs three packages the
# first scan dropped (a rescan is needed, and says so under --debug).
REPO=scope COMPONENTS='main contrib' make_image scope debian 1.0-1
run scope_all -i "oci:$work/images/scope:base" --dry-run --json
COPA_APT_SCOPE=all run scope_full -i "oci:$work/images/scope:base" --dry-run --json
run scope_debug -i "oci:$work/images/scope:base" --dry-run --debug
if expect_rc scope_all 0 && expect_rc scope_full 0 && expect_rc scope_debug 0; then
    if ! cmp -s "$work/scope_all.out" "$work/scope_full.out"; then
        fail scope "scoped and full plans differ: $(diff "$work/scope_full.out" "$work/scope_all.out")"
    elif ! python3 -c '
import json, sys
plan = {p["name"]: (p["action"], p["targetVersion"]) for p in json.load(open(sys.argv[1]))["packages"]}
assert plan == {"hello-copa": ("upgrade", "1.2-1"), "aaa-libnew": ("new", "1.0"),
                "aaa-provider": ("new", "1.0"), "aaa-deep": ("new", "1.0")}, plan
' "$work/scope_all.out"; then
        fail scope "unexpected plan: $(cat "$work/scope_all.out")"
    elif ! grep -Eq '^sources: done in .*: kept [0-9]+ of 7 package stanzas \(those the installed packages can reach, [2-8] scans\)$' "$work/scope_debug.err"; then
        fail scope "no rescan reported: $(grep '^sources' "$work/scope_debug.err")"
    elif ! grep -Eq '^sources: done in .*: kept 7 of 7 package stanzas \(all, 1 scan\)$' <(COPA_APT_SCOPE=all "$copa" patch -i "oci:$work/images/scope:base" --dry-run --debug 2>&1 >/dev/null); then
        fail scope "COPA_APT_SCOPE=all does not keep everything"
    else ok scope; fi
fi

# 9. Usage errors: exit 2.
run usage_push_oci -i "$img" --push --oci-dir "$work/x"
expect_rc usage_push_oci 2 && ok usage_push_oci
run push_local -i "$img" --push
expect_rc push_local 3 && grep -q -- '--push' <<<"$err" && ok push_local

fi # plan

if [ "$part" = layer ]; then
# 10. The real patch: the result unpacks, carries the new version, and has
# exactly one layer more than the base.
layer_count() {
    umoci stat --image "$1" --json |
        python3 -c 'import json,sys; print(sum(1 for h in json.load(sys.stdin)["history"] if not h.get("empty_layer")))'
}
run patch_oci -i "$img"
if expect_rc patch_oci 0; then
    layers_base=$(layer_count "${img#oci:}")
    layers_patched=$(layer_count "$work/images/deb:base-patched")
    rm -rf "$work/unpack"
    if ! umoci unpack --rootless --image "$work/images/deb:base-patched" "$work/unpack" >/dev/null; then
        fail patch_oci "umoci cannot unpack the result"
    elif ! grep -q '^Version: 1.1-1' <(awk '/^Package: hello-copa$/,/^$/' "$work/unpack/rootfs/var/lib/dpkg/status"); then
        fail patch_oci "status does not say hello-copa 1.1-1"
    elif [ "$(cat "$work/unpack/rootfs/usr/share/doc/hello-copa/README")" != "hello-copa 1.1-1" ]; then
        fail patch_oci "README not from 1.1-1"
    elif [ "$layers_patched" -ne $((layers_base + 1)) ]; then
        fail patch_oci "expected $((layers_base + 1)) layers, the result has $layers_patched"
    else ok patch_oci; fi
    # --oci-dir DIR: a new layout with the patched tag; --archive FILE: a
    # docker-archive skopeo reads; both base + 1 layers, source untouched.
    run patch_ocidir -i "$img" --oci-dir "$work/out-layout" -t fixed
    if expect_rc patch_ocidir 0; then
        if [ "$(umoci ls --layout "$work/out-layout")" = fixed ] &&
            [ "$(layer_count "$work/out-layout:fixed")" -eq $((layers_base + 1)) ]; then
            ok patch_ocidir
        else fail patch_ocidir "layout: $(umoci ls --layout "$work/out-layout" 2>&1)"; fi
    fi
    run patch_archive -i "$img" --archive "$work/out.tar"
    if expect_rc patch_archive 0; then
        n=$(skopeo inspect --config "docker-archive:$work/out.tar" 2>/dev/null |
            python3 -c 'import json,sys; print(len(json.load(sys.stdin)["rootfs"]["diff_ids"]))')
        if [ "${n:-0}" -eq $((layers_base + 1)) ]; then ok patch_archive
        else fail patch_archive "skopeo reads ${n:-no} layers from the archive"; fi
    fi
    # A multi-platform index (amd64 + arm64 made from the same image): the
    # amd64 entry is patched, the arm64 entry stays byte-identical.
    python3 - "$work/images/deb" <<'PY'
import hashlib, json, os, sys
layout = sys.argv[1]
def blob(data):
    digest = hashlib.sha256(data).hexdigest()
    with open(os.path.join(layout, "blobs/sha256", digest), "wb") as f:
        f.write(data)
    return "sha256:" + digest
def read(digest):
    return open(os.path.join(layout, "blobs/sha256", digest.split(":")[1]), "rb").read()
index = json.load(open(os.path.join(layout, "index.json")))
base = [m for m in index["manifests"]
        if m["annotations"]["org.opencontainers.image.ref.name"] == "base"][0]
manifest = json.loads(read(base["digest"]))
config = json.loads(read(manifest["config"]["digest"]))
config["architecture"] = "arm64"
arm_config = json.dumps(config).encode()
manifest["config"] = dict(manifest["config"], digest=blob(arm_config), size=len(arm_config))
arm_manifest = json.dumps(manifest).encode()
entries = [
    {"mediaType": base["mediaType"], "digest": base["digest"], "size": base["size"],
     "platform": {"os": "linux", "architecture": "amd64"}},
    {"mediaType": base["mediaType"], "digest": blob(arm_manifest), "size": len(arm_manifest),
     "platform": {"os": "linux", "architecture": "arm64"}},
]
idx = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                  "manifests": entries}).encode()
index["manifests"].append({"mediaType": "application/vnd.oci.image.index.v1+json",
                           "digest": blob(idx), "size": len(idx),
                           "annotations": {"org.opencontainers.image.ref.name": "multi"}})
json.dump(index, open(os.path.join(layout, "index.json"), "w"))
PY
    run patch_index -i "oci:$work/images/deb:multi" --platform linux/amd64
    if expect_rc patch_index 0; then
        if python3 - "$work/images/deb" <<'PY'
import json, os, sys
layout = sys.argv[1]
def entry(tag):
    index = json.load(open(os.path.join(layout, "index.json")))
    return [m for m in index["manifests"]
            if m["annotations"]["org.opencontainers.image.ref.name"] == tag][0]
def read(digest):
    return open(os.path.join(layout, "blobs/sha256", digest.split(":")[1]), "rb").read()
before = json.loads(read(entry("multi")["digest"]))["manifests"]
after = json.loads(read(entry("multi-patched")["digest"]))["manifests"]
assert len(after) == 2, after
arch = lambda m: m["platform"]["architecture"]
b = {arch(m): m for m in before}
a = {arch(m): m for m in after}
assert a["arm64"] == b["arm64"], (a["arm64"], b["arm64"])
assert a["amd64"]["digest"] != b["amd64"]["digest"], "amd64 not patched"
patched = json.loads(read(a["amd64"]["digest"]))
original = json.loads(read(b["amd64"]["digest"]))
assert len(patched["layers"]) == len(original["layers"]) + 1
PY
        then ok patch_index; else fail patch_index "index not rewritten as expected"; fi
    fi
    # With the report and -o: an OpenVEX document that the schema accepts and
    # that claims exactly the fixed vulnerability (CVE-2099-0002 has no fix),
    # for the patched image's digest and the package's new version.
    trivy_report "$work/report.json" debian hello-copa 1.0-1 1.1-1 CVE-2099-0001 CVE-2099-0002
    run patch_vex -i "$img" -r "$work/report.json" -t vexed -o "$work/vex.json" \
        --vex-author "copa tests"
    if expect_rc patch_vex 0; then
        digest=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print([m for m in d["manifests"] if m.get("annotations",{}).get("org.opencontainers.image.ref.name")=="vexed"][0]["digest"])' "$work/images/deb/index.json")
        if ! /usr/bin/python3 "$src/tests/unit/vex/validate_openvex.py" \
            "$src/tests/fixtures/vex/openvex_json_schema.json" "$work/vex.json" >/dev/null 2>&1; then
            fail patch_vex "the VEX document does not validate: $(cat "$work/vex.json")"
        elif ! python3 - "$work/vex.json" "$digest" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
digest = sys.argv[2]
claims = sorted(s["vulnerability"]["name"] for s in doc["statements"])
assert claims == ["CVE-2099-0001"], claims
st = doc["statements"][0]
assert st["status"] == "fixed", st
product = st["products"][0]
assert digest in product["@id"], (digest, product["@id"])
subs = [c["@id"] for c in product["subcomponents"]]
assert subs == ["pkg:deb/debian/hello-copa@1.1-1?arch=amd64&distro=debian-12"], subs
assert doc["author"] == "copa tests", doc["author"]
PY
        then
            fail patch_vex "VEX content: $(cat "$work/vex.json")"
        else ok patch_vex; fi
    fi
    # --sbom: a CycloneDX 1.6 document of the image just written, valid against
    # the schema, with hello-copa at 1.1-1 marked as patched, and the same as
    # what `copa packages` reads back from that image (the image's name aside,
    # which is spelled as each command was given it).
    run patch_sbom -i "$img" -r "$work/report.json" -t sbom --sbom "$work/sbom.json"
    if expect_rc patch_sbom 0; then
        "$copa" packages --format cyclonedx "oci:$work/images/deb:sbom" >"$work/sbom-read.json" 2>&1 ||
            fail patch_sbom "copa packages: $(cat "$work/sbom-read.json")"
        if ! /usr/bin/python3 "$src/tests/cli/validate_cyclonedx.py" "$src/tests/fixtures/cyclonedx" \
            "$work/sbom.json"; then
            fail patch_sbom "the SBOM does not validate against CycloneDX 1.6"
        elif ! python3 - "$work/sbom.json" "$work/sbom-read.json" <<'PY'
import json, sys
written, read = (json.load(open(p)) for p in sys.argv[1:3])
hello = [c for c in written["components"] if c.get("name") == "hello-copa"]
assert [c["version"] for c in hello] == ["1.1-1"], hello
props = {p["name"]: p["value"] for p in hello[0]["properties"]}
assert props["copa:package:patched"] == "true", props
for doc in (written, read):
    doc["metadata"]["component"]["name"] = "-"
assert written == read, "the --sbom document differs from copa packages of the written image"
PY
        then
            fail patch_sbom "SBOM content: $(head -c 2000 "$work/sbom.json")"
        else ok patch_sbom; fi
    fi
    # An SBOM path that cannot be written fails before any work (exit 4), writing nothing.
    run patch_sbom_bad -i "$img" -t sbom-bad --sbom "$work/no/such/dir/sbom.json"
    if expect_rc patch_sbom_bad 4; then
        if grep -q 'sbom-bad' "$work/images/deb/index.json"; then
            fail patch_sbom_bad "the image was written although the SBOM path is bad"
        else ok patch_sbom_bad; fi
    fi
    # Re-patch: "already up to date", and the patched tag keeps base + 1 layers.
    run repatch -i "oci:$work/images/deb:base-patched"
    if expect_rc repatch 0; then
        if grep -q 'already up to date' <<<"$out" &&
            [ "$(layer_count "$work/images/deb:base-patched")" -eq $((layers_base + 1)) ]; then
            ok repatch
        else fail repatch "$out"; fi
    fi
fi
fi # layer

if [ "$part" = push ]; then
# Run under tests/integration/registry/run.sh --with: a real docker-registry
# on loopback at $COPA_TEST_PLAIN. skopeo puts the image there and reads back
# what copa pushed.
reg=${COPA_TEST_PLAIN:?run under tests/integration/registry/run.sh --with}
sk() { skopeo "$@" 2>>"$work/skopeo.err"; }
sk copy -q --dest-tls-verify=false "$img" "docker://$reg/x:base" ||
    { echo "skopeo cannot push the test image: $(cat "$work/skopeo.err")"; exit 1; }
src_before=$(sk inspect --tls-verify=false --format '{{.Digest}}' "docker://$reg/x:base")
src_layers=$(sk inspect --tls-verify=false --format '{{len .Layers}}' "docker://$reg/x:base")

# 11. --push: the patched tag is in the registry with base + 1 layers and
# copa's label, copa's summary names skopeo's digest, the source is unchanged,
# and the pushed image (every blob verified by skopeo) holds hello-copa 1.1-1.
run push -i "$reg/x:base" --push --insecure-registry "$reg"
if expect_rc push 0; then
    sk inspect --tls-verify=false "docker://$reg/x:base-patched" >"$work/pushed.json"
    pushed_digest=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["Digest"])' "$work/pushed.json" 2>/dev/null)
    rm -rf "$work/pulled" "$work/pulled-unpack"
    if [ -z "$pushed_digest" ]; then
        fail push "skopeo finds no x:base-patched: $(cat "$work/skopeo.err")"
    elif ! python3 - "$work/pushed.json" "$src_layers" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
assert len(doc["Layers"]) == int(sys.argv[2]) + 1, ("layers", doc["Layers"], sys.argv[2])
labels = doc.get("Labels") or {}
assert labels.get("sh.copa.image.patched"), ("labels", labels)
PY
    then
        fail push "pushed image: $(cat "$work/pushed.json")"
    elif ! grep -qx "Digest: $pushed_digest" <<<"$out"; then
        fail push "summary does not name the pushed digest $pushed_digest: $out"
    elif [ "$(sk inspect --tls-verify=false --format '{{.Digest}}' "docker://$reg/x:base")" != "$src_before" ]; then
        fail push "the source tag changed (was $src_before)"
    elif ! sk copy -q --src-tls-verify=false "docker://$reg/x:base-patched" "oci:$work/pulled:p" ||
        ! umoci unpack --rootless --image "$work/pulled:p" "$work/pulled-unpack" >/dev/null; then
        fail push "skopeo/umoci cannot read back the pushed image: $(cat "$work/skopeo.err")"
    elif [ "$(cat "$work/pulled-unpack/rootfs/usr/share/doc/hello-copa/README")" != "hello-copa 1.1-1" ]; then
        fail push "the pushed image does not carry hello-copa 1.1-1"
    else ok push; fi
fi

# 12. A registry source without --push/--oci-dir: ./patched in the current
# directory, a hint naming it, and nothing new in the registry.
tags_before=$(sk list-tags --tls-verify=false "docker://$reg/x" | python3 -c 'import json,sys; print(" ".join(sorted(json.load(sys.stdin)["Tags"])))')
mkdir -p "$work/cwd"
pushd "$work/cwd" >/dev/null
run to_cwd -i "$reg/x:base" --insecure-registry "$reg"
popd >/dev/null
if expect_rc to_cwd 0; then
    tags_after=$(sk list-tags --tls-verify=false "docker://$reg/x" | python3 -c 'import json,sys; print(" ".join(sorted(json.load(sys.stdin)["Tags"])))')
    if [ "$(umoci ls --layout "$work/cwd/patched" 2>/dev/null)" != base-patched ]; then
        fail to_cwd "no base-patched tag in ./patched: $(ls -la "$work/cwd")"
    elif ! grep -q '^hint: .*\./patched.*--push' <<<"$out"; then
        fail to_cwd "no hint on stdout: $out"
    elif [ "$tags_after" != "$tags_before" ]; then
        fail to_cwd "the registry changed: tags '$tags_before' -> '$tags_after'"
    elif [ "$(sk inspect --format '{{len .Layers}}' "oci:$work/cwd/patched:base-patched")" -ne $((src_layers + 1)) ]; then
        fail to_cwd "./patched does not have base + 1 layers"
    else ok to_cwd; fi
fi
fi # push

if [ "$part" = compression ]; then
for tool in zstd gzip skopeo sha256sum; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
done
# layer_check LAYOUT TAG: "MEDIA_TYPE BLOB_PATH DIFF_ID" of the top layer, after
# checking that the descriptor's digest and size are the blob's.
layer_check() {
    python3 - "$1" "$2" <<'PY'
import hashlib, json, os, sys
layout, tag = sys.argv[1:3]
blob = lambda d: os.path.join(layout, "blobs/sha256", d.split(":")[1])
index = json.load(open(os.path.join(layout, "index.json")))
[entry] = [m for m in index["manifests"]
           if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == tag]
manifest = json.load(open(blob(entry["digest"])))
config = json.load(open(blob(manifest["config"]["digest"])))
layer = manifest["layers"][-1]
data = open(blob(layer["digest"]), "rb").read()
assert len(data) == layer["size"], ("size", len(data), layer["size"])
assert "sha256:" + hashlib.sha256(data).hexdigest() == layer["digest"], "digest"
assert len(config["rootfs"]["diff_ids"]) == len(manifest["layers"]), "diff_ids"
print(layer["mediaType"], blob(layer["digest"]), config["rootfs"]["diff_ids"][-1])
PY
}
out_dir=$work/out-comp

# 13. zstd:3: the OCI zstd media type, a blob zstd accepts whose uncompressed
# digest is the config's diff_id and holds hello-copa 1.1-1; skopeo reads and
# copies it; copa reads it back (inspect streams every layer; re-patching
# finds it up to date); the summary names the compression.
run zstd -i "$img" --oci-dir "$out_dir" -t z3 --layer-compression zstd:3
if expect_rc zstd 0; then
    read -r mt blob diff_id < <(layer_check "$out_dir" z3) || mt=
    rm -rf "$work/skopeo-copy"
    if [ "$mt" != application/vnd.oci.image.layer.v1.tar+zstd ]; then
        fail zstd "top layer: '$mt'"
    elif ! zstd -q -t "$blob"; then
        fail zstd "zstd -t rejects the blob"
    elif [ "sha256:$(zstd -dc "$blob" | sha256sum | cut -d' ' -f1)" != "$diff_id" ]; then
        fail zstd "zstd -dc | sha256sum is not the diff_id $diff_id"
    elif ! zstd -dc "$blob" | tar -xOf - usr/share/doc/hello-copa/README 2>/dev/null | grep -qx 'hello-copa 1.1-1'; then
        fail zstd "the layer does not hold hello-copa 1.1-1's README"
    elif ! grep -q '^Layer size: .* (zstd:3)$' <<<"$out"; then
        fail zstd "the summary does not name zstd:3: $out"
    elif [ "$(skopeo inspect --format '{{len .Layers}}' "oci:$out_dir:z3" 2>&1)" -lt 2 ] ||
        ! skopeo inspect --raw "oci:$out_dir:z3" | grep -q 'tar+zstd'; then
        fail zstd "skopeo inspect: $(skopeo inspect "oci:$out_dir:z3" 2>&1)"
    elif ! skopeo copy -q "oci:$out_dir:z3" "oci:$work/skopeo-copy:z3" 2>"$work/skopeo.err" ||
        [ "$(layer_check "$work/skopeo-copy" z3 | cut -d' ' -f3)" != "$diff_id" ]; then
        fail zstd "skopeo copy: $(cat "$work/skopeo.err")"
    elif ! "$copa" inspect --json "oci:$out_dir:z3" >"$work/inspect.json" 2>"$work/inspect.err" ||
        ! grep -q 'tar+zstd' "$work/inspect.json"; then
        fail zstd "copa inspect: $(cat "$work/inspect.err")"
    else ok zstd; fi
    run zstd_repatch -i "oci:$out_dir:z3" --layer-compression zstd
    expect_rc zstd_repatch 0 && grep -q 'already up to date' <<<"$out" && ok zstd_repatch
    # The same bytes on one thread, and again: the blob depends on content + choice.
    COPA_THREADS=1 run zstd_again -i "$img" --oci-dir "$out_dir" -t z3b --layer-compression zstd:3
    if expect_rc zstd_again 0; then
        if [ "$(layer_check "$out_dir" z3b | cut -d' ' -f2)" = "$blob" ]; then ok zstd_again
        else fail zstd_again "a second zstd:3 layer differs"; fi
    fi
    # zstd:19 compresses the same content differently.
    run zstd19 -i "$img" --oci-dir "$out_dir" -t z19 --layer-compression zstd:19
    if expect_rc zstd19 0; then
        read -r mt19 blob19 diff19 < <(layer_check "$out_dir" z19)
        if [ "$mt19" = "$mt" ] && [ "$diff19" = "$diff_id" ] && [ "$blob19" != "$blob" ] &&
            zstd -q -t "$blob19"; then ok zstd19
        else fail zstd19 "$mt19 $diff19 $blob19"; fi
    fi
fi

# 14. gzip:1 against the default (gzip level 6): both gzip media type and
# valid gzip, different blobs, the same diff_id (same content).
run gzip_default -i "$img" --oci-dir "$out_dir" -t g6
run gzip1 -i "$img" --oci-dir "$out_dir" -t g1 --layer-compression gzip:1
if expect_rc gzip_default 0 && expect_rc gzip1 0; then
    read -r mt6 blob6 diff6 < <(layer_check "$out_dir" g6)
    read -r mt1 blob1 diff1 < <(layer_check "$out_dir" g1)
    gz=application/vnd.oci.image.layer.v1.tar+gzip
    if [ "$mt6" != "$gz" ] || [ "$mt1" != "$gz" ]; then
        fail gzip1 "media types '$mt6' '$mt1'"
    elif ! gzip -t "$blob1" || ! gzip -t "$blob6"; then
        fail gzip1 "gzip -t rejects a blob"
    elif [ "$blob1" = "$blob6" ]; then
        fail gzip1 "gzip:1 wrote the same blob as the default level"
    elif [ "$diff1" != "$diff6" ] || [ "$diff1" != "${diff_id:-$diff1}" ] ||
        [ "sha256:$(gzip -dc "$blob1" | sha256sum | cut -d' ' -f1)" != "$diff1" ]; then
        fail gzip1 "diff_ids differ: $diff6 $diff1 ${diff_id:-}"
    elif ! grep -q '^Layer size: .* (gzip:1)$' "$work/gzip1.out" ||
        ! grep -q '^Layer size: .* (gzip:6)$' "$work/gzip_default.out"; then
        fail gzip1 "summaries: $(grep 'Layer size' "$work/gzip1.out" "$work/gzip_default.out")"
    else ok gzip1; fi
fi

# 15. Bad values: exit 3 naming the value, before anything is read or written.
for bad in brotli gzip:0 gzip:10 zstd:20 gzip: zstd:x; do
    rm -rf "$work/never"
    run "bad_$bad" -i "$img" --oci-dir "$work/never" --layer-compression "$bad"
    if expect_rc "bad_$bad" 3; then
        if ! grep -qF "'$bad'" <<<"$err"; then fail "bad_$bad" "message does not name it: $err"
        elif [ -e "$work/never" ]; then fail "bad_$bad" "something was written"
        elif grep -q '^open:' <<<"$err"; then fail "bad_$bad" "the image was opened: $err"
        else ok "bad_$bad"; fi
    fi
done

# 16. zstd where the result cannot say zstd: a docker-archive destination, a
# Docker schema 2 source. Exit 3 before any layer is read, nothing written.
rm -rf "$work/never"
run zstd_archive -i "$img" --archive "$work/never/x.tar" --layer-compression zstd
expect_rc zstd_archive 3 && grep -q 'docker-archive' <<<"$err" && [ ! -e "$work/never" ] &&
    ok zstd_archive
skopeo copy -q "$img" "docker-archive:$work/docker.tar:copa/test:base" 2>"$work/skopeo.err" ||
    { echo "skopeo cannot write a docker-archive: $(cat "$work/skopeo.err")"; exit 1; }
run zstd_docker -i "docker-archive:$work/docker.tar" --oci-dir "$work/never" --layer-compression zstd
if expect_rc zstd_docker 3; then
    if grep -q 'Docker schema 2' <<<"$err" && [ ! -e "$work/never" ] && ! grep -q '^read:' <<<"$err"
    then ok zstd_docker; else fail zstd_docker "$err"; fi
fi
fi # compression

if [ "$part" = kill ]; then
# Registered as hostile/layout/patch_kill (tests/hostile/layout): concurrent
# patches into one layout, and SIGKILL at random points of --oci-dir and
# --push writes; afterwards every tag names complete content (skopeo copies
# each out, checking every digest; blobs hashed), and the sources never
# changed. Needs the loopback docker-registry of the registry harness.
reg=${COPA_TEST_PLAIN:?run under tests/integration/registry/run.sh --with}
for tool in skopeo sha256sum; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
done
sk() { skopeo "$@" 2>>"$work/skopeo.err"; }
sk copy -q --dest-tls-verify=false "$img" "docker://$reg/x:base" ||
    { echo "skopeo cannot push the test image: $(cat "$work/skopeo.err")"; exit 1; }
src_before=$(sk inspect --tls-verify=false --format '{{.Digest}}' "docker://$reg/x:base")
tree_sum() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum); }
img_sum=$(tree_sum "$work/images/deb")
now_ms() { date +%s%3N; }
# tags_ok NAME SOURCE...: skopeo copies every tag out (verifying each blob).
tags_ok() {
    local name=$1 tag
    shift
    rm -rf "$work/out-$name"
    for tag in "$@"; do
        sk copy -q --src-tls-verify=false "$tag" "oci:$work/out-$name:t" >/dev/null ||
            { fail "$name" "$tag cannot be copied out: $(tail -1 "$work/skopeo.err")"; return 1; }
    done
}
layout_tags() {
    python3 -c 'import json,sys; print(" ".join(sorted(m.get("annotations",{}).get("org.opencontainers.image.ref.name","") for m in json.load(open(sys.argv[1]+"/index.json"))["manifests"])))' "$1"
}

# 17. Two patches into one layout at once, several rounds: both tags, always.
lost=0
for round in 1 2 3 4 5; do
    rm -rf "$work/L2"
    "$copa" patch -i "$img" --oci-dir "$work/L2" -t a --progress quiet >/dev/null 2>"$work/ca.err" &
    pa=$!
    "$copa" patch -i "$img" --oci-dir "$work/L2" -t b --progress quiet >/dev/null 2>"$work/cb.err" &
    pb=$!
    wait $pa || fail concurrent "patch -t a failed: $(cat "$work/ca.err")"
    wait $pb || fail concurrent "patch -t b failed: $(cat "$work/cb.err")"
    [ "$(layout_tags "$work/L2")" = "a b" ] || lost=$((lost + 1))
done
total=$((total + 1))
if [ "$lost" -ne 0 ]; then fail concurrent "a tag was lost in $lost of 5 rounds"
else ok concurrent; fi

# kill_runs NAME [patch options]: time one whole patch, then SIGKILL 8 more
# at random delays within 1.2 times that (tags kN, and "full" again).
kill_runs() {
    local name=$1 start full k delay pid status finished=0 tag
    shift
    start=$(now_ms)
    "$copa" patch "$@" -t full --progress quiet >/dev/null 2>"$work/$name.err" ||
        { fail "$name" "the whole patch failed: $(cat "$work/$name.err")"; return 1; }
    full=$(($(now_ms) - start))
    for k in 1 2 3 4 5 6 7 8; do
        tag=$([ $((k % 3)) = 0 ] && echo full || echo "k$k")
        delay=$((RANDOM % (full * 12 / 10 + 1)))
        "$copa" patch "$@" -t "$tag" --progress quiet >/dev/null 2>&1 &
        pid=$!
        sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
        kill -KILL "$pid" 2>/dev/null || true
        status=0
        wait "$pid" 2>/dev/null || status=$?
        [ "$status" = 0 ] && finished=$((finished + 1))
        [ "$status" = 0 ] || [ "$status" = 137 ] || fail "$name" "patch $k failed by itself (exit $status)"
    done
    echo "     $name: 8 patches killed within ${full} ms, $finished finished first"
}

# 18. SIGKILL during --oci-dir writes.
total=$((total + 1))
kill_runs kill_oci -i "$img" --oci-dir "$work/K"
tags=$(layout_tags "$work/K")
set --
for tag in $tags; do set -- "$@" "oci:$work/K:$tag"; done
if ! grep -qw full <<<"$tags"; then fail kill_oci "the tag 'full' is gone: '$tags'"
elif tags_ok kill_oci "$@"; then ok "kill_oci ($tags)"; fi

# 19. SIGKILL during --push writes.
total=$((total + 1))
kill_runs kill_push -i "$reg/x:base" --push --insecure-registry "$reg"
tags=$(sk list-tags --tls-verify=false "docker://$reg/x" | python3 -c 'import json,sys; print(" ".join(sorted(json.load(sys.stdin)["Tags"])))')
set --
for tag in $tags; do set -- "$@" "docker://$reg/x:$tag"; done
if ! grep -qw full <<<"$tags"; then fail kill_push "the tag 'full' is gone: '$tags'"
elif tags_ok kill_push "$@"; then ok "kill_push ($tags)"; fi

# 20. The sources never changed.
total=$((total + 1))
if [ "$(sk inspect --tls-verify=false --format '{{.Digest}}' "docker://$reg/x:base")" != "$src_before" ]; then
    fail sources "the registry source tag changed"
elif [ "$(tree_sum "$work/images/deb")" != "$img_sum" ]; then
    fail sources "the source layout changed"
else ok sources; fi
fi # kill

echo "$((total - failures))/$total passed"
[ "$failures" -eq 0 ] || exit 1
exit 0
