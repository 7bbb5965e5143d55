#!/usr/bin/env bash
# lib/rpmrepo against the real RPM tools; see CMakeLists.txt. Every
# comparison is with what rpm itself says about the same packages and
# databases. Usage: test_rpmrepo.sh RPMREPO_TOOL WORKDIR
set -euo pipefail
tool=$1
work=$2
for t in rpmbuild createrepo_c modifyrepo_c rpm gpg python3 sha256sum zstd gzip; do
    command -v "$t" >/dev/null || { echo "SKIP: $t is not installed"; exit 77; }
done
rm -rf "$work"
mkdir -p "$work"
cd "$work"
# Debian's rpm keeps its database in ~/.rpmdb: a scratch HOME, never /etc or the real ~.
export HOME=$work/home GNUPGHOME=$work/gnupg
mkdir -p "$HOME" "$GNUPGHOME" top/SPECS
chmod 700 "$GNUPGHOME"
trap 'gpgconf --kill gpg-agent >/dev/null 2>&1 || true' EXIT
printf '%%_topdir %s/top\n%%_dbpath /var/lib/rpm\n' "$work" >"$HOME/.rpmmacros"

fail() { echo "FAIL: $*" >&2; exit 1; }

# spec NAME EPOCH VERSION RELEASE ARCH [extra preamble lines]
spec() {
    local name=$1 epoch=$2 version=$3 release=$4 arch=$5
    shift 5
    {
        echo "Name: $name"
        [ "$epoch" = 0 ] || echo "Epoch: $epoch"
        echo "Version: $version"
        echo "Release: $release"
        echo "Summary: $name <test> & co"
        echo "License: MIT"
        [ "$arch" = noarch ] && echo "BuildArch: noarch"
        for line in "$@"; do echo "$line"; done
        echo "%description"
        echo "$name for the rpmrepo tests"
        echo "%install"
        echo "mkdir -p %{buildroot}/usr/share/$name %{buildroot}/etc/$name"
        echo "echo $version > %{buildroot}/usr/share/$name/version"
        echo "echo conf > %{buildroot}/etc/$name/$name.conf"
        echo "%files"
        echo "/usr/share/$name"
        echo "%config(noreplace) /etc/$name/$name.conf"
    } >"top/SPECS/$name-$version.spec"
    rpmbuild -bb "top/SPECS/$name-$version.spec" >build.log 2>&1 || { cat build.log; fail "rpmbuild $name"; }
}

spec alpha 0 1.0 1 noarch "Provides: alpha-cap = 2"
spec beta 2 3.1 4.cm2 native "Requires: alpha >= 1.0" "Requires(pre): /bin/sh" \
    "Conflicts: gamma < 2:1.0-1" "Obsoletes: beta-old <= 3.0" "Recommends: delta" \
    "Suggests: (epsilon or zeta)"
spec delta 0 1.0 1 native
spec delta 0 1.1 1 native "Provides: libdelta.so.1()(64bit)"
arch=$(rpm --eval '%{_arch}')

# --- repositories: primary in gz, xz, bz2 and zstd; updateinfo; a signed repomd.xml
cat >updateinfo.xml <<UI
<?xml version="1.0" encoding="UTF-8"?>
<updates>
  <update from="security@example.test" status="final" type="security" version="2.0">
    <id>TEST-2026:0001</id>
    <title>Important: delta security update</title>
    <severity>Important</severity>
    <issued date="2026-01-02 03:04:05"/>
    <references>
      <reference href="https://example.test/CVE-2026-0001" id="CVE-2026-0001" type="cve" title="x"/>
      <reference href="https://example.test/bz/1" id="1" type="bugzilla" title="y"/>
      <reference href="https://example.test/CVE-2026-0002" id="CVE-2026-0002" type="cve" title="z"/>
    </references>
    <pkglist>
      <collection short="test">
        <name>test</name>
        <package name="delta" version="1.1" release="1" epoch="0" arch="$arch" src="delta-1.1-1.src.rpm">
          <filename>delta-1.1-1.$arch.rpm</filename>
        </package>
      </collection>
    </pkglist>
  </update>
