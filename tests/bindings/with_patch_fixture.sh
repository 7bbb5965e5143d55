#!/usr/bin/env bash
# Run a command with a small patchable image: a Debian-like root (os-release,
# dpkg status with hello-copa 1.0-1, apt sources naming the signed "good"
# repository of tests/integration/apt, served on loopback), packed with umoci
# as oci:$WORK/image:base. The command sees:
#   COPA_TEST_IMAGE  oci:DIR:base        the image to patch
#   COPA_TEST_LAYOUT DIR                 its OCI layout
#   COPA_TEST_REPORT FILE                a Trivy report: hello-copa 1.0-1 -> 1.1-1
#                                        (CVE-2099-0001), copa-data CVE-2099-0002 unfixed
#   XDG_CACHE_HOME   $WORK/cache
# Without the tools it needs the command runs with none of these set (its
# patch tests then skip). Same image as tests/integration/patch/run.sh.
#
# usage: with_patch_fixture.sh WORK CMD [ARG...]
set -uo pipefail
work=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
apt_dir=$here/../integration/apt
for tool in dpkg-deb apt-ftparchive gpg xz umoci; do
    if ! command -v "$tool" >/dev/null; then
        echo "note: $tool not installed: patch tests will skip" >&2
        exec "$@"
    fi
done
rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd)
"$apt_dir/make_repos.sh" "$work" >"$work/make.log" 2>&1 || { cat "$work/make.log"; exit 1; }
/usr/bin/python3 "$apt_dir/server.py" "$work/www" "$work/port" "$work/requests.log" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.05; done
base=http://127.0.0.1:$(cat "$work/port")/repos

stanza() { # NAME VERSION ARCH [DEPENDS]
    printf 'Package: %s\nStatus: install ok installed\nPriority: optional\nMaintainer: Copa Test <t@copa.test>\nArchitecture: %s\nVersion: %s\n' \
        "$1" "$3" "$2"
    [ -n "${4:-}" ] && printf 'Depends: %s\n' "$4"
    printf 'Description: copa test package %s\n\n' "$1"
}
r=$work/root
mkdir -p "$r/etc/apt/sources.list.d" "$r/usr/share/keyrings" "$r/var/lib/dpkg/info" \
    "$r/usr/lib" "$r/usr/share/doc/hello-copa"
printf 'PRETTY_NAME="Copa Test"\nID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n' \
    >"$r/usr/lib/os-release"
ln -s ../usr/lib/os-release "$r/etc/os-release"
cp "$work/keys/rsa3072.gpg" "$r/usr/share/keyrings/copa-test.gpg"
printf 'Types: deb\nURIs: %s/good\nSuites: stable\nComponents: main\nSigned-By: /usr/share/keyrings/copa-test.gpg\n' \
    "$base" >"$r/etc/apt/sources.list.d/test.sources"
{
    stanza copa-data 1.0 all
    stanza hello-copa 1.0-1 amd64 'copa-data (>= 1.0)'
} >"$r/var/lib/dpkg/status"
echo amd64 >"$r/var/lib/dpkg/arch"
echo "hello-copa 1.0-1" >"$r/usr/share/doc/hello-copa/README"
printf '/.\n/usr\n/usr/share\n/usr/share/doc\n/usr/share/doc/hello-copa\n/usr/share/doc/hello-copa/README\n' \
    >"$r/var/lib/dpkg/info/hello-copa.list"
img=$work/image
{
    umoci init --layout "$img" &&
        umoci new --image "$img:base" &&
        umoci config --image "$img:base" --architecture amd64 --os linux &&
        umoci unpack --rootless --image "$img:base" "$work/bundle" &&
        cp -a "$r/." "$work/bundle/rootfs/" &&
        umoci repack --image "$img:base" "$work/bundle"
} >/dev/null || { echo "cannot build the test image" >&2; exit 1; }

cat >"$work/report.json" <<JSON
{"SchemaVersion": 2, "ArtifactName": "copa-test", "ArtifactType": "container_image",
 "Metadata": {"OS": {"Family": "debian", "Name": "12"}},
 "Results": [{"Target": "copa-test (debian 12)", "Class": "os-pkgs", "Type": "debian",
   "Vulnerabilities": [
     {"VulnerabilityID": "CVE-2099-0001", "PkgName": "hello-copa", "InstalledVersion": "1.0-1",
      "FixedVersion": "1.1-1", "Status": "fixed", "Severity": "HIGH"},
     {"VulnerabilityID": "CVE-2099-0002", "PkgName": "copa-data", "InstalledVersion": "1.0",
      "Status": "affected", "Severity": "LOW"}]}]}
JSON
export COPA_TEST_IMAGE=oci:$img:base COPA_TEST_LAYOUT=$img COPA_TEST_REPORT=$work/report.json
export XDG_CACHE_HOME=$work/cache
"$@"
