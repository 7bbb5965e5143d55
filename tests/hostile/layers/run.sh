#!/usr/bin/env bash
# Hostile image layers (issue 13): copa never unpacks layers on the host;
# their paths live in the merged view, where links resolve inside the image
# (an absolute link or one climbing past the root ends at the image's root,
# as in a container). These images try to make copa read the host's
# os-release or dpkg database anyway; every answer must come from the image
# or be a clear error, never from the host.
#
# usage: run.sh CASE COPA
set -uo pipefail
case_name=$1
copa=$2
here=$(cd "$(dirname "$0")" && pwd)
command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
python3 "$here/make_layers.py" L || exit 1
host_name=$(. /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-}")

die() { echo "FAIL: $*"; exit 1; }
# expect CODE MESSAGE CMD...: exit status CODE, MESSAGE on stderr, nothing
# of the host's os-release anywhere in the output.
expect() {
    local want=$1 message=$2 rc=0
    shift 2
    "$@" >out.txt 2>err.txt || rc=$?
    cat out.txt err.txt
    [ "$rc" = "$want" ] || die "exit $rc, expected $want: $*"
    grep -qF -- "$message" out.txt err.txt || die "no '$message' in the output: $*"
    if [ -n "$host_name" ] && grep -qF -- "$host_name" out.txt err.txt; then
        die "the host's os-release ($host_name) was read: $*"
    fi
    if grep -q "AddressSanitizer\|runtime error" err.txt; then die "sanitizer report: $*"; fi
    return 0
}

case $case_name in
abs_etc | climb_etc)
    # Inside the image /etc points at itself: a loop, not the host's /etc.
    expect 3 "'/etc/os-release': too many levels of symbolic links" "$copa" packages "oci:L:$case_name"
    ;;
abs_dpkg)
    # The host's /var/lib/dpkg holds hundreds of packages; the image's link loops.
    expect 3 "'/var/lib/dpkg/status': too many levels of symbolic links" \
        "$copa" packages "oci:L:abs_dpkg"
    ;;
hardlink_out)
    rc=0
    "$copa" packages "oci:L:hardlink_out" >out.txt 2>err.txt || rc=$?
    cat out.txt err.txt
    [ "$rc" != 0 ] || die "a hard link to a host path was followed (exit 0)"
    grep -q "^copa: ." err.txt || die "exit $rc without a message"
    [ -z "$host_name" ] || ! grep -qF -- "$host_name" out.txt err.txt || die "the host's os-release was read"
    ;;
device)
    expect 0 "base-files  12.4+deb12u8" "$copa" packages "oci:L:device"
    grep -qF "(copa hostile layers)" out.txt || die "the OS is not the image's"
    ;;
whiteouts)
    # Layer 2 whites out the Debian /etc and brings back an Alpine one.
    expect 9 "Alpine Linux v3.20" "$copa" packages "oci:L:whiteouts"
    expect 0 '"ID":	"alpine"' "$copa" inspect --json "oci:L:whiteouts"
    ;;
*)
    die "unknown case $case_name"
    ;;
esac
echo "ok $case_name"
