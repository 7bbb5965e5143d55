#!/bin/sh
# The effects copa produces instead of running maintainer scripts, checked
# against the real tools: the CA store against Debian's own
# update-ca-certificates and `openssl rehash` (run on a copy of the same
# tree in a private mount namespace, so that its links point into
# /usr/share/ca-certificates as in an image), a file capability kept
# across an upgrade, apt's Auto-Installed mark (apt-mark writes the
# reference) and dpkg's status-old. Usage: test_effects.sh TOOL SRCDIR
set -eu
TOOL=$1
HERE=$2
for t in dpkg dpkg-deb apt-ftparchive apt-mark python3 openssl unshare mount update-ca-certificates; do
    command -v $t >/dev/null 2>&1 || { echo "SKIP: $t not installed"; exit 77; }
done
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (mount namespace for update-ca-certificates)"; exit 77; }
[ -d /usr/share/ca-certificates ] && [ -d /usr/local/share/ca-certificates ] ||
    { echo "SKIP: the host has no ca-certificates directories to mount over"; exit 77; }
unshare -m --propagation private true 2>/dev/null || { echo "SKIP: unshare -m not permitted"; exit 77; }
W=$(mktemp -d /tmp/copa-effects-XXXXXX)
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

sh "$HERE/make_effect_debs.sh" "$W"

# Debian's update-ca-certificates on ROOT: the tree's certificate
# directories are mounted where the script looks, /etc paths given as options.
real_update() { # ROOT
    unshare -m --propagation private sh -ec '
        mount --bind "$1/usr/share/ca-certificates" /usr/share/ca-certificates
        mount --bind "$1/usr/local/share/ca-certificates" /usr/local/share/ca-certificates
        update-ca-certificates --certsconf "$1/etc/ca-certificates.conf" \
            --etccertsdir "$1/etc/ssl/certs" --hooksdir ""' sh "$1" >"$W/real-update.txt" 2>&1 ||
        { cat "$W/real-update.txt"; fail "update-ca-certificates on $1"; }
}
dpkg_in() { # ROOT ARGS...
    r=$1
    shift
    dpkg --root="$r" --force-not-root --force-script-chrootless --force-confdef --force-confold "$@"
}

# --- The image: v1 installed by dpkg, a configuration with a deselected
# root, local roots, an admin's own file and link, the CA store made by
# the real script, pinger with a capability, apt's marks.
R=$W/root
mkdir -p $R/etc $R/var/lib/dpkg/info $R/var/lib/dpkg/updates $R/var/lib/apt $R/usr/bin \
    $R/usr/local/share/ca-certificates/sub $R/opt
