#!/bin/sh
# Build the test packages of lib/rpm in $1 (created): rpmbuild in a scratch
# HOME (%_topdir and %_dbpath inside it, nothing outside is touched), signed
# with rpmsign by throwaway keys in a scratch GNUPGHOME.
#   $1/pkgs/full-{gz,xz,zst}.rpm   the feature package, unsigned, per compressor
#   $1/pkgs/plain.rpm              noarch, no epoch, no scriptlets
#   $1/pkgs/{rsa,ed}.rpm           full-xz signed with the RSA / EdDSA key
#   $1/pkgs/rsa-v3.rpm             also with the header + payload signature (--rpmv3)
#   $1/keys/{rsa,ed,other}.asc     the public keys
# COPA_RPM_NO_KEYS=1: stop before making keys and signing (faster).
# Exit 77 when a tool is missing.
set -eu
W=$1
for t in rpmbuild rpmsign gpg; do
    command -v $t >/dev/null 2>&1 || { echo "SKIP: $t not installed"; exit 77; }
done
rm -rf "$W"
mkdir -p "$W/home" "$W/gnupg" "$W/top/SPECS" "$W/pkgs" "$W/keys"
chmod 700 "$W/gnupg"
export HOME="$W/home" GNUPGHOME="$W/gnupg" LC_ALL=C
cat > "$HOME/.rpmmacros" <<MACROS
%_topdir $W/top
%_dbpath $W/rpmdb
%debug_package %{nil}
%__gpg /usr/bin/gpg
MACROS

cat > "$W/top/SPECS/full.spec" <<'SPEC'
Name: copa-full
Epoch: 2
Version: 1.2.3
Release: 4.test
Summary: every file kind the engine meets
License: MIT
Provides: copa-virtual = 7
Provides: libcopa-test.so.1()(64bit)
Requires: coreutils >= 8.0
Requires(post): /bin/sh
Conflicts: copa-old < 1.0
Obsoletes: copa-ancient <= 0.9
Recommends: copa-extra
Suggests: copa-docs
Supplements: copa-base
Enhances: copa-tool > 3
%description
Test package.
%install
mkdir -p %{buildroot}/usr/bin %{buildroot}/etc/copa %{buildroot}/usr/share/copa/empty %{buildroot}/var/log
printf 'binary\n' > %{buildroot}/usr/bin/copa-tool
printf 'setuid\n' > %{buildroot}/usr/bin/copa-suid
printf 'caps\n' > %{buildroot}/usr/bin/copa-ping
ln -s copa-tool %{buildroot}/usr/bin/copa-link
printf 'shared content\n' > %{buildroot}/usr/share/copa/one
ln %{buildroot}/usr/share/copa/one %{buildroot}/usr/share/copa/two
printf 'key=value\n' > %{buildroot}/etc/copa/copa.conf
printf 'plain config\n' > %{buildroot}/etc/copa/plain.conf
touch %{buildroot}/var/log/copa.log
seq 1 60000 > %{buildroot}/usr/share/copa/big
%pre
echo pre
%post
echo post
%posttrans
echo posttrans
%triggerin -- bash
echo trigger
%filetriggerin -- /usr/lib
echo filetrigger
%transfiletriggerin -- /usr/lib64
echo transfiletrigger
%files
%attr(0755,root,root) /usr/bin/copa-tool
%attr(4755,root,root) /usr/bin/copa-suid
%caps(cap_net_raw=ep) /usr/bin/copa-ping
/usr/bin/copa-link
%dir /usr/share/copa
%dir /usr/share/copa/empty
/usr/share/copa/one
/usr/share/copa/two
/usr/share/copa/big
%dir /etc/copa
%config(noreplace) /etc/copa/copa.conf
%config /etc/copa/plain.conf
%ghost /var/log/copa.log
SPEC

cat > "$W/top/SPECS/plain.spec" <<'SPEC'
Name: copa-plain
Version: 0.1
Release: 1
Summary: noarch, no epoch
License: MIT
BuildArch: noarch
%description
Test package.
%install
mkdir -p %{buildroot}/usr/share/copa-plain
printf 'data\n' > %{buildroot}/usr/share/copa-plain/data
%files
/usr/share/copa-plain
SPEC

build() { # spec payload-macro output
    rm -rf "$W/top/RPMS"
    rpmbuild --quiet -bb --define "_binary_payload $2" "$W/top/SPECS/$1.spec" >"$W/rpmbuild.log" 2>&1 ||
        { cat "$W/rpmbuild.log"; exit 1; }
    cp "$W"/top/RPMS/*/*.rpm "$W/pkgs/$3"
}
build full w9.gzdio full-gz.rpm
build full w2.xzdio full-xz.rpm
build full w19.zstdio full-zst.rpm
build plain w9.gzdio plain.rpm

[ -z "${COPA_RPM_NO_KEYS:-}" ] || exit 0 # unsigned packages are enough
key() { # uid algo
    gpg --batch --quiet --passphrase '' --quick-gen-key "$1" "$2" sign 1d 2>/dev/null
    gpg --batch --armor --export "$1" > "$W/keys/$3.asc"
}
key 'RSA Test <rsa@example.test>' rsa3072 rsa
key 'Ed Test <ed@example.test>' ed25519 ed
key 'Other Test <other@example.test>' rsa3072 other
sign() { # key-uid output [rpmsign options]
    cp "$W/pkgs/full-xz.rpm" "$W/pkgs/$2"
    k=$1 o=$2
    shift 2
    rpmsign --define "_gpg_name $k" --addsign "$@" "$W/pkgs/$o" >"$W/rpmsign.log" 2>&1 ||
        { cat "$W/rpmsign.log"; exit 1; }
}
sign rsa@example.test rsa.rpm
sign ed@example.test ed.rpm
sign rsa@example.test rsa-v3.rpm --rpmv3
# The signing agent is not needed any more (nothing may outlive the test).
gpgconf --kill gpg-agent >/dev/null 2>&1 || true
