#!/usr/bin/env bash
# copa patch --run-scripts against dpkg's own route on the same root: an
# image with a shell (the host's dash and its libraries) and copa-svc 1.0
# installed by dpkg; a signed loopback repository with copa-svc 1.1 whose
# preinst, postinst and the old prerm leave marks in the root (one written
# with the script's arguments, one file deleted). The reference is
# `dpkg --root=REF -i copa-svc_1.1.deb` (dpkg chroots into REF for the
# scripts); copa's patched image, unpacked, must hold the same marks and
# the same dpkg status for the package. Without --run-scripts the marks are
# absent and the scripts are listed as not run. A failing postinst fails the
# patch; with --ignore-errors the package is left half-configured exactly as
# dpkg leaves it (status and Config-Version compared with dpkg's route).
#
# usage: run_scripts.sh COPA WORKDIR
set -uo pipefail
copa=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)
for tool in dpkg-deb dpkg apt-ftparchive gpg python3 xz umoci ldd; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
done
[ "$(id -u)" -eq 0 ] || { echo "SKIP: the dpkg reference route (dpkg --root chroots) needs root"; exit 77; }
unshare -U -r true 2>/dev/null || { echo "SKIP: no user namespaces here"; exit 77; }
rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd)
"$here/../apt/make_repos.sh" "$work" >"$work/make.log" 2>&1 || { cat "$work/make.log"; exit 1; }
export GNUPGHOME=$work/gnupg
g() { gpg --batch --quiet --no-tty --pinentry-mode loopback --passphrase '' "$@"; }

# copa-svc VERSION: a package whose scripts leave marks.
mkdeb() {
    local v=$1 d=$work/svc-$1
    mkdir -p "$d/DEBIAN" "$d/usr/share/copa-svc"
    printf 'Package: copa-svc\nVersion: %s\nArchitecture: amd64\nMaintainer: Copa Test <t@copa.test>\nDescription: scripts that leave marks\n' \
        "$v" >"$d/DEBIAN/control"
    echo "copa-svc $v" >"$d/usr/share/copa-svc/version"
    printf '#!/bin/sh\nset -e\necho "preinst $*" >/var/lib/copa-svc.preinst\n' >"$d/DEBIAN/preinst"
    printf '#!/bin/sh\nset -e\necho "postinst $*" >/etc/copa-svc.configured\nrm -f /etc/copa-svc.obsolete\n' >"$d/DEBIAN/postinst"
    printf '#!/bin/sh\nset -e\necho "prerm %s $*" >/var/lib/copa-svc.prerm\n' "$v" >"$d/DEBIAN/prerm"
    chmod 0755 "$d/DEBIAN/preinst" "$d/DEBIAN/postinst" "$d/DEBIAN/prerm"
    dpkg-deb --root-owner-group -Zxz --build "$d" "$work/copa-svc_${v}_amd64.deb" >/dev/null
}
mkdeb 1.0
mkdeb 1.1
repo=$work/www/repos/svc
mkdir -p "$repo/pool/main" "$repo/dists/stable/main/binary-amd64"
cp "$work/copa-svc_1.1_amd64.deb" "$repo/pool/main/"
(
    cd "$repo" || exit 1
    apt-ftparchive --arch amd64 packages pool/main >dists/stable/main/binary-amd64/Packages
    apt-ftparchive -o APT::FTPArchive::Release::Suite=stable -o APT::FTPArchive::Release::Codename=stable \
        -o APT::FTPArchive::Release::Architectures=amd64 -o APT::FTPArchive::Release::Components=main \
        release dists/stable >dists/stable/Release.new && mv dists/stable/Release.new dists/stable/Release
    g -u "$(cat "$work/keys/rsa3072.fpr")!" --clearsign -o dists/stable/InRelease dists/stable/Release
) || { echo "cannot build the repository"; exit 1; }
python3 "$here/../apt/server.py" "$work/www" "$work/port" "$work/requests.log" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; gpgconf --kill gpg-agent >/dev/null 2>&1 || true' EXIT
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.05; done
base=http://127.0.0.1:$(cat "$work/port")/repos

# The root: a shell, os-release, apt sources, dpkg's database with 1.0.
root=$work/root
mkdir -p "$root/bin" "$root/etc/apt/sources.list.d" "$root/usr/share/keyrings" "$root/var/lib/dpkg/info" \
    "$root/var/lib/dpkg/updates" "$root/usr/lib" "$root/tmp"
