#!/bin/sh
# The patch layer checked by the real dpkg. Usage: test_debpatch.sh TOOL SRCDIR
set -eu
TOOL=$1
HERE=$2
for t in dpkg dpkg-deb dpkg-divert dpkg-statoverride dpkg-query apt-ftparchive python3 md5sum; do
    command -v $t >/dev/null 2>&1 || { echo "SKIP: $t not installed"; exit 77; }
done
W=$(mktemp -d /tmp/copa-debpatch-XXXXXX)
SERVER_PID=
cleanup() {
    [ -z "$SERVER_PID" ] || kill "$SERVER_PID" 2>/dev/null || true
    [ -n "${COPA_KEEP:-}" ] && echo "kept $W" || rm -rf "$W"
}
trap cleanup EXIT
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
ok() { echo "ok: $*"; }
EPOCH=1700000000

sh "$HERE/make_debs.sh" "$W"

# --- The image: v1 installed by dpkg, an admin edit, a diversion, a stat
# override, then the merged-/usr layout.
R=$W/root
mkdir -p $R/etc $R/var/lib/dpkg/info $R/var/lib/dpkg/updates $R/usr/bin $R/usr/sbin $R/usr/lib
printf 'root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n' >$R/etc/passwd
printf 'root:x:0:\ndaemon:x:1:\n' >$R/etc/group
touch $R/var/lib/dpkg/status
dpkg_in() { # ROOT ARGS...
    r=$1
    shift
    dpkg --root="$r" --force-not-root --force-script-chrootless --force-confdef --force-confold "$@"
}
dpkg --root=$R --add-architecture i386
dpkg_in $R -i $W/v1/*.deb >/dev/null 2>&1 || fail "dpkg could not install v1"
echo "admin edit" >>$R/etc/cfgpkg/main.conf
dpkg-divert --root=$R --local --rename --divert /usr/share/daemonpkg/readme.orig \
    --add /usr/share/daemonpkg/readme >/dev/null
dpkg-statoverride --root=$R --add daemon daemon 0750 /usr/lib/daemonpkg/helper
for d in bin sbin lib; do
    if [ -d $R/$d ] && [ ! -L $R/$d ]; then
        cp -a $R/$d/. $R/usr/$d/
        rm -rf $R/$d
    fi
    ln -s usr/$d $R/$d
done
[ -f $R/usr/lib/cfgpkg/plugin.so ] || fail "merged-/usr layout"

# --- Serve the v2 repository, build our layer, twice (determinism).
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 "$PORT" --directory $W/repo >/dev/null 2>&1 &
SERVER_PID=$!
python3 - "$PORT" <<'PY'
import sys, time, urllib.request
for _ in range(100):
    try:
        urllib.request.urlopen("http://127.0.0.1:%s/Packages" % sys.argv[1]); break
    except Exception: time.sleep(0.1)
PY
tar -C $R --numeric-owner -cf $W/root.tar .
run_tool() { # ROOT ROOT_TAR CACHE OUT LOG
    "$TOOL" "$1" "$2" $W/repo/Packages "http://127.0.0.1:$PORT" "$3" "$4" $EPOCH >"$5" 2>&1 ||
        { cat "$5"; fail "debpatch_tool on $1"; }
}
run_tool $R $W/root.tar $W/cache $W/layer.tar $W/out1.txt
cat $W/out1.txt
run_tool $R $W/root.tar $W/cache2 $W/layer2.tar $W/out2.txt
cmp -s $W/layer.tar $W/layer2.tar || fail "two builds differ"
ok "same inputs, same layer ($(grep diff_id $W/out1.txt))"
# A corrupt cached package is discarded and fetched again.
f=$(ls $W/cache/deb/sha256 | head -1)
echo garbage >$W/cache/deb/sha256/$f
run_tool $R $W/root.tar $W/cache $W/layer3.tar $W/out3.txt
cmp -s $W/layer.tar $W/layer3.tar || fail "build after cache corruption differs"
ok "corrupt cache entry replaced"
for s in "cfgpkg: postinst (configure)" "newdep: postinst (configure)" "libma:amd64: triggers"; do
    grep -qF "skipped: $s" $W/out1.txt || fail "skipped scripts miss '$s'"
done
ok "skipped scripts listed"

# --- Apply our layer on a copy; upgrade another copy with dpkg itself.
A=$W/ours
D2=$W/bydpkg
cp -a $R $A
cp -a $R $D2
python3 "$HERE/layer_apply.py" $W/layer.tar $A
dpkg_in $D2 -i $W/repo/pool/*.deb >/dev/null 2>&1 || fail "dpkg could not upgrade"

# --- dpkg's own checks on our result.
out=$(dpkg --root=$A --audit 2>&1) || fail "dpkg --audit: $out"
[ -z "$out" ] || fail "dpkg --audit: $out"
ok "dpkg --audit is clean"
for p in cfgpkg newdep breaker libma:amd64 libma:i386 daemonpkg; do
    ours=$(dpkg --root=$A --verify $p 2>&1 || true)
    theirs=$(dpkg --root=$D2 --verify $p 2>&1 || true)
    [ "$ours" = "$theirs" ] || fail "dpkg --verify $p: ours '$ours', dpkg's '$theirs'"
    [ $p = cfgpkg ] || [ -z "$ours" ] || fail "dpkg --verify $p: $ours"
done
ok "dpkg --verify agrees (only the admin-modified conffile is reported)"
for p in cfgpkg newdep breaker libma:amd64 libma:i386 daemonpkg; do
    dpkg --root=$A -L $p | python3 -c '
import os, sys
root, lines = sys.argv[1], sys.stdin.read().splitlines()
for i, l in enumerate(lines):
    if not l.startswith("/"):
        continue
    if i + 1 < len(lines) and "diverted" in lines[i + 1]:
        continue  # the file lives at its divert-to path
    if not os.path.lexists(root + l):
        sys.exit("listed but missing: " + l)
' $A || fail "dpkg -L $p"
done
for gone in usr/share/cfgpkg/old.txt usr/share/cfgpkg/olddir; do
    [ ! -e $A/$gone ] || fail "$gone was not removed"
done
ok "dpkg -L lists exactly the files present; dropped files are gone"
dpkg-query --admindir=$A/var/lib/dpkg -W >$W/q-ours
dpkg-query --admindir=$D2/var/lib/dpkg -W >$W/q-dpkg
cmp -s $W/q-ours $W/q-dpkg || { diff $W/q-ours $W/q-dpkg; fail "dpkg-query -W differs"; }
grep -q "^cfgpkg	2.0-1$" $W/q-ours && grep -q "^libma:i386	2.0-1$" $W/q-ours &&
    grep -q "^newdep	1.0-1$" $W/q-ours || fail "new versions not installed: $(cat $W/q-ours)"
ok "dpkg-query shows the new versions"
cmp -s $A/var/lib/dpkg/status $D2/var/lib/dpkg/status ||
    { diff $A/var/lib/dpkg/status $D2/var/lib/dpkg/status; fail "status files differ"; }
ok "status file byte-identical to dpkg's"
if command -v apt-get >/dev/null 2>&1; then
    mkdir -p $W/apt/etc/apt/apt.conf.d $W/apt/etc/apt/preferences.d $W/apt/lists/partial \
        $W/apt/cache/archives/partial
    apt-get -o Dir=$W/apt -o Dir::State::status=$A/var/lib/dpkg/status \
        -o Dir::State::Lists=$W/apt/lists -o Dir::Cache=$W/apt/cache -o Debug::NoLocking=1 \
        -o APT::Architecture=amd64 -o APT::Architectures::=amd64 -o APT::Architectures::=i386 \
        check >$W/apt.txt 2>&1 || { cat $W/apt.txt; fail "apt-get check"; }
    ok "apt-get check"
fi

# --- Our tree against dpkg's: only what maintainer scripts or dpkg's
# bookkeeping touch may differ.
python3 "$HERE/compare_trees.py" $A $D2 --ignore var/lib/dpkg/status-old \
    --ignore var/lib/dpkg/lock --ignore var/lib/dpkg/lock-frontend \
    --ignore var/lib/dpkg/triggers --ignore var/lib/dpkg/updates \
    --ignore var/lib/dpkg/diversions-old --ignore var/lib/dpkg/statoverride-old ||
    fail "our tree differs from dpkg's"
ok "files, modes, owners, links and info/ equal dpkg's"
[ "$(cat $A/etc/cfgpkg/main.conf.dpkg-dist)" = "main v2" ] &&
    grep -q "admin edit" $A/etc/cfgpkg/main.conf && [ "$(cat $A/etc/cfgpkg/other.conf)" = "other v2" ] ||
    fail "conffiles"
[ "$(stat -c %u:%g:%a $A/usr/lib/daemonpkg/helper)" = "1:1:750" ] || fail "statoverride"
[ "$(stat -c %u:%g $A/var/lib/daemonpkg/state)" = "1:1" ] || fail "owner by name"
[ -L $A/lib ] && [ -f $A/usr/share/daemonpkg/readme.orig ] || fail "symlinks/diversion"
[ "$(stat -c %i $A/usr/share/daemonpkg/data)" = "$(stat -c %i $A/usr/share/daemonpkg/data.hard)" ] ||
    fail "hardlink"
ok "conffiles, owners, statoverride, diversion, hardlink, /lib symlink"

# --- Distroless: no dpkg, no shell, status.d stanzas + md5sums.
D=$W/distroless
mkdir -p $D/etc $D/var/lib/dpkg/status.d $D/usr/bin $D/usr/lib $D/usr/sbin
cp $R/etc/passwd $R/etc/group $D/etc/
for deb in cfgpkg_1 daemonpkg_1 libma_1_amd64; do
    dpkg-deb -x $W/v1/$deb.deb $D
    name=$(dpkg-deb -f $W/v1/$deb.deb Package)
    dpkg-deb -f $W/v1/$deb.deb >$D/var/lib/dpkg/status.d/$name
    (cd $D && dpkg-deb --fsys-tarfile $W/v1/$deb.deb | tar -t | grep -v '/$' |
        sed 's|^\./||' | while read -r f; do [ -f "$f" ] && [ ! -L "$f" ] && md5sum "$f"; done) \
        >$D/var/lib/dpkg/status.d/$name.md5sums || true
done
for d in bin sbin lib; do
    if [ -d $D/$d ] && [ ! -L $D/$d ]; then
        cp -a $D/$d/. $D/usr/$d/
        rm -rf $D/$d
    fi
    ln -s usr/$d $D/$d
done
tar -C $D --numeric-owner -cf $W/distroless.tar .
run_tool $D $W/distroless.tar $W/cache $W/dlayer.tar $W/dout.txt
cat $W/dout.txt
python3 "$HERE/layer_apply.py" $W/dlayer.tar $D
[ -f $D/var/lib/dpkg/status.d/newdep ] && [ -f $D/var/lib/dpkg/status.d/newdep.md5sums ] &&
    [ ! -e $D/var/lib/dpkg/status ] && [ ! -e $D/var/lib/dpkg/info ] || fail "distroless database layout"
mkdir -p $W/dl-admin/info $W/dl-admin/updates
for f in $D/var/lib/dpkg/status.d/*; do
    case $f in *.md5sums) continue ;; esac
    grep -q '^Status:' $f || echo "Status: install ok installed"
    cat $f
    echo
done >$W/dl-admin/status
dpkg-query --admindir=$W/dl-admin -W >$W/dq || fail "dpkg-query cannot parse status.d"
printf 'cfgpkg\t2.0-1\ndaemonpkg\t2.0-1\nlibma:amd64\t2.0-1\nnewdep\t1.0-1\n' >$W/dq-want
cmp -s $W/dq $W/dq-want || { diff $W/dq $W/dq-want; fail "distroless versions"; }
for f in $D/var/lib/dpkg/status.d/*.md5sums; do
    (cd $D && md5sum --quiet -c $f) || fail "md5sums $f do not match the files"
done
[ ! -e $D/usr/share/cfgpkg/old.txt ] || fail "distroless dropped file"
[ "$(cat $D/etc/cfgpkg/main.conf)" = "main v2" ] || fail "distroless conffile not updated"
! grep -q '^Status:' $D/var/lib/dpkg/status.d/newdep || fail "new status.d stanza has Status"
ok "distroless: status.d parsed by dpkg-query, md5sums match, dropped file gone"
echo "PASS"
