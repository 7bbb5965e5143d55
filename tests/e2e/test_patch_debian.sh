#!/usr/bin/env bash
# copa patch on a real Debian 12 image built from the base suite (so
# updates are pending), judged by apt and dpkg themselves in a chroot of
# the unpacked image. Nothing is hard-coded: the packages with pending
# updates are whatever `apt-get -s --with-new-pkgs upgrade` says today
# (copa's update-all mode is that command, docs/resolver.md).
#
#   plan:  the dry run lists exactly apt's upgrade set (names and versions).
#   patch: real patches (Trivy report made at test time, no report,
#          distroless variant, docker-archive and OCI inputs, re-patching).
#
# The image is built once and cached under WORKDIR (delete it to rebuild).
# usage: test_patch_debian.sh COPA WORKDIR plan|patch
set -uo pipefail
copa=$1
work=$2
part=${3:-plan}
here=$(cd "$(dirname "$0")" && pwd)
for tool in mmdebstrap umoci skopeo python3 chroot; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
done
[ "$(id -u)" = 0 ] || { echo "SKIP: the chroot checks need root"; exit 77; }
mkdir -p "$work"
work=$(cd "$work" && pwd)
layout=$work/image
cache=$work/cache

if [ ! -f "$work/image.done" ]; then
    rm -rf "$layout"
    "$here/support/make_debian_image.sh" "$layout" base >"$work/image.log" 2>&1
    rc=$?
    [ $rc -eq 77 ] && { echo "SKIP: $(tail -1 "$work/image.log")"; exit 77; }
    [ $rc -eq 0 ] || { tail -20 "$work/image.log"; exit 1; }
    touch "$work/image.done"
fi

failures=0 total=0
ok() { echo "ok   $1"; }
fail() { echo "FAIL $1: $2"; failures=$((failures + 1)); }

# unpack REF DIR: the image's root filesystem in DIR/rootfs, ready for apt in a chroot.
unpack() {
    local ref=$1
    rm -rf "$2" "$2.layout"
    if [[ $ref != oci:* ]]; then # read back with skopeo, unpack with umoci
        skopeo copy -q "$ref" "oci:$2.layout:x" >/dev/null || return 1
        ref=oci:$2.layout:x
    fi
    umoci unpack --image "${ref#oci:}" "$2" >/dev/null || return 1
    cp /etc/resolv.conf "$2/rootfs/etc/resolv.conf" 2>/dev/null || true
}
# pending ROOT: "name version" lines apt would install (sorted).
pending() {
    chroot "$1" apt-get update -qq >/dev/null 2>&1 || { echo "apt-get update failed" >&2; return 1; }
    chroot "$1" apt-get -s --with-new-pkgs upgrade 2>/dev/null | python3 -c '
import re, sys
for line in sys.stdin:
    m = re.match(r"^Inst (\S+) (?:\[(\S+)\] )?\((\S+)", line)
    if m:
        print(m.group(1).split(":")[0], m.group(3))' | sort
}
# layers REF: how many layers the manifest lists.
layers() {
    skopeo inspect --raw "$1" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["layers"]))'
}

unpack "oci:$layout:base" "$work/base" || { echo "cannot unpack the image"; exit 1; }
pending "$work/base/rootfs" >"$work/apt-pending.txt" || exit 1
echo "apt has $(wc -l <"$work/apt-pending.txt") pending updates"
base_layers=$(layers "oci:$layout:base")

if [ "$part" = plan ]; then
    total=$((total + 1))
    "$copa" patch -i "oci:$layout:base" --dry-run --json --progress quiet --cache-dir "$cache" \
        >"$work/plan.json" 2>"$work/plan.err"
    rc=$?
    if [ $rc -ne 0 ]; then
        fail plan "exit $rc: $(cat "$work/plan.err")"
    else
        python3 -c '
