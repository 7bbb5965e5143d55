#!/usr/bin/env bash
# copa patch on the "rich" Debian 12 image (support/make_rich_image.sh:
# ca-certificates with its non-ASCII file names, openssl with an edited
# conffile, ping with a file capability, python3, locales, an app layer with
# a uid 1000 user) compared path by path with the same image upgraded by apt
# itself in a chroot (maintainer scripts run) to the same versions:
#
#   * copa's dry-run plan equals `apt-get -s --with-new-pkgs upgrade`;
#   * every path of both unpacked trees: type, mode, owner, content, link
#     target, hard links, xattrs (support/compare_image_trees.py). The dpkg
#     database and every package-owned path must be identical; any other
#     difference must be listed, with its reason, in
#     rich_expected_differences.txt (what copa does not do: run scripts).
#
# VARIANT: regular | distroless, or ascii-regular | ascii-distroless (the
# same image with the non-ASCII packages already current, so copa writes no
# such name), or scripts (the regular image patched with --run-scripts: the
# maintainer scripts run in copa's sandbox, so only the differences in
# rich_expected_differences_scripts.txt, logs and backups, may remain). The distroless reference is apt's tree put into the distroless
# form the same way the image was (support/distroless.py).
#
# Cached per day under ${COPA_TEST_CACHE:-$HOME/.cache/copa-tests}/rich-YYYYMMDD
# (older days are removed): the images, copa's download cache and apt's
# tree (redone when copa's plan moves, i.e. the archive changed). apt's
# lists and mmdebstrap's .debs are kept across days beside it.
# usage: test_rich_image.sh COPA WORKDIR VARIANT
set -uo pipefail
copa=$1 work=$2 variant=$3
here=$(cd "$(dirname "$0")" && pwd)
for tool in mmdebstrap umoci python3 chroot flock; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
done
[ "$(id -u)" = 0 ] || { echo "SKIP: the apt route runs in a chroot and needs root"; exit 77; }
copa_flags=() expected=$here/rich_expected_differences.txt
case $variant in
regular | distroless) prefix='' images=regular ;;
scripts)
    prefix='' images=regular copa_flags=(--run-scripts)
    expected=$here/rich_expected_differences_scripts.txt
    unshare -U -r true 2>/dev/null || { echo "SKIP: no user namespaces for the sandbox"; exit 77; }
    ;;
