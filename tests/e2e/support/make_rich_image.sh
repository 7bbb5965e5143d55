#!/usr/bin/env bash
# Build the "rich" Debian 12 image of the e2e comparison tests into an OCI
# layout (tags below), from the archive's BASE suite only so that updates
# are pending. The root holds ca-certificates (file names that are not
# ASCII), openssl, iputils-ping (with libcap2-bin: /usr/bin/ping carries a
# security.capability xattr), python3 (byte-compiled modules) and locales.
#
#   base              the mmdebstrap root, one layer
#   app               + an application layer: an edited conffile of a package
#                       with a pending update (/etc/ssl/openssl.cnf) and of one
#                       without (/etc/bash.bashrc), a user `app` (uid 1000) and
#                       files and directories owned by it, a generated locale
#   distroless        app, then dpkg and apt removed and the database turned
#                       into gcr.io/distroless's status.d form (distroless.py)
#   ascii-app, ascii-distroless   (only with `ascii`, added to the layout)
#                     the same, but every pending package whose file list has
#                     a non-ASCII name is first upgraded with apt in the
#                     chroot, so that copa has no such file to write
#
# The image's /etc/apt/sources.list lists bookworm, bookworm-updates and
# bookworm-security as a real image does; mirrors come from the host.
# DEB_CACHE keeps the .debs of the last build for the next one.
# usage: make_rich_image.sh OCI_DIR regular|ascii DEB_CACHE
# (exit 77: no mirror configured)
set -euo pipefail
out=$1 what=$2 debs=$3
here=$(cd "$(dirname "$0")" && pwd)
source "$here/host_mirrors.sh"
if [ -z "$DEBIAN_MIRROR" ] || [ -z "$DEBIAN_SECURITY_MIRROR" ]; then
    echo "no Debian mirror in the host's apt configuration" >&2
    exit 77
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/copa-rich-XXXXXX")
trap 'rm -rf "$work"' EXIT
sources="deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $DEBIAN_MIRROR bookworm main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $DEBIAN_MIRROR bookworm-updates main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $DEBIAN_SECURITY_MIRROR bookworm-security main"

# base_image: the mmdebstrap root as the tag `base` of a new layout.
base_image() {
    local include=debian-archive-keyring,ca-certificates,openssl,iputils-ping,libcap2-bin,python3,locales
    # The .debs of this build replace the cache (old versions do not pile up).
    mkdir -p "$debs" "$work/debs"
    mmdebstrap --quiet --variant=minbase --include="$include" --format=tar \
        --skip=essential/unlink \
        --setup-hook='mkdir -p "$1"/var/cache/apt/archives/' \
        --setup-hook="sync-in $debs /var/cache/apt/archives/" \
        --customize-hook="sync-out /var/cache/apt/archives $work/debs" \
        --customize-hook="printf '%s\n' \"$sources\" > \"\$1/etc/apt/sources.list\"" \
        --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin "$1"/var/cache/apt/archives/*.deb' \
        bookworm "$work/rootfs.tar" "deb $DEBIAN_MIRROR bookworm main" >&2
    rm -rf "$debs" && mv "$work/debs" "$debs"
    rm -rf "$out"
    umoci init --layout "$out" >&2
    umoci new --image "$out:base" >&2
    umoci raw add-layer --image "$out:base" "$work/rootfs.tar" >&2
    rm "$work/rootfs.tar"
    umoci config --image "$out:base" --os linux --architecture "$(dpkg --print-architecture)" \
        --config.cmd /bin/bash --author "libcopa e2e" >&2
}

# app_layer ROOT: what an application image adds on top of a distribution.
app_layer() {
    local root=$1
    printf '\n# app: a local setting\nexport APP_HOME=/srv/app\n' >>"$root/etc/bash.bashrc"
    sed -i 's/^default_bits[[:space:]]*=.*/default_bits = 4096/; $a # app: local policy' \
        "$root/etc/ssl/openssl.cnf"
    chroot "$root" useradd --uid 1000 --user-group --create-home --shell /bin/bash app
    mkdir -p "$root/srv/app/data"
    printf 'app data\n' >"$root/srv/app/data/state.txt"
    printf '#!/bin/sh\necho app\n' >"$root/srv/app/run.sh"
    chmod 0750 "$root/srv/app/run.sh"
    chown -R 1000:1000 "$root/srv/app"
    chmod 2770 "$root/srv/app/data"
    echo 'en_US.UTF-8 UTF-8' >>"$root/etc/locale.gen"
    chroot "$root" locale-gen >/dev/null
}

# upgrade_non_ascii ROOT: upgrade, with apt in the chroot, every pending
# package whose installed file list has a name outside ASCII.
upgrade_non_ascii() {
    local root=$1 names
    cp /etc/resolv.conf "$root/etc/resolv.conf"
    chroot "$root" apt-get update -qq >&2
    names=$(chroot "$root" apt-get -s --with-new-pkgs upgrade | awk '/^Inst /{print $2}' |
        while read -r p; do
            LC_ALL=C grep -q -P '[^\x00-\x7f]' "$root"/var/lib/dpkg/info/"$p".list "$root"/var/lib/dpkg/info/"$p":*.list 2>/dev/null &&
                echo "$p"
        done)
    echo "pending packages with non-ASCII file names: ${names:-none}" >&2
    if [ -n "$names" ]; then
        # shellcheck disable=SC2086
        DEBIAN_FRONTEND=noninteractive chroot "$root" apt-get install -y -qq --only-upgrade \
            -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold $names >&2
    fi
    chroot "$root" apt-get clean
    rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin
    : >"$root/etc/resolv.conf"
}

# variant PREFIX [ascii]: PREFIXapp and PREFIXdistroless from base.
variant() {
    local prefix=$1 ascii=${2:-} bundle=$work/bundle-$1
    umoci unpack --image "$out:base" "$bundle" >&2
    [ -n "$ascii" ] && upgrade_non_ascii "$bundle/rootfs"
    app_layer "$bundle/rootfs"
    umoci repack --refresh-bundle --image "$out:${prefix}app" "$bundle" >&2
    python3 "$here/distroless.py" make "$bundle/rootfs" >/dev/null
    umoci repack --image "$out:${prefix}distroless" "$bundle" >&2
    rm -rf "$bundle"
}
case $what in
regular) base_image && variant "" ;;
ascii) variant ascii- ascii ;;
*) echo "usage: make_rich_image.sh OCI_DIR regular|ascii DEB_CACHE" >&2; exit 2 ;;
esac
umoci gc --layout "$out" >&2
umoci ls --layout "$out"