cp /bin/dash "$root/bin/sh"
cp /bin/rm "$root/bin/rm"
for lib in $(ldd /bin/dash /bin/rm | awk '/\// && $1 !~ /:$/ {print ($2 == "=>") ? $3 : $1}' | sort -u); do
    mkdir -p "$root$(dirname "$lib")"
    cp "$(readlink -f "$lib")" "$root$lib"
done
printf 'PRETTY_NAME="Copa Test"\nID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n' >"$root/usr/lib/os-release"
ln -s ../usr/lib/os-release "$root/etc/os-release"
cp "$work/keys/rsa3072.gpg" "$root/usr/share/keyrings/copa-test.gpg"
printf 'Types: deb\nURIs: %s/svc\nSuites: stable\nComponents: main\nSigned-By: /usr/share/keyrings/copa-test.gpg\n' \
    "$base" >"$root/etc/apt/sources.list.d/test.sources"
echo amd64 >"$root/var/lib/dpkg/arch"
touch "$root/var/lib/dpkg/status"
dpkg --root="$root" --force-not-root -i "$work/copa-svc_1.0_amd64.deb" >"$work/dpkg1.log" 2>&1 ||
    { echo "dpkg cannot install 1.0 into the root: $(tail -3 "$work/dpkg1.log")"; exit 1; }
rm -f "$root/etc/copa-svc.configured" "$root/var/lib/copa-svc.preinst" "$root/var/lib/copa-svc.prerm"
echo obsolete >"$root/etc/copa-svc.obsolete"

# The reference: dpkg's own upgrade on a copy.
cp -a "$root" "$work/ref"
dpkg --root="$work/ref" -i "$work/copa-svc_1.1_amd64.deb" >"$work/dpkg2.log" 2>&1 ||
    { echo "dpkg cannot upgrade the reference: $(tail -3 "$work/dpkg2.log")"; exit 1; }

# The image.
img=$work/images/svc
umoci init --layout "$img" >/dev/null && umoci new --image "$img:base" >/dev/null &&
    umoci config --image "$img:base" --architecture amd64 --os linux >/dev/null &&
    umoci unpack --image "$img:base" "$work/bundle" >/dev/null &&
    cp -a "$root/." "$work/bundle/rootfs/" &&
    umoci repack --image "$img:base" "$work/bundle" >/dev/null ||
    { echo "cannot build the image"; exit 1; }
export XDG_CACHE_HOME=$work/cache

failures=0
fail() { echo "FAIL $1: $2"; failures=$((failures + 1)); }
ok() { echo "ok   $1"; }
unpacked() { # TAG -> $work/u-TAG/rootfs
    rm -rf "$work/u-$1"
    umoci unpack --image "$img:$1" "$work/u-$1" >/dev/null 2>&1
}
stanza() { awk '/^Package: copa-svc$/ {p=1} p && /^$/ {exit} p' "$1/var/lib/dpkg/status"; }

"$copa" patch -i "oci:$img:base" -t scripts --run-scripts --progress plain >"$work/rs.out" 2>"$work/rs.err"
rc=$?
if [ "$rc" -ne 0 ]; then
    fail run_scripts "exit $rc: $(tail -5 "$work/rs.err")"
elif ! unpacked scripts; then
    fail run_scripts "cannot unpack the patched image"
else
    u=$work/u-scripts/rootfs
    bad=""
    for f in etc/copa-svc.configured var/lib/copa-svc.preinst var/lib/copa-svc.prerm; do
        if ! cmp -s "$work/ref/$f" "$u/$f"; then
            bad="$bad $f (dpkg: '$(cat "$work/ref/$f" 2>/dev/null)', copa: '$(cat "$u/$f" 2>/dev/null)')"
        fi
    done
    [ -e "$u/etc/copa-svc.obsolete" ] && bad="$bad etc/copa-svc.obsolete (deleted by postinst, still there)"
    [ "$(stanza "$u")" = "$(stanza "$work/ref")" ] || bad="$bad status: $(stanza "$u" | tr '\n' '|')"
    if [ -n "$bad" ]; then fail run_scripts "differs from dpkg's route:$bad"
    elif ! grep -q 'ran in the sandbox: copa-svc: postinst' "$work/rs.err"; then
        fail run_scripts "the scripts that ran are not said: $(grep note "$work/rs.err")"
    else ok run_scripts; fi
