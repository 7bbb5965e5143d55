#!/usr/bin/env bash
# copa packages on small OCI images made here (make_inventory_images.py):
# the packages listed are exactly those dpkg-query lists from the same
# database (regular and distroless), a patched image shows its new
# version marked as copa's, the CycloneDX output is valid against the
# official 1.6 schema (and a broken one is not), and unsupported OSes fail
# with exit 9 naming the OS.
set -euo pipefail
COPA=$1
here=$(cd "$(dirname "$0")" && pwd)
. "$here/assert.sh"
command -v dpkg-query >/dev/null || { echo "SKIP: dpkg-query not installed"; exit 77; }

t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
python3 "$here/make_inventory_images.py" "$t/l"

# dpkg_list STATUS: "name arch version source source-version" of installed packages, per dpkg.
dpkg_list() {
    mkdir -p "$t/admin/info" "$t/admin/updates"
    cp "$1" "$t/admin/status"
    dpkg-query --admindir="$t/admin" -W \
        -f '${db:Status-Abbrev} ${Package} ${Architecture} ${Version} ${source:Package} ${source:Version}\n' |
        awk '$1 ~ /^[ih]i/ { print $2, $3, $4, $5, $6 }' | sort
}
# copa_list TAG: the same fields from copa's JSON.
copa_list() {
    "$COPA" packages --format json "oci:$t/l:$1" | python3 -c '
import json, sys
for p in json.load(sys.stdin)["packages"]:
    print(p["name"], p["arch"], p["version"], p["source"]["name"], p["source"]["version"])' | sort
}

dpkg_list "$t/l.status" >"$t/dpkg.txt"
[ "$(wc -l <"$t/dpkg.txt")" -eq 5 ] || { cat "$t/dpkg.txt"; echo "FAIL: dpkg-query sees $(wc -l <"$t/dpkg.txt") packages, expected 5"; exit 1; }
for tag in regular distroless; do
    copa_list "$tag" >"$t/copa-$tag.txt"
    diff -u "$t/dpkg.txt" "$t/copa-$tag.txt" || { echo "FAIL: $tag: copa packages differs from dpkg-query"; exit 1; }
done
dpkg_list "$t/l.patched-status" >"$t/dpkg-patched.txt"
copa_list patched >"$t/copa-patched.txt"
diff -u "$t/dpkg-patched.txt" "$t/copa-patched.txt" || { echo "FAIL: patched: copa packages differs from dpkg-query"; exit 1; }

# Only the package copa's layer installed is marked.
run "$COPA" packages --format json "oci:$t/l:patched"
expect_status 0
marked=$(python3 -c 'import json,sys; print(" ".join(p["name"] for p in json.loads(sys.argv[1])["packages"] if p["patched"]))' "$out")
[ "$marked" = libssl3 ] || fail "patched packages: '$marked', expected libssl3"
expect_out_contains '"purl":	"pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=amd64&distro=debian-12"'
run "$COPA" packages "oci:$t/l:patched"
expect_status 0
expect_out_contains "OS:       Debian GNU/Linux 12 (bookworm)"
expect_out_contains "(patched by copa)"
run "$COPA" packages "oci:$t/l:regular"
[[ $out != *"patched by copa"* ]] || fail "an unpatched image shows patched packages"

# CycloneDX: schema-valid, one component per package plus the OS, and reproducible.
"$COPA" packages --format cyclonedx "oci:$t/l:patched" >"$t/bom.json"
/usr/bin/python3 "$here/validate_cyclonedx.py" "$here/../fixtures/cyclonedx" "$t/bom.json" ||
    { echo "FAIL: the CycloneDX document is not valid against the 1.6 schema"; exit 1; }
python3 - "$t/bom.json" <<'PY' || { echo "FAIL: CycloneDX content"; exit 1; }
import json, sys
bom = json.load(open(sys.argv[1]))
comps = bom["components"]
assert [c["type"] for c in comps].count("operating-system") == 1, comps
os_ref = [c["bom-ref"] for c in comps if c["type"] == "operating-system"][0]
libs = [c for c in comps if c["type"] == "library"]
assert len(libs) == 5, len(libs)
deps = {d["ref"]: d["dependsOn"] for d in bom["dependencies"]}
assert deps[bom["metadata"]["component"]["bom-ref"]] == [os_ref], deps
assert sorted(deps[os_ref]) == sorted(c["purl"] for c in libs), deps
ssl = [c for c in libs if c["name"] == "libssl3"][0]
props = {p["name"]: p["value"] for p in ssl["properties"]}
assert props["aquasecurity:trivy:SrcName"] == "openssl", props
assert props["copa:package:patched"] == "true", props
PY
"$COPA" packages --format cyclonedx "oci:$t/l:patched" | cmp -s - "$t/bom.json" ||
    { echo "FAIL: two runs gave different CycloneDX documents"; exit 1; }
# The validator itself rejects a broken document (so its pass above means something).
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["components"][1]["type"]="lib"; json.dump(d,open(sys.argv[1]+".bad","w"))' "$t/bom.json"
if /usr/bin/python3 "$here/validate_cyclonedx.py" "$here/../fixtures/cyclonedx" "$t/bom.json.bad" >/dev/null; then
    echo "FAIL: the schema check accepts a component of type 'lib'"
    exit 1
fi

# Bytes from the image that are not UTF-8 (a Latin-1 PRETTY_NAME) must not
# make the JSON or the SBOM invalid: they are shown as U+FFFD.
for format in json cyclonedx; do
    "$COPA" packages --format $format "oci:$t/l:latin1" >"$t/latin1.$format" ||
        { echo "FAIL: copa packages --format $format on the Latin-1 image"; exit 1; }
    python3 -c 'import json, sys; json.loads(open(sys.argv[1], "rb").read().decode("utf-8"))' \
        "$t/latin1.$format" || { echo "FAIL: --format $format is not valid UTF-8 JSON"; exit 1; }
done
grep -q $'Debian \xef\xbf\xbddition' "$t/latin1.json" || { echo "FAIL: U+FFFD expected in PRETTY_NAME"; exit 1; }
/usr/bin/python3 "$here/validate_cyclonedx.py" "$here/../fixtures/cyclonedx" "$t/latin1.cyclonedx" ||
    { echo "FAIL: the Latin-1 image's SBOM is not valid CycloneDX"; exit 1; }

# Unsupported OS, no os-release: exit 9 with the OS named; usage errors.
run "$COPA" packages "oci:$t/l:alpine"
expect_status 9
expect_err_contains "Alpine Linux v3.20"
expect_no_out
run "$COPA" packages "oci:$t/l:scratch"
expect_status 9
expect_err_contains "no /etc/os-release"
run "$COPA" packages --format xml "oci:$t/l:regular"
expect_status 2
run "$COPA" packages
expect_status 2
run "$COPA" packages "oci:$t/l:nope"
expect_status 4
echo "packages: all checks passed"
