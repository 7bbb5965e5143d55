#!/usr/bin/env bash
# Hostile Alpine indexes and packages read by lib/apk through the test
# driver of this build (copa_apk_inspect; the library has no CLI use of
# them yet). Each case must be refused with the named code and reason,
# quickly. usage: run.sh CASE APK_INSPECT
set -euo pipefail
case_name=$1 inspect=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$here/make_hostile.py" "$case_name" "$work"

# expect CODE PATTERN ARGS...: refused with CODE, message matching PATTERN, within 30 s.
# (No address-space limit: the sanitizer build reserves terabytes of it.)
expect() {
    local code=$1 pattern=$2 out rc=0
    shift 2
    out=$(timeout 30 "$inspect" "$@" 2>"$work/stderr") || rc=$?
    if [ "$rc" != 1 ] || ! grep -q "^error: $code: .*$pattern" <<<"$out"; then
        echo "FAIL: $case_name: expected $code /$pattern/, got exit $rc: ${out:0:300}" >&2
        head -c 3000 "$work/stderr" >&2
        exit 1
    fi
    echo "ok: $case_name: ${out:0:200}"
}
index() { expect "$1" "$2" index "$work/in" "$work/keys" "${@:3}"; }
package() { expect "$1" "$2" package "$work/in" --no-identity; }

case $case_name in
index_signature_bomb) index COPA_EINVALID "decompressed member is larger than" ;;
index_member_huge) index COPA_EINVALID "member 'APKINDEX' is larger than" --allow-unsigned ;;
index_zero_bomb) index COPA_EINVALID "no APKINDEX member" --allow-unsigned ;;
index_key_name_path) index COPA_EVERIFY "no usable signature" ;;
index_only_signature) index COPA_EINVALID "a signature but no index after it" ;;
index_garbage) index COPA_EINVALID "damaged gzip member\|truncated gzip member" ;;
index_empty) index COPA_EINVALID "missing gzip member" ;;
index_long_line) index COPA_EINVALID "line 2: line too long" --allow-unsigned ;;
pkg_control_bomb) package COPA_EINVALID "decompressed member is larger than" ;;
pkg_many_members) package COPA_EINVALID "more than 4096 members" ;;
pkg_truncated) package COPA_EVERIFY "data SHA-256 .* is not the .PKGINFO datahash" ;;
pkg_dotdot) package COPA_EINVALID "path 'usr/../../../etc/passwd' is absolute or contains '..'" ;;
pkg_absolute) package COPA_EINVALID "path '/etc/passwd' is absolute" ;;
pkg_symlink_parent) package COPA_EINVALID "'etc/passwd' lies under the package's symlink 'etc'" ;;
pkg_hardlink_out) package COPA_EINVALID "hardlink target '../../../etc/shadow'" ;;
pkg_pax_huge) package COPA_EINVALID "extended header too large\\|Special header too large" ;;
pkg_pax_checksum_bad) package COPA_EINVALID "bad PAX extended header" ;;
pkg_symlink_with_body) package COPA_EINVALID "out of step\|'../../etc/evil'" ;;
*) echo "unknown case $case_name" >&2; exit 2 ;;
esac