</updates>
UI
gpg --batch --passphrase '' --quick-gen-key 'Repo Test <repo@example.test>' ed25519 sign 1d 2>/dev/null
gpg --armor --export >key.asc
fpr=$(gpg --with-colons --fingerprint | awk -F: '$1 == "fpr" { print $10; exit }')
# Debian's createrepo_c 0.17 cannot write zstd (Fedora's newer one does):
# the zstd repository is the gz one with primary.xml recompressed and its
# repomd.xml entry rewritten to match, as a zstd-writing createrepo_c would.
for comp in gz xz bz2; do
    mkdir -p "repo-$comp"
    cp top/RPMS/*/*.rpm "repo-$comp/"
    createrepo_c -q --no-database --general-compress-type "$comp" "repo-$comp"
    modifyrepo_c --mdtype=updateinfo --compress-type "$comp" updateinfo.xml "repo-$comp/repodata" >/dev/null
done
cp -r repo-gz repo-zstd
python3 - repo-zstd <<'PY'
import glob, hashlib, os, re, subprocess, sys
repo = sys.argv[1]
md_path = os.path.join(repo, "repodata", "repomd.xml")
md = open(md_path).read()
old = glob.glob(os.path.join(repo, "repodata", "*-primary.xml.gz"))[0]
plain = subprocess.run(["gzip", "-dc", old], check=True, capture_output=True).stdout
packed = subprocess.run(["zstd", "-q", "-c"], input=plain, check=True, capture_output=True).stdout
digest = hashlib.sha256(packed).hexdigest()
href = "repodata/%s-primary.xml.zst" % digest
open(os.path.join(repo, href), "wb").write(packed)
os.unlink(old)
def fix(block):
    block = re.sub(r'(<checksum type="sha256">)[0-9a-f]+', r"\g<1>" + digest, block)
    block = re.sub(r'<location href="[^"]+"', '<location href="%s"' % href, block)
    return re.sub(r"<size>\d+</size>", "<size>%d</size>" % len(packed), block)
md = re.sub(r'<data type="primary">.*?</data>', lambda m: fix(m.group(0)), md, flags=re.S)
open(md_path, "w").write(md)
PY
for comp in gz xz bz2 zstd; do
    gpg --batch --armor --detach-sign -o "repo-$comp/repodata/repomd.xml.asc" "repo-$comp/repodata/repomd.xml"
done
grep -q 'primary.xml.zst' repo-zstd/repodata/repomd.xml || fail "no zstd primary"

# What rpm says about each package file: the expected primary.xml model.
for f in repo-gz/*.rpm; do
    printf 'pkg %s|%s|%s\n' "$(rpm -qp --qf '%{NAME}|%{EPOCHNUM}|%{VERSION}|%{RELEASE}|%{ARCH}' "$f" 2>/dev/null)" \
        "$(sha256sum "$f" | cut -d' ' -f1)" "$(basename "$f")"
done | sort >expected_pkgs
echo "adv TEST-2026:0001|security|Important|CVE-2026-0001,CVE-2026-0002|delta-0:1.1-1.$arch" >expected_adv

for comp in gz xz bz2 zstd; do
    "$tool" repo "repo-$comp" key.asc >out_repo 2>err || { cat err; fail "repo-$comp not read"; }
    grep -qx "signed-by $fpr" out_repo || fail "repo-$comp: signature not verified with $fpr"
    grep '^pkg ' out_repo | cut -d'|' -f1-7 | sort >got_pkgs
    diff -u expected_pkgs got_pkgs || fail "repo-$comp: primary.xml differs from rpm -qp"
    grep '^adv ' out_repo >got_adv
    diff -u expected_adv got_adv || fail "repo-$comp: updateinfo differs"
done
echo "ok: primary.xml (gz, xz, bz2, zstd) and updateinfo match rpm -qp; repomd.xml.asc verified"

# The dependency counts of beta: 2 requires as primary.xml lists them (rpmlib() ones dropped).
grep -q "^pkg beta|2|3.1|4.cm2|$arch|.*|[0-9]*|2\$" out_repo || fail "beta's requires not 2"

# A repomd.xml changed after signing is refused.
cp -r repo-gz repo-tampered
sed -i 's|<revision>|<revision>1|' repo-tampered/repodata/repomd.xml
if "$tool" repo repo-tampered key.asc >/dev/null 2>err; then fail "tampered repomd.xml accepted"; fi
grep -qi "signature" err || { cat err; fail "tampered repomd.xml: no signature message"; }
echo "ok: tampered repomd.xml refused: $(cat err)"

# --- rpmdb.sqlite written by rpm itself
mkdir -p root
if ! rpm --root "$work/root" -i --justdb --nodeps --noscripts top/RPMS/*/alpha-*.rpm top/RPMS/*/beta-*.rpm \
    top/RPMS/*/delta-1.0-*.rpm >rpm.log 2>&1; then
    cat rpm.log
    [ "$(id -u)" = 0 ] || { echo "SKIP: rpm --root needs root here"; exit 77; }
    fail "rpm -i"