ascii-regular | ascii-distroless) prefix=ascii- images=ascii ;;
*) echo "unknown variant $variant"; exit 2 ;;
esac
kind=${variant#ascii-}
[ "$kind" = scripts ] && kind=regular
src_tag=${prefix}app regular_tag=${prefix}app
[ "$kind" = distroless ] && src_tag=${prefix}distroless
fail() { echo "FAIL $variant: $*"; exit 1; }
step() { echo "[${SECONDS}s] $*"; }

cache_root=${COPA_TEST_CACHE:-$HOME/.cache/copa-tests}
cache=$cache_root/rich-$(date -u +%Y%m%d)
mkdir -p "$cache" "$work" || fail "cannot create $cache or $work"
work=$(cd "$work" && pwd)
exec 9>"$cache_root/rich.lock"
flock 9 # one test at a time builds or refreshes the cache
for old in "$cache_root"/rich-*; do
    [ -d "$old" ] && [ "$old" != "$cache" ] && rm -rf "$old"
done
layout=$cache/image
# build WHAT: the image's tags (regular: base, app, distroless; ascii: ascii-*).
build() {
    [ -f "$cache/$1.done" ] && return 0
    [ "$1" = ascii ] && build regular
    step "building the $1 image tags (cached in $cache)"
    "$here/support/make_rich_image.sh" "$layout" "$1" "$cache_root/debs" >"$cache/$1.log" 2>&1
    local rc=$?
    [ $rc -eq 77 ] && { echo "SKIP: $(tail -1 "$cache/$1.log")"; exit 77; }
    [ $rc -eq 0 ] || { tail -20 "$cache/$1.log"; fail "cannot build the image (log: $cache/$1.log)"; }
    touch "$cache/$1.done"
}
build $images

# 1. copa's plan (update-all) and copa's image, unpacked.
"$copa" patch -i "oci:$layout:$src_tag" --dry-run --json --progress quiet --cache-dir "$cache/copa" \
    >"$work/plan.json" 2>"$work/plan.err" || fail "copa's dry run: $(cat "$work/plan.err")"
python3 -c '
import json, sys
for p in json.load(open(sys.argv[1]))["packages"]:
    print(p["name"], p["targetVersion"])' "$work/plan.json" | sort >"$work/plan.txt"
[ -s "$work/plan.txt" ] || { echo "SKIP: no pending updates for $src_tag today"; exit 77; }
step "copa's plan: $(tr '\n' ' ' <"$work/plan.txt")"
rm -rf "$work/out" "$work/copa"
"$copa" patch -i "oci:$layout:$src_tag" --oci-dir "$work/out" -t patched --progress quiet \
    --cache-dir "$cache/copa" "${copa_flags[@]}" >"$work/patch.out" 2>"$work/patch.err"
rc=$?
if [ $rc -ne 0 ]; then
    err=$(cat "$work/patch.err")
    if grep -q "to UTF-8" <<<"$err"; then
        # Which planned packages install names outside ASCII (their installed lists say).
        bundle=$work/names
        rm -rf "$bundle" && umoci unpack --image "$layout:$regular_tag" "$bundle" >/dev/null 2>&1
        nonascii=$(cut -d' ' -f1 "$work/plan.txt" | while read -r p; do
            LC_ALL=C grep -q -P '[^\x00-\x7f]' "$bundle"/rootfs/var/lib/dpkg/info/"$p"{,:*}.list 2>/dev/null && echo "$p"
        done | tr '\n' ' ' | sed 's/ $//')
        rm -rf "$bundle"
        fail "copa patch exit $rc: the layer writer cannot write file names outside ASCII (planned packages that have such names: ${nonascii:-none found}); copa said: $err"
    fi
    fail "copa patch exit $rc: $err"
fi
umoci unpack --image "$work/out:patched" "$work/copa" >/dev/null || fail "umoci cannot unpack copa's image"
step "copa's image unpacked"

# 2. apt's route on the regular image, kept while the plan stays the same.
ref=$cache/apt-$regular_tag
if ! cmp -s "$ref/plan.txt" "$work/plan.txt"; then
    step "upgrading $regular_tag with apt in a chroot"
    rm -rf "$ref"
    umoci unpack --image "$layout:$regular_tag" "$ref" >/dev/null || fail "umoci cannot unpack $regular_tag"
    r=$ref/rootfs
    # The route's own working files (resolv.conf, lists, .debs, apt's cache)
    # go afterwards: every path it added that no package owns. Lists are kept
    # for the next run; the .debs copa verified and cached are given to apt
    # (apt checks them against its own index).
    mkdir -p "$cache_root/apt-lists"
    (cd "$r" && find var/lib/apt var/cache/apt | sort) >"$ref/before.txt"
    cp -a "$r/etc/resolv.conf" "$ref/resolv.conf"
    cp /etc/resolv.conf "$r/etc/resolv.conf"
    cp -a "$cache_root/apt-lists/." "$r/var/lib/apt/lists/"
    python3 - "$work/plan.json" "$cache/copa/deb/sha256" "$r/var/cache/apt/archives" <<'PY'
import json, os, shutil, sys
plan, store, archives = sys.argv[1:]
for p in json.load(open(plan))["packages"]:
    src = os.path.join(store, p["sha256"])
    name = "%s_%s_%s.deb" % (p["name"], p["targetVersion"].replace(":", "%3a"), p["arch"])
    if os.path.exists(src):
        shutil.copyfile(src, os.path.join(archives, name))
PY
    chroot "$r" apt-get update -qq >"$ref/apt.log" 2>&1 || fail "apt-get update in the chroot: $(tail -3 "$ref/apt.log")"
    # apt-get update makes lists/partial (_apt, 0700); the image had none, and
    # the upgrade of apt must create it as apt's package ships it.
    grep -qx var/lib/apt/lists/partial "$ref/before.txt" || rm -rf "$r/var/lib/apt/lists/partial"
    chroot "$r" apt-get -s --with-new-pkgs upgrade 2>/dev/null | python3 -c '
import re, sys
for line in sys.stdin:
    m = re.match(r"^Inst (\S+) (?:\[(\S+)\] )?\((\S+)", line)
    if m:
        print(m.group(1).split(":")[0], m.group(3))' | sort >"$ref/apt-plan.txt"
    diff -u "$ref/apt-plan.txt" "$work/plan.txt" >"$work/plan.diff" ||
        fail "copa's plan differs from apt-get -s --with-new-pkgs upgrade (- apt, + copa): $(cat "$work/plan.diff")"
    DEBIAN_FRONTEND=noninteractive chroot "$r" apt-get -y -q --with-new-pkgs \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold upgrade >>"$ref/apt.log" 2>&1 ||
        fail "apt-get upgrade in the chroot: $(tail -5 "$ref/apt.log")"
    cp -a "$r/var/lib/apt/lists/." "$cache_root/apt-lists/"
    cp -a "$ref/resolv.conf" "$r/etc/resolv.conf"
    (cd "$r" && find var/lib/apt var/cache/apt | sort) |
        comm -23 - "$ref/before.txt" | comm -23 - <(cat "$r"/var/lib/dpkg/info/*.list | sed 's|^/||' | sort -u) |
        (cd "$r" && xargs -r -d '\n' rm -rf)
    cp "$work/plan.txt" "$ref/plan.txt"
fi
flock -u 9

# 3. The reference tree and the comparison.
cmp_ref=$ref/rootfs
if [ "$kind" = distroless ]; then
    rm -rf "$work/ref"
    cp -a "$ref/rootfs" "$work/ref"
    python3 "$here/support/distroless.py" reference "$work/ref" "$work/plan.json" "$cache/copa/deb/sha256" ||
        fail "cannot put apt's tree into the distroless form"
    cmp_ref=$work/ref
fi
step "comparing copa's tree with apt's"
python3 "$here/support/compare_image_trees.py" "$work/copa/rootfs" "$cmp_ref" \
    --owned "$ref/rootfs" --expected "$expected" \
    >"$work/compare.txt"
rc=$?
cat "$work/compare.txt"
[ $rc -eq 0 ] || fail "copa's tree differs from apt's beyond the expected differences (above; $work/compare.txt)"
step "PASS $variant: $(tail -1 "$work/compare.txt")"