import json, sys
for p in json.load(open(sys.argv[1]))["packages"]:
    print(p["name"], p["targetVersion"])' "$work/plan.json" | sort >"$work/copa-plan.txt"
        if diff -u "$work/apt-pending.txt" "$work/copa-plan.txt" >"$work/plan.diff"; then
            ok "plan ($(wc -l <"$work/copa-plan.txt") packages, same as apt-get)"
        else
            fail plan "copa's plan differs from apt-get -s --with-new-pkgs upgrade: $(cat "$work/plan.diff")"
        fi
    fi
    # The text plan names the same packages.
    total=$((total + 1))
    tags_before=$(umoci ls --layout "$layout" | sort)
    "$copa" patch -i "oci:$layout:base" --dry-run --progress quiet --cache-dir "$cache" \
        >"$work/plan.txt" 2>&1
    missing=$(while read -r name version; do
        grep -Eq "^$name +[^ ]+ +[^ ]+ +$(sed 's/[.+~]/\\&/g' <<<"$version") " "$work/plan.txt" || echo "$name"
    done <"$work/apt-pending.txt")
    [ -z "$missing" ] && ok plan_text || fail plan_text "not in the text plan: $missing"
    # Nothing was written (the layout may hold tags of an earlier patch run).
    total=$((total + 1))
    [ "$(umoci ls --layout "$layout" | sort)" = "$tags_before" ] && ok dry_run_writes_nothing ||
        fail dry_run_writes_nothing "tags before: $tags_before; after: $(umoci ls --layout "$layout")"
    echo "$((total - failures))/$total passed"
    [ "$failures" -eq 0 ]
    exit
fi

# ---- patch: real patches ----
[ -s "$work/apt-pending.txt" ] || { echo "SKIP: the archive has no pending updates for the base suite"; exit 77; }

# trivy_report FILE [LIMIT]: a Trivy report for the pending packages (first LIMIT of them).
trivy_report() {
    python3 - "$1" "$work/apt-pending.txt" "$work/base/rootfs" "${2:-0}" <<'PY'
import json, subprocess, sys
out, pending, root, limit = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
rows = [l.split() for l in open(pending) if l.strip()]
if limit:
    rows = rows[:limit]
inst = dict(l.split("\t") for l in subprocess.run(
    ["chroot", root, "dpkg-query", "-W", "-f", "${Package}\t${Version}\n"],
    capture_output=True, text=True, check=True).stdout.splitlines())
ver = open(root + "/etc/debian_version").read().strip()
vulns = [{"VulnerabilityID": "COPA-E2E-%s" % n, "PkgName": n, "InstalledVersion": inst[n],
          "FixedVersion": v, "Status": "fixed", "Severity": "HIGH"}
         for n, v in rows if n in inst]
json.dump({"SchemaVersion": 2, "ArtifactName": "copa-e2e", "ArtifactType": "container_image",
           "Metadata": {"OS": {"Family": "debian", "Name": ver}},
           "Results": [{"Target": "copa-e2e (debian %s)" % ver, "Class": "os-pkgs",
                        "Type": "debian", "Vulnerabilities": vulns}]}, open(out, "w"))
PY
}

# patch NAME [options]: run copa patch; sets rc, out, err
patch() {
    local name=$1
    shift
    total=$((total + 1))
    "$copa" patch --progress plain --cache-dir "$cache" "$@" >"$work/$name.out" 2>"$work/$name.err"
    rc=$?
    out=$(cat "$work/$name.out")
    err=$(cat "$work/$name.err")
    [ $rc -eq 0 ] || { fail "$name" "exit $rc: $err"; return 1; }
}