fi
rpm --root "$work/root" -U --justdb --nodeps --noscripts top/RPMS/*/delta-1.1-*.rpm >>rpm.log 2>&1
rpm --root "$work/root" -e --justdb --nodeps --noscripts alpha >>rpm.log 2>&1
[ "$(rpm --eval '%_db_backend')" = sqlite ] || fail "rpm's backend is not sqlite"
[ -f root/var/lib/rpm/rpmdb.sqlite ] || fail "no rpmdb.sqlite"
rpm --root "$work/root" -qa --qf '%{DBINSTANCE}\n' | sort -n >expected_hnums
[ "$(wc -l <expected_hnums)" = 2 ] || fail "rpm -qa: $(cat expected_hnums)"
"$tool" rpmdb root >out_db 2>err || { cat err; fail "rpmdb not read"; }
grep -E '^[0-9]+ [0-9]+$' out_db | cut -d' ' -f1 >got_hnums
diff -u expected_hnums got_hnums || fail "hnums differ from rpm -qa"
grep -qx 'missing' out_db || fail "index tables reported missing: $(grep missing out_db)"
echo "ok: rpmdb.sqlite rows = rpm -qa's DBINSTANCEs ($(tr '\n' ' ' <got_hnums))"

# Committed rows still in the -wal: copy the files while the writer holds them.
mkdir -p walroot/var/lib/rpm
cp -r root/var/lib/rpm walsrc
python3 - "$work/walsrc/rpmdb.sqlite" "$work/walroot/var/lib/rpm/rpmdb.sqlite" <<'PY'
import os, shutil, sqlite3, sys
src, dst = sys.argv[1], sys.argv[2]
db = sqlite3.connect(src)
assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
db.execute("PRAGMA wal_autocheckpoint=0")
db.execute("INSERT INTO Packages(blob) SELECT blob FROM Packages ORDER BY hnum LIMIT 1")
db.commit()
for suffix in ("", "-wal", "-shm"):
    if os.path.exists(src + suffix):
        shutil.copyfile(src + suffix, dst + suffix)
assert os.path.getsize(dst + "-wal") > 0
os._exit(0)  # no close: nothing is checkpointed into the copy's source either
PY
cp -r walroot walroot-rpm
rpm --root "$work/walroot-rpm" -qa --qf '%{DBINSTANCE}\n' | sort -n >expected_wal
[ "$(wc -l <expected_wal)" = 3 ] || fail "rpm does not see the -wal row: $(cat expected_wal)"
"$tool" rpmdb walroot >out_wal 2>err || { cat err; fail "WAL rpmdb not read"; }
grep -E '^[0-9]+ [0-9]+$' out_wal | cut -d' ' -f1 >got_wal
diff -u expected_wal got_wal || fail "WAL: hnums differ from rpm -qa"
grep -qx 'wal 1' out_wal || fail "WAL not reported"
rm walroot/var/lib/rpm/rpmdb.sqlite-wal walroot/var/lib/rpm/rpmdb.sqlite-shm
"$tool" rpmdb walroot | grep -cE '^[0-9]+ [0-9]+$' | grep -qx 2 || fail "the row was not only in the -wal"
echo "ok: a row committed only in the -wal is read, as rpm reads it"

# Fedora's layout: /var/lib/rpm -> ../../usr/lib/sysimage/rpm
mkdir -p fedora/usr/lib/sysimage fedora/var/lib
cp -r root/var/lib/rpm fedora/usr/lib/sysimage/rpm
ln -s ../../usr/lib/sysimage/rpm fedora/var/lib/rpm
"$tool" rpmdb fedora | grep -E '^[0-9]+ [0-9]+$' | cut -d' ' -f1 | diff -u expected_hnums - ||
    fail "symlinked /var/lib/rpm"
echo "ok: /var/lib/rpm symlinked to /usr/lib/sysimage/rpm"

# --- distroless manifests, written with the Azure Linux image build's commands
mkdir -p distroless/var/lib/rpmmanifest
rpm --root "$work/root" -qa >distroless/var/lib/rpmmanifest/container-manifest-1
rpm --root "$work/root" -qa --qf "%{NAME}\t%{VERSION}-%{RELEASE}\t%{INSTALLTIME}\t%{BUILDTIME}\t%{VENDOR}\t%{EPOCH}\t%{SIZE}\t%{ARCH}\t%{EPOCHNUM}\t%{SOURCERPM}\n" \
    >distroless/var/lib/rpmmanifest/container-manifest-2
{
    rpm --root "$work/root" -qa --qf '1|%{NAME}|%{VERSION}|%{RELEASE}|%{ARCH}\n'
    rpm --root "$work/root" -qa --qf '2|%{NAME}|%{EPOCH}|%{VERSION}|%{RELEASE}|%{ARCH}\n'
} | sort >expected_manifest
"$tool" manifest distroless 2>err | sort >got_manifest || { cat err; fail "manifests not read"; }
diff -u expected_manifest got_manifest || fail "manifests differ from rpm -qa"
echo "ok: container-manifest-1 and -2 match rpm -qa"

# --- .repo configuration with the image's variables
mkdir -p conf/etc/yum.repos.d conf/etc/dnf/vars
printf '[main]\ngpgcheck=1\n' >conf/etc/dnf/dnf.conf
echo stream >conf/etc/dnf/vars/stream
cat >conf/etc/yum.repos.d/test.repo <<REPO
[test-\$basearch]
[test]
name=Test \$releasever
baseurl=file://$work/repo-gz/\$stream/\$releasever_major/\$basearch
gpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-test
repo_gpgcheck=1
REPO
"$tool" conf conf 9.4 "$arch" >got_conf 2>err
echo "test|1|1|1|99|file://$work/repo-gz/stream/9/$arch|/etc/pki/rpm-gpg/RPM-GPG-KEY-test" >expected_conf
diff -u expected_conf got_conf || fail ".repo configuration"
grep -q 'bad repository id' err || fail "no note for the bad repository id"
echo "ok: .repo configuration"

# dnf itself as the oracle: the same repositories, options, defaults and
# expansions (dnf 4.14 has neither $releasever_major nor ${var:-word}, so
# this configuration uses neither; the unit tests cover them).
here=$(cd "$(dirname "$0")" && pwd)
if /usr/bin/python3 -c 'import dnf' 2>/dev/null; then
    mkdir -p dnfroot/etc/yum.repos.d dnfroot/etc/dnf/vars
    printf '[main]\ngpgcheck=1\nrepo_gpgcheck=0\n' >dnfroot/etc/dnf/dnf.conf
    echo pub/rocky >dnfroot/etc/dnf/vars/contentdir
    cat >dnfroot/etc/yum.repos.d/rocky.repo <<'REPO'
# comment
[baseos]
name=Rocky Linux $releasever - BaseOS
mirrorlist=https://mirrors.example/mirrorlist?arch=$basearch&repo=BaseOS-$releasever
baseurl=https://a.example/$contentdir/$releasever/BaseOS/$basearch/os/
    https://b.example/${releasever}/${basearch}/,https://c.example/$nosuch/$
gpgcheck = 1
enabled=1
countme=1
gpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-Rocky-9 https://keys.example/k.asc
priority=10
; another comment
[extras]
name=extras
baseurl=http://x.example/extras/
enabled=0
gpgcheck=no
repo_gpgcheck=True
[appstream]
metalink=https://m.example/?repo=$releasever
enabled=maybe
priority=zz
REPO
    printf '[z-second]\nbaseurl=file:///srv/repo\n[baseos]\nbaseurl=http://dup/\n' >dnfroot/etc/yum.repos.d/second.repo
    HOME=$work/home /usr/bin/python3 "$here/dnf_conf.py" "$work/dnfroot" 9.4 "$arch" 2>/dev/null >expected_dnf ||
        fail "dnf could not read the configuration"
    "$tool" conf dnfroot 9.4 "$arch" 2>/dev/null | sort >got_dnf
    diff -u expected_dnf got_dnf || fail ".repo configuration differs from dnf's"
    echo "ok: .repo configuration equals dnf's ($(wc -l <got_dnf) repositories)"
else
    echo "note: no python dnf module: the dnf comparison is left out"
fi
echo PASS
