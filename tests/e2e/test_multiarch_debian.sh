#!/usr/bin/env bash
# copa patch on a real two-platform Debian 12 index (amd64 + arm64, built by
# support/make_multiarch_image.sh from the base suite, so updates are
# pending on both): every platform patched natively in one run, no QEMU in
# copa. Each patched platform is then checked in a chroot of its unpacked
# root, the arm64 one through binfmt (QEMU only checks the test image):
# `dpkg --audit` clean, `apt-get check` clean, `dpkg --verify` of every
# upgraded package clean, an upgraded program runs, and the ld.so.cache
# copa made natively is the one the image's own ldconfig makes.
#
# The arm64 root takes ~13 minutes to build under QEMU on a 2-core machine,
# too long for every CI run: without today's cached image this test skips
# unless COPA_E2E_MULTIARCH=1 asks for the build.
#
# usage: test_multiarch_debian.sh COPA WORKDIR
set -uo pipefail
copa=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)
cache_root=${COPA_TEST_CACHE:-$HOME/.cache/copa-tests}
if [ ! -f "$cache_root/multiarch-$(date -u +%Y%m%d)/done" ] && [ "${COPA_E2E_MULTIARCH:-}" != 1 ]; then
    echo "SKIP: no two-platform Debian image cached today (building it takes ~13 min under QEMU; set COPA_E2E_MULTIARCH=1)"
    exit 77
fi
[ "$(id -u)" -eq 0 ] || { echo "SKIP: the chroot checks need root"; exit 77; }
for tool in umoci skopeo jq chroot; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
done
layout=$("$here/support/make_multiarch_image.sh") || exit $?
rm -rf "$work"
mkdir -p "$work"
failures=0
fail() { echo "FAIL $1: $2"; failures=$((failures + 1)); }
ok() { echo "ok   $1"; }

start=$(date +%s.%N)
if ! "$copa" patch -i "oci:$layout:attested" --oci-dir "$work/out" -t patched --progress plain \
    --cache-dir "$work/cache" >"$work/patch.out" 2>"$work/patch.err"; then
    echo "FAIL: copa patch exit $?: $(tail -5 "$work/patch.err")"
    exit 1
fi
echo "two platforms patched in $(echo "$(date +%s.%N) - $start" | bc) s"
if grep -Eq '^  linux/amd64 +patched' "$work/patch.out" && grep -Eq '^  linux/arm64 +patched' "$work/patch.out"; then
    ok both_patched
else
    fail both_patched "$(cat "$work/patch.out")"
fi
if grep -q 'unknown/unknown' <<<"$(skopeo inspect --raw "oci:$work/out:patched" | jq -r '.manifests[].platform | "\(.os)/\(.architecture)"')"; then
    fail attestation "the attestation of the patched amd64 image was kept"
else
    ok attestation
fi

# check ARCH: unpack that platform and check it in a chroot.
check() {
    local arch=$1 root=$work/$1/rootfs upgraded
    skopeo copy -q --override-arch "$arch" "oci:$work/out:patched" "oci:$work/$arch-layout:x" &&
        umoci unpack --image "$work/$arch-layout:x" "$work/$arch" >/dev/null ||
        { fail "$arch" "cannot unpack the patched image"; return; }
    mount -t proc proc "$root/proc" 2>/dev/null
    if ! chroot "$root" dpkg --audit >"$work/$arch.audit" 2>&1 || [ -s "$work/$arch.audit" ]; then
        fail "$arch" "dpkg --audit: $(head -5 "$work/$arch.audit")"
    elif ! chroot "$root" apt-get check -q >"$work/$arch.check" 2>&1; then
        fail "$arch" "apt-get check: $(tail -3 "$work/$arch.check")"
    else
        upgraded=$(jq -r '.config.Labels["sh.copa.image.patched.packages"]' \
            <(skopeo inspect --config "oci:$work/$arch-layout:x") | tr ' ' '\n' | cut -d= -f1)
        if ! chroot "$root" dpkg --verify $upgraded >"$work/$arch.verify" 2>&1; then
            fail "$arch" "dpkg --verify: $(head -5 "$work/$arch.verify")"
        elif ! chroot "$root" perl -e 'print "ok\n"' >/dev/null 2>&1 &&
            ! chroot "$root" ls / >/dev/null 2>&1; then
            fail "$arch" "an upgraded program does not run"
        elif ! cp "$root/etc/ld.so.cache" "$work/$arch.copa-cache" || ! chroot "$root" ldconfig ||
            ! cmp -s "$work/$arch.copa-cache" "$root/etc/ld.so.cache"; then
            fail "$arch" "copa's ld.so.cache is not what the image's ldconfig writes"
        else
            ok "$arch ($(wc -w <<<"$upgraded") packages upgraded, checked in a chroot)"
        fi
    fi
    umount "$root/proc" 2>/dev/null
}
check amd64
check arm64
[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "multiarch debian: all checks passed"
