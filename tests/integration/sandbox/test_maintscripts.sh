#!/bin/sh
# Maintainer scripts in dpkg's order (lib/scriptrun/maintscripts.c), in the
# sandbox: arguments and DPKG_MAINTSCRIPT_* as dpkg passes them, the
# installed version's prerm/postrm placed only while they run, triggers
# through the image's dpkg, a failing script named with its exit status and
# last output lines, and an image without a shell refused.
set -eu
TOOL=$1
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

TREE=$WORK/tree
INFO=$TREE/var/lib/dpkg/info
mkdir -p "$TREE/bin" "$TREE/usr/bin" "$TREE/usr/sbin" "$TREE/var/log" "$INFO"
for p in /bin/dash /bin/rm; do
    for lib in $(ldd "$p" | grep -o '/[^ ]*'); do
        mkdir -p "$TREE$(dirname "$lib")"
        cp -L "$lib" "$TREE$lib"
    done
done
cp /bin/dash "$TREE/bin/sh"

script() { # FILE
    printf '#!/bin/sh\necho "$DPKG_MAINTSCRIPT_NAME $DPKG_MAINTSCRIPT_PACKAGE $DPKG_MAINTSCRIPT_ARCH [$*]" >>/var/log/order\n' >"$1"
    chmod 755 "$1"
}
for s in preinst postinst; do script "$INFO/a.$s"; script "$INFO/b.$s"; done
script "$WORK/a.prerm.old"
script "$WORK/a.postrm.old"
script "$TREE/usr/bin/dpkg" # the image's dpkg, for the trigger run

"$TOOL" maint "$TREE" "a,amd64,1.0,2.0,$WORK/a.prerm.old,$WORK/a.postrm.old" "b,all,-,3.0" \
    >"$WORK/log" || { cat "$WORK/log"; fail "the scripts did not run"; }
cat "$WORK/log"
# dpkg's own arguments (checked against dpkg in tests/integration/patch/run_scripts.sh).
cat >"$WORK/want" <<'W'
prerm a amd64 [upgrade 2.0]
preinst a amd64 [upgrade 1.0 2.0]
postrm a amd64 [upgrade 2.0]
preinst b all [install]
postinst a amd64 [configure 1.0]
postinst b all [configure ]
triggers dpkg all [--triggers-only --pending]
W
diff -u "$WORK/want" "$TREE/var/log/order" || fail "not dpkg's order or arguments"
[ ! -e "$TREE/var/lib/dpkg/tmp.copa-old" ] || fail "the old scripts were left in the tree"
for p in proc dev tmp usr/sbin/policy-rc.d; do [ ! -e "$TREE/$p" ] || fail "$p left behind"; done

# A failing postinst: named with its arguments, exit status and last lines.
printf '#!/bin/sh\necho "setting up b"\necho "b: cannot frobnicate" >&2\nexit 3\n' >"$INFO/b.postinst"
if "$TOOL" maint "$TREE" "b,all,-,3.0" >"$WORK/log"; then fail "a failing postinst passed"; fi
cat "$WORK/log"
grep -q '^error COPA_EEXTERNAL: maintainer script b: postinst (configure "") failed: exit status 3; last output:$' "$WORK/log" ||
    fail "the failure does not name the script and its status"
grep -q '^b: cannot frobnicate$' "$WORK/log" || fail "the script's last lines are missing"

# No shell in the image (distroless): a clear refusal, nothing run.
rm "$TREE/bin/sh"
if "$TOOL" maint "$TREE" "b,all,-,3.0" >"$WORK/log"; then fail "ran without a shell"; fi
grep -q 'COPA_EUNSUPPORTED: the image has no /bin/sh' "$WORK/log" || fail "unclear: $(cat "$WORK/log")"
echo PASS