fi

"$copa" patch -i "oci:$img:base" -t native --progress plain >"$work/n.out" 2>"$work/n.err"
rc=$?
if [ "$rc" -ne 0 ]; then fail native "exit $rc: $(tail -3 "$work/n.err")"
elif ! unpacked native; then fail native "cannot unpack"
elif [ -e "$work/u-native/rootfs/etc/copa-svc.configured" ]; then fail native "a script ran without --run-scripts"
elif ! grep -q 'copa-svc: postinst' "$work/n.out"; then fail native "the postinst is not listed as not run"
else ok native; fi

# A failing postinst fails the patch (nothing written); --ignore-errors notes it.
mkdir -p "$work/bad/DEBIAN"
cp -a "$work/svc-1.1/." "$work/bad/"
sed -i 's/^Version: 1.1$/Version: 1.2/' "$work/bad/DEBIAN/control"
printf '#!/bin/sh\necho "cannot configure" >&2\nexit 3\n' >"$work/bad/DEBIAN/postinst"
dpkg-deb --root-owner-group -Zxz --build "$work/bad" "$repo/pool/main/copa-svc_1.2_amd64.deb" >/dev/null
(
    cd "$repo" || exit 1
    apt-ftparchive --arch amd64 packages pool/main >dists/stable/main/binary-amd64/Packages
    apt-ftparchive -o APT::FTPArchive::Release::Suite=stable -o APT::FTPArchive::Release::Codename=stable \
        -o APT::FTPArchive::Release::Architectures=amd64 -o APT::FTPArchive::Release::Components=main \
        release dists/stable >dists/stable/Release.new && mv dists/stable/Release.new dists/stable/Release
    rm -f dists/stable/InRelease
    g -u "$(cat "$work/keys/rsa3072.fpr")!" --clearsign -o dists/stable/InRelease dists/stable/Release
)
"$copa" patch -i "oci:$img:base" -t failing --run-scripts --progress plain >"$work/f.out" 2>"$work/f.err"
rc=$?
if [ "$rc" -eq 0 ]; then fail failing_script "a failing postinst did not fail the patch"
elif ! grep -q 'postinst' "$work/f.err" || ! grep -q 'cannot configure' "$work/f.err"; then
    fail failing_script "the message does not name the script and its output: $(tail -2 "$work/f.err")"
elif grep -q '"failing"' <(jq -r '.manifests[].annotations["org.opencontainers.image.ref.name"]' "$img/index.json"); then
    fail failing_script "the tag was written"
else ok failing_script; fi
"$copa" patch -i "oci:$img:base" -t failing2 --run-scripts --ignore-errors --progress plain >"$work/f2.out" 2>"$work/f2.err"
rc=$?
# dpkg's route with the same failing package: the status it leaves behind.
cp -a "$root" "$work/ref-fail"
dpkg --root="$work/ref-fail" -i "$repo/pool/main/copa-svc_1.2_amd64.deb" >"$work/dpkg3.log" 2>&1 &&
    { echo "dpkg accepted a failing postinst"; exit 1; }
if [ "$rc" -ne 0 ]; then fail failing_ignored "exit $rc: $(tail -2 "$work/f2.err")"
elif ! grep -q 'half-configured, as dpkg would' "$work/f2.err"; then fail failing_ignored "no note: $(grep note "$work/f2.err")"
elif ! unpacked failing2; then fail failing_ignored "cannot unpack"
elif [ "$(stanza "$work/u-failing2/rootfs")" != "$(stanza "$work/ref-fail")" ]; then
    fail failing_ignored "status differs from dpkg's after the failed postinst: copa '$(stanza "$work/u-failing2/rootfs" | tr '\n' '|')' dpkg '$(stanza "$work/ref-fail" | tr '\n' '|')'"
elif ! cmp -s "$work/ref-fail/var/lib/copa-svc.preinst" "$work/u-failing2/rootfs/var/lib/copa-svc.preinst"; then
    fail failing_ignored "the preinst's effect (which ran before the failure) is not dpkg's"
else ok failing_ignored; fi

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "run-scripts: all checks passed"
