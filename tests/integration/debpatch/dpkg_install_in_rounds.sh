#!/bin/sh
# Install every .deb in DIR with dpkg alone, in whatever order dpkg's
# Pre-Depends require: each round unpacks the packages dpkg accepts and then
# configures them; packages refused (a pre-dependency not yet configured) wait
# for the next round. Fails when a round makes no progress.
# Usage (inside the root): dpkg_install_in_rounds.sh DIR
set -u
export DEBIAN_FRONTEND=noninteractive
remaining=$(ls "$1"/*.deb)
round=0
while [ -n "$remaining" ]; do
    round=$((round + 1))
    refused=""
    for deb in $remaining; do
        if ! dpkg --unpack --force-confdef --force-confold "$deb"; then
            refused="$refused $deb"
        fi
    done
    dpkg --configure -a --force-confdef --force-confold || {
        echo "round $round: dpkg --configure -a failed" >&2
        exit 1
    }
    if [ "$(echo $refused)" = "$(echo $remaining)" ]; then
        echo "round $round: no package could be unpacked:$refused" >&2
        exit 1
    fi
    remaining=$(echo $refused)
done
echo "installed in $round round(s)"
