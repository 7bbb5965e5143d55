#!/usr/bin/env bash
# copa patch on a distroless image (status.d stanzas without Conffiles,
# md5sums without conffiles, as Debian ships them): the conffile decisions
# must be dpkg's, judged with the hashes of the installed version's own
# .deb, which the signed loopback repository still publishes. conf-copa
# 1.0-1 -> 1.1-1 (both published):
#   plain.conf         untouched, packaged content changed -> new version
#   same.conf          edited, packaged content unchanged  -> kept, no .dpkg-dist
#   changed.conf       edited, packaged content changed    -> kept + .dpkg-dist
# conf-gone 1.0-1 -> 1.1-1 (1.0-1 not published): gone.conf untouched ->
#   kept + .dpkg-dist (not judgeable) and a note naming it.
# Then the mirror serves another file as conf-copa 1.0-1: exit 7.
#
# usage: distroless_conffiles.sh COPA WORKDIR
set -uo pipefail
copa=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)
apt_dir=$here/../apt
for tool in dpkg-deb apt-ftparchive gpg python3 xz umoci; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
done
rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd)
# The keys (and the other repositories, unused here).
"$apt_dir/make_repos.sh" "$work" >"$work/make.log" 2>&1 || { cat "$work/make.log"; exit 1; }
export GNUPGHOME=$work/gnupg
g() { gpg --batch --quiet --no-tty --pinentry-mode loopback --passphrase '' "$@"; }

# mkconf NAME VERSION FILE=CONTENT...: a package whose files are all conffiles.
mkconf() {
    local name=$1 version=$2 d=$work/debs/$1_$2 kv
    shift 2
    mkdir -p "$d/DEBIAN" "$d/etc/$name" "$d/usr/share/doc/$name"
    printf 'Package: %s\nVersion: %s\nArchitecture: amd64\nMaintainer: Copa Test <t@copa.test>\nDescription: copa conffile test %s\n' \
        "$name" "$version" "$name" >"$d/DEBIAN/control"
    : >"$d/DEBIAN/conffiles"
    for kv in "$@"; do
        echo "${kv#*=}" >"$d/etc/$name/${kv%%=*}"
        echo "/etc/$name/${kv%%=*}" >>"$d/DEBIAN/conffiles"
    done
    echo "$name $version" >"$d/usr/share/doc/$name/README"
    dpkg-deb --root-owner-group -Zxz --build "$d" "$work/debs/${name}_${version}_amd64.deb" >/dev/null
}
mkconf conf-copa 1.0-1 plain.conf=plain-1 same.conf=same changed.conf=changed-1
mkconf conf-copa 1.1-1 plain.conf=plain-2 same.conf=same changed.conf=changed-2
mkconf conf-gone 1.0-1 gone.conf=gone-1
mkconf conf-gone 1.1-1 gone.conf=gone-2

r=$work/www/repos/dlconf
mkdir -p "$r/pool/main" "$r/dists/stable/main/binary-amd64"
cp "$work"/debs/conf-copa_*.deb "$work"/debs/conf-gone_1.1-1_amd64.deb "$r/pool/main/"
(
    cd "$r" &&
        apt-ftparchive --arch amd64 packages pool/main >dists/stable/main/binary-amd64/Packages &&
        xz -k dists/stable/main/binary-amd64/Packages &&
        apt-ftparchive -o APT::FTPArchive::Release::Suite=stable \
            -o APT::FTPArchive::Release::Codename=stable \
            -o APT::FTPArchive::Release::Architectures=amd64 \
            -o APT::FTPArchive::Release::Components=main release dists/stable >Release.tmp &&
        mv Release.tmp dists/stable/Release &&
        g -u "$(cat "$work/keys/rsa3072.fpr")!" --clearsign -o dists/stable/InRelease dists/stable/Release
) || { echo "cannot build the repository"; exit 1; }

python3 "$apt_dir/server.py" "$work/www" "$work/port" "$work/requests.log" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; gpgconf --kill gpg-agent >/dev/null 2>&1 || true' EXIT
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.05; done
base=http://127.0.0.1:$(cat "$work/port")/repos
export XDG_CACHE_HOME=$work/cache

# The distroless root: the 1.0-1 files, then the administrator's edits.
root=$work/root
mkdir -p "$root/etc/apt/sources.list.d" "$root/usr/share/keyrings" "$root/usr/lib" \
    "$root/var/lib/dpkg/status.d"
printf 'PRETTY_NAME="Copa Test"\nID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n' \
    >"$root/usr/lib/os-release"