# inventory NAME REF DPKG_LIST: `copa packages` of REF lists exactly the
# packages (name arch version source source-version) of DPKG_LIST, made by
# dpkg-query from the same image, and marks as patched exactly the pending ones.
inventory() {
    local name=$1 ref=$2 list=$3 dir=$work/check-$1
    "$copa" packages --format json "$ref" >"$dir/packages.json" 2>"$dir/packages.err" ||
        { fail "$name" "copa packages: $(cat "$dir/packages.err")"; return 1; }
    python3 - "$dir/packages.json" >"$dir/copa-packages.txt" <<'PY'
import json, sys
for p in json.load(open(sys.argv[1]))["packages"]:
    print(p["name"], p["arch"], p["version"], p["source"]["name"], p["source"]["version"])
PY
    diff -u <(sort "$list") <(sort "$dir/copa-packages.txt") >"$dir/packages.diff" ||
        { fail "$name" "copa packages differs from dpkg-query: $(head -20 "$dir/packages.diff")"; return 1; }
    local marked
    marked=$(python3 -c 'import json,sys; print("\n".join(sorted(set(p["name"] for p in json.load(open(sys.argv[1]))["packages"] if p["patched"]))))' "$dir/packages.json")
    if [ "$name" = all ] && [ "$marked" != "$(cut -d' ' -f1 "$work/apt-pending.txt" | sort -u)" ]; then
        fail "$name" "copa packages marks as patched: $marked; apt's upgrades: $(cut -d' ' -f1 "$work/apt-pending.txt" | tr '\n' ' ')"
        return 1
    fi
}
DPKG_QUERY_FORMAT='${db:Status-Abbrev} ${Package} ${Architecture} ${Version} ${source:Package} ${source:Version}\n'
installed_only() { awk '$1 ~ /^[ih]i/ { print $2, $3, $4, $5, $6 }'; }