printf 'root:x:0:0:root:/root:/bin/sh\n' >$R/etc/passwd
printf 'root:x:0:\n' >$R/etc/group
touch $R/var/lib/dpkg/status
dpkg_in $R -i $W/v1/*.deb >/dev/null 2>&1 || fail "dpkg could not install v1"
cat >$R/etc/ca-certificates.conf <<'CONF'
# test roots
test/A.crt
!test/B.crt
test/Collide (C), one.crt
test/D.crt
test/E.crt
CONF
cp $W/certs/local.crt $R/usr/local/share/ca-certificates/local.crt
cp $W/certs/deep.crt $R/usr/local/share/ca-certificates/sub/deep.crt
cp $W/certs/extra.crt $R/etc/ssl/certs/admin-extra.pem
cp $W/certs/extra.crt $R/opt/custom.crt
ln -s /opt/custom.crt $R/etc/ssl/certs/custom.pem
real_update $R
[ -L "$R/etc/ssl/certs/E.pem" ] && [ -L "$R/etc/ssl/certs/Collide_=C=__one.pem" ] ||
    fail "the real script did not build the starting store: $(ls $R/etc/ssl/certs)"
printf 'Package: pinger\nArchitecture: amd64\nAuto-Installed: 1\n\n' >$R/var/lib/apt/extended_states
# The admin's /usr/local is group staff and setgid: the postinst gives
# /usr/local/share/ca-certificates the same mode and owner.
chmod 2775 $R/usr/local
chgrp 50 $R/usr/local
python3 "$HERE/tar_with_caps.py" $R $W/root.tar usr/bin/pinger usr/bin/capped

# --- Serve v2, build our layer.
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
"$TOOL" $R $W/root.tar $W/repo/Packages "http://127.0.0.1:$PORT" $W/cache $W/layer.tar $EPOCH \
    >$W/out.txt 2>&1 || { cat $W/out.txt; fail "debpatch_tool"; }
cat $W/out.txt
A=$W/ours
cp -a $R $A
python3 "$HERE/layer_apply.py" $W/layer.tar $A

# --- The reference: dpkg unpacks v2, the postinst's configuration (below,
# from its rules with debconf's defaults), then Debian's update-ca-certificates.
D=$W/bydpkg
cp -a $R $D
dpkg_in $D -i $W/repo/pool/ca-certificates_2.deb $W/repo/pool/newdep-ca_1.0.deb \
    $W/repo/pool/pinger_2.deb >/dev/null 2>&1 || fail "dpkg could not upgrade"
# Lines kept in order; E no longer exists and is not selected by debconf:
# deselected; F is new and trusted by default: appended.
cat >$D/etc/ca-certificates.conf <<'CONF'
# test roots
test/A.crt
!test/B.crt
test/Collide (C), one.crt
test/D.crt
!test/E.crt
test/F.crt
CONF
real_update $D

cmp $A/etc/ca-certificates.conf $D/etc/ca-certificates.conf ||
    { diff $A/etc/ca-certificates.conf $D/etc/ca-certificates.conf; fail "ca-certificates.conf"; }
cmp $A/etc/ca-certificates.conf.dpkg-old $R/etc/ca-certificates.conf || fail "conf .dpkg-old"
ok "ca-certificates.conf rewritten as the postinst does (E deselected, F added), old one in .dpkg-old"
[ "$(stat -c %a:%u:%g $A/usr/local/share/ca-certificates)" = "2775:0:50" ] ||
    fail "/usr/local/share/ca-certificates is $(stat -c %a:%u:%g $A/usr/local/share/ca-certificates)"
ok "/usr/local/share/ca-certificates takes /usr/local's mode and group, as the postinst does"
python3 "$HERE/compare_trees.py" $A/etc/ssl/certs $D/etc/ssl/certs ||
    fail "/etc/ssl/certs differs from update-ca-certificates'"
ok "/etc/ssl/certs equals update-ca-certificates' (links, hash links, bundle bytes)"
for c in A2 C D F local deep extra; do
    h=$(openssl x509 -hash -noout -in $W/certs/$c.crt)
    grep -q "$(sed -n 2p $W/certs/$c.crt)" $A/etc/ssl/certs/ca-certificates.crt ||
        [ $c = extra ] || fail "$c not in the bundle"
    ls $A/etc/ssl/certs | grep -q "^$h\.[0-9]$" || fail "no hash link $h.N for $c"
done
for n in 0 1 2; do
    [ -L $A/etc/ssl/certs/$(openssl x509 -hash -noout -in $W/certs/C.crt).$n ] || fail "collision $n"
done
! grep -q "$(sed -n 2p $W/certs/E.crt)" $A/etc/ssl/certs/ca-certificates.crt || fail "E still trusted"
[ ! -e $A/etc/ssl/certs/E.pem ] && [ ! -L $A/etc/ssl/certs/E.pem ] || fail "E.pem still there"
! grep -q "$(sed -n 2p $W/certs/B.crt)" $A/etc/ssl/certs/ca-certificates.crt || fail "B trusted"
ok "subject hashes match openssl x509 -hash; E removed, B stays deselected, collisions numbered"

# --- File capability kept across the upgrade.
python3 - $W/layer.tar <<'PY' || fail "pinger lost its capability"
import struct, sys, tarfile
with tarfile.open(sys.argv[1]) as t:
    m = t.getmember('usr/bin/pinger')
    v = m.pax_headers.get('SCHILY.xattr.security.capability')
    assert v is not None, m.pax_headers
    raw = v.encode('utf-8', 'surrogateescape')
    assert raw == struct.pack('<IIIII', 0x02000001, 1 << 13, 0, 0, 0), raw
    assert t.extractfile(m).read() == b'#!/bin/sh\necho pinger 2\n'
PY
grep -q "note: pinger: /usr/bin/pinger keeps the file capability cap_net_raw=ep" $W/out.txt ||
    fail "no note for the kept capability"
ok "the new /usr/bin/pinger carries the image's cap_net_raw=ep, and the notes say so"
python3 - $W/layer.tar <<'PY' || fail "capped does not carry its package's capability"
import struct, sys, tarfile
with tarfile.open(sys.argv[1]) as t:
    v = t.getmember('usr/bin/capped').pax_headers['SCHILY.xattr.security.capability']
    assert v.encode('utf-8', 'surrogateescape') == struct.pack('<IIIII', 0x02000001, 1 << 12, 0, 0, 0)
PY
! grep -q "note: capped:" $W/out.txt || fail "a kept-capability note for capped"
ok "a package's own capability (cap_net_admin) wins over the image's, without a note"

# --- apt's mark for the new dependency: apt-mark writes the reference.
S=$W/aptstate
mkdir -p $S/lists/partial $W/apt/etc/apt/apt.conf.d $W/apt/etc/apt/preferences.d $W/apt/cache
cp $R/var/lib/apt/extended_states $S/extended_states
apt-mark -o Dir=$W/apt -o Dir::State=$S -o Dir::State::status=$A/var/lib/dpkg/status \
    -o Dir::Cache=$W/apt/cache -o Debug::NoLocking=1 -o APT::Architecture=amd64 \
    auto newdep-ca >$W/apt-mark.txt 2>&1 || { cat $W/apt-mark.txt; fail "apt-mark"; }
cmp $A/var/lib/apt/extended_states $S/extended_states ||
    { diff $A/var/lib/apt/extended_states $S/extended_states; fail "extended_states differs from apt's"; }
grep -q "^Package: newdep-ca$" $A/var/lib/apt/extended_states || fail "no stanza for newdep-ca"
ok "extended_states marks newdep-ca Auto-Installed as apt-mark writes it, pinger's stanza kept"

cmp $A/var/lib/dpkg/status-old $R/var/lib/dpkg/status || fail "status-old is not the image's status"
ok "status-old holds the image's status"
echo "PASS"
