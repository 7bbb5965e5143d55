#!/usr/bin/env bash
# The main job, end to end, on this machine: build a small Debian 12 image
# from the base suite only (so security updates are pending) into an OCI
# layout, patch it with copa, and show the summary and the OpenVEX document.
# The Debian mirror comes from this machine's apt configuration.
#
# usage: scripts/demo.sh PATH_TO_COPA [WORKDIR]   (WORKDIR defaults to ./demo)
set -euo pipefail
copa=$(realpath "$1")
work=${2:-demo}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$work"
work=$(cd "$work" && pwd)
layout=$work/debian

echo
echo "== Version ordering, as dpkg, rpm and apk-tools order versions"
for pair in "deb 1:1.0 2.0" "deb 2.36-9+deb12u3 2.36-9+deb12u10" "deb 1.0~rc1 1.0" \
            "rpm 1.0^git1 1.0" "apk 1.2_rc1-r0 1.2-r0"; do
    set -- $pair
    printf '  %-4s %-18s %s %s\n' "$1" "$2" "$("$copa" vercmp --format "$1" "$2" "$3")" "$3"
done

echo
if [ -d "$layout" ] && umoci ls --layout "$layout" 2>/dev/null | grep -qx base; then
    echo "== Using the Debian 12 image already in $layout"
else
    echo "== Building a Debian 12 image from the base suite (mmdebstrap, about a minute)"
    rm -rf "$layout"
    "$here/../tests/e2e/support/make_debian_image.sh" "$layout" base >/dev/null
fi
"$copa" inspect "oci:$layout:base" | sed 's/^/  /'

echo
echo "== What copa would do (dry run: nothing is downloaded or written)"
"$copa" patch -i "oci:$layout:base" --dry-run --progress quiet
"$copa" patch -i "oci:$layout:base" --dry-run --json --progress quiet >"$work/plan.json"

echo
echo "== Patching every pending update: oci:$layout:base -> oci:$layout:base-patched"
"$copa" patch -i "oci:$layout:base" --progress plain

echo
echo "== A scanner report, made from the new packages' changelogs (no scanner needed)"
rm -rf "$work/patched"
umoci unpack --rootless --image "$layout:base-patched" "$work/patched" >/dev/null
count=$(python3 "$here/demo/report_from_changelogs.py" "$work/plan.json" "$work/patched/rootfs" \
    "$copa" "$work/report.json")
rm -rf "$work/patched"
echo "  $count vulnerabilities named by the changelogs: $work/report.json"
if [ "$count" -eq 0 ]; then
    echo "  (none today, so there is nothing for a VEX document to claim)"
    exit 0
fi

echo
echo "== Patching from that report, with an OpenVEX document of the fixes"
"$copa" patch -i "oci:$layout:base" -r "$work/report.json" -t base-vex -o "$work/vex.json" \
    --progress plain
echo
echo "== $work/vex.json"
cat "$work/vex.json"