# check NAME REF [distroless]: the patched image as apt and dpkg see it.
# $source_layers is the layer count of the image that was patched.
source_layers=$base_layers
check() {
    local name=$1 ref=$2 distroless=${3:-} dir=$work/check-$1 root n
    root=$dir/rootfs
    n=$(layers "$ref")
    [ "$n" -eq $((source_layers + 1)) ] ||
        { fail "$name" "$n layers, expected $((source_layers + 1)) (source + 1)"; return 1; }
    unpack "$ref" "$dir" || { fail "$name" "umoci cannot unpack $ref"; return 1; }
    [ -L "$root/lib" ] || { fail "$name" "/lib is no longer a symlink"; return 1; }
    if [ -n "$distroless" ]; then
        # dpkg's own parser on the status.d stanzas: every pending package at its new version.
        mkdir -p "$dir/admin/info"
        for f in "$root"/var/lib/dpkg/status.d/*; do
            case $f in *.md5sums) ;; *) cat "$f"; echo ;; esac
        done | sed '/^$/N;/^\n$/D' >"$dir/admin/status"
        dpkg-query --admindir="$dir/admin" -W -f '${Package} ${Version}\n' | sort >"$dir/installed.txt" ||
            { fail "$name" "dpkg-query cannot parse status.d"; return 1; }
        while read -r p v; do
            grep -qx "$p $v" "$dir/installed.txt" || { fail "$name" "$p is not at $v in status.d"; return 1; }
        done <"$work/apt-pending.txt"
        dpkg-query --admindir="$dir/admin" -W -f "$DPKG_QUERY_FORMAT" | installed_only >"$dir/dpkg-packages.txt"
        inventory "$name" "$ref" "$dir/dpkg-packages.txt" || return 1
        ok "$name"
        return 0
    fi
    local audit
    audit=$(chroot "$root" dpkg --audit 2>&1) && [ -z "$audit" ] ||
        { fail "$name" "dpkg --audit: $audit"; return 1; }
    # shellcheck disable=SC2046
    chroot "$root" dpkg --verify $(cut -d' ' -f1 "$work/apt-pending.txt") >"$dir/verify.txt" 2>&1 ||
        { fail "$name" "dpkg --verify: $(head -5 "$dir/verify.txt")"; return 1; }
    chroot "$root" apt-get check >/dev/null 2>&1 || { fail "$name" "apt-get check fails"; return 1; }
    pending "$root" >"$dir/still-pending.txt"
    local left
    left=$(comm -12 <(cut -d' ' -f1 "$work/apt-pending.txt" | sort) <(cut -d' ' -f1 "$dir/still-pending.txt" | sort))
    [ -z "$left" ] || { fail "$name" "apt-get -s upgrade still offers: $left"; return 1; }
    # Upgraded programs run: the shell and dpkg (libc, and whatever else moved).
    [ "$(chroot "$root" /bin/bash -c 'echo ok')" = ok ] && chroot "$root" dpkg-query -W dpkg >/dev/null ||
        { fail "$name" "programs of the patched image do not run"; return 1; }
    chroot "$root" dpkg-query -W -f "$DPKG_QUERY_FORMAT" | installed_only >"$dir/dpkg-packages.txt"
    inventory "$name" "$ref" "$dir/dpkg-packages.txt" || return 1
    ok "$name"
}

# 1. A Trivy report for every pending package, OCI input.
trivy_report "$work/report.json"
patch report -i "oci:$layout:base" -r "$work/report.json" --tag-suffix report &&
    check report "oci:$layout:base-report"

# 2. No report (update all).
patch all -i "oci:$layout:base" --tag-suffix all && check all "oci:$layout:base-all"

# 3. Re-patching: half the updates first, then the rest; still base + 1 layer, and
#    what the first patch upgraded stays upgraded.
trivy_report "$work/half.json" $(( ($(wc -l <"$work/apt-pending.txt") + 1) / 2 ))
patch half -i "oci:$layout:base" -r "$work/half.json" --tag-suffix half &&
    patch repatch -i "oci:$layout:base-half" -t repatched && check repatch "oci:$layout:repatched"
patch repatch_again -i "oci:$layout:repatched" --tag-suffix again &&
    { grep -q 'already up to date' <<<"$out" && ok repatch_up_to_date || fail repatch_up_to_date "$out"; }

# 4. docker-archive input: the result is an archive next to it.
total=$((total + 1))
"$copa" copy "oci:$layout:base" "docker-archive:$work/debian.tar:copa/e2e:base" >/dev/null 2>&1 ||
    fail docker_archive "copa copy to docker-archive failed"
patch docker_archive -i "docker-archive:$work/debian.tar:copa/e2e:base" &&
    check docker_archive_result "docker-archive:$work/debian-base-patched.tar"

# 5. Distroless: status -> status.d, dpkg, apt and the shell removed.
dl=$work/distroless
rm -rf "$dl" && umoci unpack --image "$layout:base" "$dl" >/dev/null
python3 - "$dl/rootfs" <<'PY'
import glob, os, sys
root = sys.argv[1]
admin = root + "/var/lib/dpkg"
os.makedirs(admin + "/status.d", exist_ok=True)
for stanza in open(admin + "/status").read().split("\n\n"):
    if not stanza.strip():
        continue
    name = stanza.split("\n", 1)[0].split(": ", 1)[1]
    open(admin + "/status.d/" + name, "w").write(stanza.strip() + "\n")
    # Multi-Arch: same packages keep theirs as info/NAME:ARCH.md5sums.
    sums = glob.glob(admin + "/info/" + name + ".md5sums")
    sums += glob.glob(admin + "/info/" + name + ":*.md5sums")
    if sums:
        open(admin + "/status.d/" + name + ".md5sums", "w").write(open(sums[0]).read())
os.remove(admin + "/status")
PY
rm -f "$dl/rootfs"/usr/bin/dpkg* "$dl/rootfs"/usr/bin/apt* "$dl/rootfs"/usr/bin/bash "$dl/rootfs"/usr/bin/sh
umoci repack --image "$layout:distroless" "$dl" >/dev/null 2>&1 || true
total=$((total + 1))
if umoci ls --layout "$layout" | grep -qx distroless; then
    source_layers=$(layers "oci:$layout:distroless")
    patch distroless -i "oci:$layout:distroless" && check distroless "oci:$layout:distroless-patched" distroless
else
    fail distroless "could not build the distroless variant"
fi

echo "$((total - failures))/$total passed"
[ "$failures" -eq 0 ]