ln -s ../usr/lib/os-release "$root/etc/os-release"
cp "$work/keys/rsa3072.gpg" "$root/usr/share/keyrings/copa-test.gpg"
printf 'Types: deb\nURIs: %s/dlconf\nSuites: stable\nComponents: main\nSigned-By: /usr/share/keyrings/copa-test.gpg\n' \
    "$base" >"$root/etc/apt/sources.list.d/test.sources"
for name in conf-copa conf-gone; do
    deb=$work/debs/${name}_1.0-1_amd64.deb
    dpkg-deb -x "$deb" "$root"
    dpkg-deb -f "$deb" >"$root/var/lib/dpkg/status.d/$name"
    # Debian's md5sums member: every regular file but the conffiles.
    (cd "$root" && md5sum "usr/share/doc/$name/README") >"$root/var/lib/dpkg/status.d/$name.md5sums"
done
echo same-local >"$root/etc/conf-copa/same.conf"
echo changed-local >"$root/etc/conf-copa/changed.conf"
img=$work/image
umoci init --layout "$img" >/dev/null &&
    umoci new --image "$img:base" >/dev/null &&
    umoci config --image "$img:base" --architecture amd64 --os linux >/dev/null &&
    umoci unpack --rootless --image "$img:base" "$work/bundle" >/dev/null &&
    cp -a "$root/." "$work/bundle/rootfs/" &&
    umoci repack --image "$img:base" "$work/bundle" >/dev/null &&
    rm -rf "$work/bundle" || { echo "cannot build the image"; exit 1; }
cp -a "$img" "$work/image-tampered"

"$copa" patch --progress plain -i "oci:$img:base" >"$work/patch.out" 2>"$work/patch.err"
rc=$?
[ "$rc" -eq 0 ] || { cat "$work/patch.err"; echo "FAIL: copa patch exit $rc"; exit 1; }
umoci unpack --rootless --image "$img:base-patched" "$work/unpack" >/dev/null ||
    { echo "FAIL: umoci cannot unpack the result"; exit 1; }
u=$work/unpack/rootfs

failures=0
check() { # case condition-description command...
    local what=$1
    shift
    if "$@"; then echo "ok   $what"; else echo "FAIL $what"; failures=$((failures + 1)); fi
}
content() { [ "$(cat "$u/$1" 2>/dev/null)" = "$2" ]; }
absent() { [ ! -e "$u/$1" ]; }
check "version upgraded" grep -q '^Version: 1.1-1' "$u/var/lib/dpkg/status.d/conf-copa"
check "untouched conffile gets the new version" content etc/conf-copa/plain.conf plain-2
check "untouched conffile: no .dpkg-dist" absent etc/conf-copa/plain.conf.dpkg-dist
check "edited conffile, packaged content unchanged: kept" content etc/conf-copa/same.conf same-local
check "edited conffile, packaged content unchanged: no .dpkg-dist" absent etc/conf-copa/same.conf.dpkg-dist
check "edited conffile, packaged content changed: kept" content etc/conf-copa/changed.conf changed-local
check "edited conffile, packaged content changed: .dpkg-dist" content etc/conf-copa/changed.conf.dpkg-dist changed-2
check "old version not published: kept" content etc/conf-gone/gone.conf gone-1
check "old version not published: .dpkg-dist" content etc/conf-gone/gone.conf.dpkg-dist gone-2
check "old version not published: a note names the conffile" \
    grep -q 'conf-gone: conffile /etc/conf-gone/gone.conf could not be judged' "$work/patch.err"
check "the old .deb came from the repository" grep -q 'conf-copa_1.0-1_amd64.deb' "$work/requests.log"
[ "$failures" -eq 0 ] || { cat "$work/patch.err"; exit 1; }

# A mirror that serves another file as the installed version's .deb (the
# signed index's SHA-256 does not match) is tampering, not an unpublished
# version: copa stops with the verification failure (exit 7) instead of
# noting the conffile as unjudged and going on.
mv "$work/debs" "$work/debs.good"
mkconf conf-copa 1.0-1 plain.conf=evil same.conf=evil changed.conf=evil
cp "$work/debs/conf-copa_1.0-1_amd64.deb" "$r/pool/main/conf-copa_1.0-1_amd64.deb"
rm -rf "$XDG_CACHE_HOME"
"$copa" patch --progress plain -i "oci:$work/image-tampered:base" >"$work/tampered.out" \
    2>"$work/tampered.err"
rc=$?
check "tampered old .deb: exit 7" [ "$rc" -eq 7 ]
check "tampered old .deb: the message names the package and the index" \
    grep -q 'conf-copa 1.0-1: .*the index says' "$work/tampered.err"
[ "$failures" -eq 0 ] || { cat "$work/tampered.err"; exit 1; }
echo PASS
