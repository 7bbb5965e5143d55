#!/usr/bin/env bash
# Build a small Debian 12 image from the archive's BASE suite only, so that
# security updates are pending, and store it as an OCI layout.
#
# The image's own /etc/apt/sources.list lists bookworm, bookworm-updates and
# bookworm-security (with the archive keyring), as a real image does; the
# mirrors come from the host's apt configuration at run time.
#
# usage: make_debian_image.sh OCI_DIR TAG [extra packages, comma-separated]
# Exits 77 (skip) when the host has no Debian mirror configured.
set -euo pipefail
out=$1 tag=$2 extra=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/host_mirrors.sh"
if [ -z "$DEBIAN_MIRROR" ] || [ -z "$DEBIAN_SECURITY_MIRROR" ]; then
    echo "no Debian mirror in the host's apt configuration" >&2
    exit 77
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sources="deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $DEBIAN_MIRROR bookworm main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $DEBIAN_MIRROR bookworm-updates main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $DEBIAN_SECURITY_MIRROR bookworm-security main"

# Installed from the base suite only; the sources are written afterwards.
include=debian-archive-keyring${extra:+,$extra}
mmdebstrap --quiet --variant=minbase --include="$include" --format=tar \
    --customize-hook="printf '%s\n' \"$sources\" > \"\$1/etc/apt/sources.list\"" \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin' \
    bookworm "$work/rootfs.tar" "deb $DEBIAN_MIRROR bookworm main" >&2

if [ ! -d "$out" ]; then
    umoci init --layout "$out" >&2
fi
umoci new --image "$out:$tag" >&2
umoci raw add-layer --image "$out:$tag" "$work/rootfs.tar" >&2
umoci config --image "$out:$tag" --os linux --architecture "$(dpkg --print-architecture)" \
    --config.cmd /bin/bash --author "libcopa e2e" >&2
echo "$out:$tag"
