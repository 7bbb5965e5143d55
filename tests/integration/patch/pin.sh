#!/usr/bin/env bash
# The Debian engine's output pinned: the same inputs give the same plan
# (text and JSON), the same patch layer bytes (digest and diff_id) and the
# same VEX statements and inventory as the recorded ones in pinned/. It guards refactors
# of the pipeline (the engine interface moved Debian behind lib/engine/ with
# these values recorded before the move). Inputs: the signed loopback
# repository of tests/integration/apt/make_repos.sh and the tiny image of
# image.sh, built with SOURCE_DATE_EPOCH so the .debs are reproducible.
#
# usage: pin.sh COPA WORKDIR [--record]
# --record rewrites pinned/ (only when a change of output is intended: say
# why in the commit).
set -uo pipefail
copa=$1
work=$2
record=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
pinned=$here/pinned
for tool in dpkg-deb apt-ftparchive gpg python3 xz umoci jq; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
done
rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd)
export SOURCE_DATE_EPOCH=1700000000
"$here/../apt/make_repos.sh" "$work" >"$work/make.log" 2>&1 || { cat "$work/make.log"; exit 1; }
python3 "$here/../apt/server.py" "$work/www" "$work/port" "$work/requests.log" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.05; done
base=http://127.0.0.1:$(cat "$work/port")/repos
export XDG_CACHE_HOME=$work/cache
. "$here/image.sh"
make_image deb debian 1.0-1
img=oci:$work/images/deb:base
base_digest=$(jq -r '.manifests[0].digest' "$work/images/deb/index.json")
python3 - "$work/report.json" <<'PY'
import json, sys
doc = {"SchemaVersion": 2, "ArtifactName": "copa-test", "ArtifactType": "container_image",
       "Metadata": {"OS": {"Family": "debian", "Name": "12"}},
       "Results": [{"Target": "copa-test (debian 12)", "Class": "os-pkgs", "Type": "debian",
                    "Vulnerabilities": [
                        {"VulnerabilityID": "CVE-2099-0001", "PkgName": "hello-copa",
                         "InstalledVersion": "1.0-1", "FixedVersion": "1.1-1",
                         "Status": "fixed", "Severity": "HIGH"}]}]}
json.dump(doc, open(sys.argv[1], "w"))
PY

failures=0
# The loopback port and scratch paths differ per run: normalized away.
# So does the base image's digest (umoci writes a new one each time).
normalize() {
    sed -e "s#127\.0\.0\.1:[0-9]*#127.0.0.1:PORT#g" -e "s#$work#WORK#g" -e "s#$base_digest#BASE#g"
}
# outcome NAME [copa patch options]: the plan (text, JSON) of a dry run and
# the layer, diff_id and VEX statements of the real run into an OCI layout.
outcome() {
    local name=$1 out=$work/$1
    shift
    mkdir -p "$out"
    "$copa" patch --progress quiet --dry-run "$@" >"$out/plan.raw" 2>"$out/err" ||
        { echo "FAIL $name: dry run exit $?: $(cat "$out/err")"; return 1; }
    "$copa" patch --progress quiet --dry-run --json "$@" >"$out/plan.json.raw" 2>>"$out/err" ||
        { echo "FAIL $name: dry run --json exit $?: $(cat "$out/err")"; return 1; }
    "$copa" patch --progress quiet --oci-dir "$out/layout" -t patched -o "$out/vex.json" "$@" \
        >/dev/null 2>>"$out/err" || { echo "FAIL $name: patch exit $?: $(cat "$out/err")"; return 1; }
    local manifest config
    manifest=$(jq -r '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == "patched") | .digest' \
        "$out/layout/index.json")
    local patched_digest=$manifest
    manifest=$out/layout/blobs/sha256/${manifest#sha256:}
    config=$out/layout/blobs/sha256/$(jq -r '.config.digest' "$manifest" | cut -d: -f2)
    {
        printf 'layer %s\n' "$(jq -r '.layers[-1].digest' "$manifest")"
        printf 'size %s\n' "$(jq -r '.layers[-1].size' "$manifest")"
        printf 'diff_id %s\n' "$(jq -r '.rootfs.diff_ids[-1]' "$config")"
        printf 'history %s\n' "$(jq -r '.history[-1].created_by' "$config")"
        printf 'packages %s\n' "$(jq -r '.config.Labels["sh.copa.patched.packages"] // .config.Labels | tostring' "$config")"
    } | normalize >"$out/layer"
    if [ -s "$out/vex.json" ]; then
        jq -S '[.statements[] | {vulnerability: .vulnerability.name, status,
                products: [.products[] | (.["@id"], (.subcomponents[]?["@id"]))]}]' \
            "$out/vex.json" | normalize | sed "s#$patched_digest#PATCHED#g" >"$out/vex"
    else
        echo "no VEX document" >"$out/vex"
    fi
    "$copa" packages --format json "oci:$out/layout:patched" 2>>"$out/err" | normalize |
        sed "s#$patched_digest#PATCHED#g" >"$out/packages.json"
    normalize <"$out/plan.raw" >"$out/plan.txt"
    normalize <"$out/plan.json.raw" >"$out/plan.json"
}
compare() { # NAME
    local f
    for f in plan.txt plan.json layer vex packages.json; do
        if [ -n "$record" ]; then
            mkdir -p "$pinned/$1"
            cp "$work/$1/$f" "$pinned/$1/$f"
        elif ! diff -u "$pinned/$1/$f" "$work/$1/$f"; then
            echo "FAIL $1: $f differs from the pinned output (above)"
            failures=$((failures + 1))
        else
            echo "ok   $1 $f"
        fi
    done
}
for case in update_all report; do
    case $case in
    update_all) outcome update_all -i "$img" || { failures=$((failures + 1)); continue; } ;;
    report) outcome report -i "$img" -r "$work/report.json" || { failures=$((failures + 1)); continue; } ;;
    esac
    compare "$case"
done
[ -n "$record" ] && echo "recorded into $pinned"
[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
