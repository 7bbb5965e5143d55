# Helpers to build the tiny Debian-like test image of the patch tests with
# umoci; sourced by tests/integration/patch/run.sh and tests/hostile/faults.
# The caller sets $work (scratch directory, holding keys/ from
# tests/integration/apt/make_repos.sh) and $base (the repositories' URL).
# Environment knobs of make_image: REPO (default good), COMPONENTS (default
# main), PREFERENCES (an apt preferences file's text).

# status_stanza NAME VERSION ARCH [DEPENDS] [STATUS]
status_stanza() {
    printf 'Package: %s\nStatus: %s\nPriority: optional\nMaintainer: Copa Test <t@copa.test>\nArchitecture: %s\nVersion: %s\n' \
        "$1" "${5:-install ok installed}" "$3" "$2"
    [ -n "${4:-}" ] && printf 'Depends: %s\n' "$4"
    printf 'Description: copa test package %s\n\n' "$1"
}
# make_image NAME OS_ID HELLO_VERSION [HELLO_STATUS]: oci:$work/images/NAME:base
make_image() {
    local name=$1 os=$2 hello=$3 r=$work/roots/$1
    rm -rf "$r"
    mkdir -p "$r/etc/apt/sources.list.d" "$r/usr/share/keyrings" "$r/var/lib/dpkg/info" \
        "$r/usr/lib" "$r/usr/share/doc/hello-copa"
    printf 'PRETTY_NAME="Copa Test"\nID=%s\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n' "$os" \
        >"$r/usr/lib/os-release"
    ln -s ../usr/lib/os-release "$r/etc/os-release"
    cp "$work/keys/rsa3072.gpg" "$r/usr/share/keyrings/copa-test.gpg"
    printf 'Types: deb\nURIs: %s/%s\nSuites: stable\nComponents: %s\nSigned-By: /usr/share/keyrings/copa-test.gpg\n' \
        "$base" "${REPO:-good}" "${COMPONENTS:-main}" >"$r/etc/apt/sources.list.d/test.sources"
    {
        status_stanza copa-data 1.0 all
        status_stanza hello-copa "$hello" amd64 'copa-data (>= 1.0)' "${4:-install ok installed}"
    } >"$r/var/lib/dpkg/status"
    echo amd64 >"$r/var/lib/dpkg/arch"
    echo "hello-copa $hello" >"$r/usr/share/doc/hello-copa/README"
    if [ -n "${PREFERENCES:-}" ]; then
        mkdir -p "$r/etc/apt/preferences.d"
        printf '%s\n' "$PREFERENCES" >"$r/etc/apt/preferences.d/copa-test"
    fi
    printf '/.\n/usr\n/usr/share\n/usr/share/doc\n/usr/share/doc/hello-copa\n/usr/share/doc/hello-copa/README\n' \
        >"$r/var/lib/dpkg/info/hello-copa.list"
    local img=$work/images/$name
    rm -rf "$img"
    umoci init --layout "$img" >/dev/null &&
        umoci new --image "$img:base" >/dev/null &&
        umoci config --image "$img:base" --architecture amd64 --os linux >/dev/null &&
        umoci unpack --rootless --image "$img:base" "$work/bundle-$name" >/dev/null &&
        cp -a "$r/." "$work/bundle-$name/rootfs/" &&
        umoci repack --image "$img:base" "$work/bundle-$name" >/dev/null &&
        rm -rf "$work/bundle-$name" ||
        { echo "cannot build image $name"; exit 1; }
}
