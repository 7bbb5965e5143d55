#!/usr/bin/env bash
# A short tour of what copa can do today. The image patching demo joins
# this script when `copa patch` lands.
#
# usage: scripts/demo.sh PATH_TO_COPA
set -euo pipefail
copa=$1

echo
echo "== Version ordering, as dpkg, rpm and apk-tools order versions"
for pair in "deb 1:1.0 2.0" "deb 2.36-9+deb12u3 2.36-9+deb12u10" "deb 1.0~rc1 1.0" \
            "rpm 1.0^git1 1.0" "apk 1.2_rc1-r0 1.2-r0"; do
    set -- $pair
    printf '  %-4s %-18s %s %s\n' "$1" "$2" "$("$copa" vercmp --format "$1" "$2" "$3")" "$3"
done
