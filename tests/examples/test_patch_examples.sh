#!/usr/bin/env bash
# examples/plan_image and examples/patch_image on a tiny Debian-like OCI image
# (built here with umoci) whose apt sources name the signed "good" repository
# of tests/integration/apt, served on loopback. The plans must equal what
# `copa patch --dry-run` prints for the same image; cancellation from the
# progress callback must stop the patch with nothing written; the real patch
# must give hello-copa 1.1-1 in the image's dpkg database and the digest the
# layout's index.json names. The runs marked "valgrind" go through valgrind
# (leaks and memory errors fail) unless VALGRIND is 0 (a sanitizer build).
#
# usage: test_patch_examples.sh EXAMPLES_DIR COPA WORKDIR [VALGRIND=1]
set -uo pipefail
examples=$(cd "$1" && pwd)
copa=$2
work=$3
use_valgrind=${4:-1}
here=$(cd "$(dirname "$0")" && pwd)
apt_dir=$here/../integration/apt
tools="dpkg-deb apt-ftparchive gpg python3 umoci"
[ "$use_valgrind" = 1 ] && tools="$tools valgrind"
for tool in $tools; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
done
rm -rf "$work" && mkdir -p "$work" && work=$(cd "$work" && pwd)
"$apt_dir/make_repos.sh" "$work" >"$work/make.log" 2>&1 || { cat "$work/make.log"; exit 1; }
python3 "$apt_dir/server.py" "$work/www" "$work/port" "$work/requests.log" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.05; done
base=http://127.0.0.1:$(cat "$work/port")/repos
export XDG_CACHE_HOME=$work/cache

failures=0
fail() { echo "FAIL $1: $2"; failures=$((failures + 1)); }
ok() { echo "ok   $1"; }

# The image: os-release, a dpkg status with hello-copa 1.0-1 (the repository
# has 1.1-1) and copa-data 1.0, apt sources with the repository's key.
r=$work/root
mkdir -p "$r/etc/apt/sources.list.d" "$r/usr/share/keyrings" "$r/var/lib/dpkg/info" "$r/usr/lib"
printf 'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n' >"$r/usr/lib/os-release"
ln -s ../usr/lib/os-release "$r/etc/os-release"
cp "$work/keys/rsa3072.gpg" "$r/usr/share/keyrings/copa-test.gpg"
printf 'Types: deb\nURIs: %s/good\nSuites: stable\nComponents: main\nSigned-By: /usr/share/keyrings/copa-test.gpg\n' \
    "$base" >"$r/etc/apt/sources.list.d/test.sources"
stanza() {
    printf 'Package: %s\nStatus: install ok installed\nPriority: optional\nMaintainer: T <t@copa.test>\n' "$1"
    printf 'Architecture: %s\nVersion: %s\n%sDescription: test package\n\n' "$3" "$2" "$4"
}
{
    stanza copa-data 1.0 all ""
    stanza hello-copa 1.0-1 amd64 $'Depends: copa-data (>= 1.0)\n'
} >"$r/var/lib/dpkg/status"
img_dir=$work/image
umoci init --layout "$img_dir" >/dev/null &&
    umoci new --image "$img_dir:base" >/dev/null &&
    umoci config --image "$img_dir:base" --architecture amd64 --os linux >/dev/null &&
    umoci unpack --rootless --image "$img_dir:base" "$work/bundle" >/dev/null &&
    cp -a "$r/." "$work/bundle/rootfs/" &&
    umoci repack --image "$img_dir:base" "$work/bundle" >/dev/null ||
    { echo "cannot build the test image"; exit 1; }
img=oci:$img_dir:base

# A Trivy report asking for hello-copa 1.1-1, and one no repository can meet.
report() { # FILE FIXED
    printf '{"SchemaVersion":2,"ArtifactName":"t","Metadata":{"OS":{"Family":"debian","Name":"12"}},"Results":[{"Target":"t","Class":"os-pkgs","Type":"debian","Vulnerabilities":[{"VulnerabilityID":"CVE-2099-0001","PkgName":"hello-copa","InstalledVersion":"1.0-1","FixedVersion":"%s","Status":"fixed"}]}]}' \
        "$2" >"$1"
}
report "$work/fix.json" 1.1-1
report "$work/toonew.json" 9.9-1

vg_note=" (valgrind clean)"
[ "$use_valgrind" = 1 ] || vg_note=""
vg() { # run under valgrind; status 99 means memory errors or leaks
    [ "$use_valgrind" = 1 ] || { "$@"; return; }
    valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect,possible \
        --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 "$@"
}

