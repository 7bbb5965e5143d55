#!/usr/bin/env bash
# Build the small Debian-like test image of the bulk tests and benchmark:
# os-release, a dpkg status with hello-copa 1.0-1 and copa-data 1.0, apt
# sources naming REPO_URL/good (tests/integration/apt/make_repos.sh, whose
# key is KEYRING), packed with umoci as LAYOUT:base.
#
# usage: fleet_image.sh WORK REPO_URL KEYRING LAYOUT
set -euo pipefail
work=$1 repo=$2 keyring=$3 img=$4
r=$work/fleet-root
rm -rf "$r" "$work/fleet-bundle" "$img"
mkdir -p "$r/etc/apt/sources.list.d" "$r/usr/share/keyrings" "$r/var/lib/dpkg/info" "$r/usr/lib"
printf 'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n' >"$r/usr/lib/os-release"
ln -s ../usr/lib/os-release "$r/etc/os-release"
cp "$keyring" "$r/usr/share/keyrings/copa-test.gpg"
printf 'Types: deb\nURIs: %s/good\nSuites: stable\nComponents: main\nSigned-By: /usr/share/keyrings/copa-test.gpg\n' \
    "$repo" >"$r/etc/apt/sources.list.d/test.sources"
for p in "copa-data 1.0 all" "hello-copa 1.0-1 amd64"; do
    set -- $p
    printf 'Package: %s\nStatus: install ok installed\nPriority: optional\nMaintainer: T <t@copa.test>\nArchitecture: %s\nVersion: %s\nDescription: test %s\n\n' \
        "$1" "$3" "$2" "$1" >>"$r/var/lib/dpkg/status"
done
echo amd64 >"$r/var/lib/dpkg/arch"
umoci init --layout "$img" >/dev/null
umoci new --image "$img:base" >/dev/null
umoci config --image "$img:base" --architecture amd64 --os linux >/dev/null
umoci unpack --rootless --image "$img:base" "$work/fleet-bundle" >/dev/null
cp -a "$r/." "$work/fleet-bundle/rootfs/"
umoci repack --image "$img:base" "$work/fleet-bundle" >/dev/null
rm -rf "$work/fleet-bundle"