# 1. plan_image prints the plan copa patch --dry-run prints: text and JSON,
#    update-all and with a report.
for mode in text json; do
    for rep in "" "$work/fix.json"; do
        name="plan $mode${rep:+ with report}"
        flags=() copa_flags=()
        [ "$mode" = json ] && flags+=(--json) && copa_flags+=(--json)
        [ -n "$rep" ] && flags+=(--report "$rep") && copa_flags+=(-r "$rep")
        "$examples/plan_image" "${flags[@]}" "$img" >"$work/plan.out" 2>"$work/plan.err"
        rc=$?
        "$copa" patch -i "$img" --dry-run "${copa_flags[@]}" >"$work/copa.out" 2>/dev/null
        crc=$?
        if [ "$rc" -ne 0 ] || [ "$crc" -ne 0 ]; then
            fail "$name" "exit $rc (copa $crc): $(cat "$work/plan.err")"
        elif [ "$mode" = json ] && ! cmp -s "$work/plan.out" "$work/copa.out"; then
            fail "$name" "JSON differs: $(diff "$work/plan.out" "$work/copa.out" | head -5)"
        elif [ "$mode" = text ] && [ "$(head -c "$(stat -c %s "$work/plan.out")" "$work/copa.out")" != "$(cat "$work/plan.out")" ]; then
            fail "$name" "text is not what copa prints: $(diff "$work/plan.out" "$work/copa.out" | head -5)"
        elif [ "$mode" = text ] && ! grep -Eq '^hello-copa +amd64 +1\.0-1 +1\.1-1 +upgrade' "$work/plan.out"; then
            fail "$name" "no hello-copa 1.0-1 -> 1.1-1: $(cat "$work/plan.out")"
        elif [ "$mode" = json ] && ! python3 -c 'import json, sys
p = json.load(open(sys.argv[1]))["packages"]
assert [(x["name"], x["installedVersion"], x["targetVersion"]) for x in p] == [("hello-copa", "1.0-1", "1.1-1")], p' "$work/plan.out"; then
            fail "$name" "no hello-copa 1.0-1 -> 1.1-1: $(cat "$work/plan.out")"
        else ok "$name"; fi
    done
done
if vg "$examples/plan_image" --report "$work/fix.json" "$img" >/dev/null 2>"$work/vg.err"; then
    ok "plan with report$vg_note"
else fail "plan with report$vg_note" "$(tail -20 "$work/vg.err")"; fi

# 2. A fix that cannot be made: COPA_EUNSATISFIABLE naming the package, exit 1.
"$examples/plan_image" --report "$work/toonew.json" "$img" >"$work/plan.out" 2>"$work/plan.err"
rc=$?
if [ "$rc" -eq 1 ] && grep -q 'COPA_EUNSATISFIABLE' "$work/plan.err" && grep -q hello-copa "$work/plan.err"; then
    ok "plan unsatisfiable"
else fail "plan unsatisfiable" "exit $rc: $(cat "$work/plan.err")"; fi

# 3. Cancelled from the progress callback when "resolve" begins: exit 3,
#    the stages before it reported, nothing written.
vg "$examples/patch_image" --cancel-at resolve "$img" "$work/cancelled" >"$work/c.out" 2>"$work/c.err"
rc=$?
if [ "$rc" -eq 3 ] && grep -q 'cancelled at stage resolve' "$work/c.err" &&
    grep -q '^stage sources done' "$work/c.err" && ! grep -q '^stage resolve done' "$work/c.err" &&
    [ ! -e "$work/cancelled/index.json" ] && [ ! -s "$work/c.out" ]; then
    ok "patch cancelled$vg_note"
else fail "patch cancelled" "exit $rc: $(tail -5 "$work/c.err"); $(ls "$work/cancelled" 2>&1)"; fi

# 4. The real patch into an OCI layout, under valgrind.
vg "$examples/patch_image" --report "$work/fix.json" "$img" "$work/out" >"$work/p.out" 2>"$work/p.err"
rc=$?
skipped=0
if [ "$rc" -ne 0 ] && grep -q 'not merged yet' "$work/p.err"; then
    echo "skip patch: the Debian engine is not merged yet"
    skipped=1
elif [ "$rc" -ne 0 ]; then
    fail patch "exit $rc: $(tail -20 "$work/p.err")"
else
    dest=$(sed -n 's/^destination: //p' "$work/p.out")
    digest=$(sed -n 's/^digest: //p' "$work/p.out")
    tag=${dest##*:}
    listed=$(python3 -c 'import json,sys
for m in json.load(open(sys.argv[1]))["manifests"]:
    if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == sys.argv[2]:
        print(m["digest"])' "$work/out/index.json" "$tag")
    rm -rf "$work/unpack"
    if [ -z "$digest" ] || [ "$digest" != "$listed" ]; then
        fail patch "digest '$digest' is not the layout's '$listed' for tag '$tag'"
    elif ! grep -q '^update: hello-copa 1.0-1 -> 1.1-1 (CVE-2099-0001)$' "$work/p.out"; then
        fail patch "no update line: $(cat "$work/p.out")"
    elif ! grep -q '^stage download done' "$work/p.err"; then
        fail patch "no download stage reported: $(cat "$work/p.err")"
    elif ! umoci unpack --rootless --image "$work/out:$tag" "$work/unpack" >/dev/null; then
        fail patch "umoci cannot unpack $work/out:$tag"
    elif ! awk '/^Package: hello-copa$/,/^$/' "$work/unpack/rootfs/var/lib/dpkg/status" | grep -q '^Version: 1.1-1$'; then
        fail patch "the patched dpkg status does not say hello-copa 1.1-1"
    else ok "patch$vg_note"; fi
fi

[ "$failures" -eq 0 ] || { echo "$failures failed"; exit 1; }
[ "$skipped" -eq 1 ] && exit 77
echo "plan_image and patch_image: all passed"
