#!/usr/bin/env bash
# Hostile rpm-md metadata, .repo files and rpm databases (libcopa issue 16),
# read through tests/integration/rpmrepo's rpmrepo_tool:
#
#   checksum_mismatch  primary.xml replaced by other valid metadata: refused, nothing parsed
#   size_mismatch      primary.xml one byte longer than repomd.xml says: refused
#   weak_checksum      repomd.xml declares md5: refused unless --insecure
#   entity_bomb        "billion laughs" in repomd.xml and in primary.xml: refused at the DTD, fast
#   external_entity    a SYSTEM entity naming a host file: refused, the file is not read
#   huge_xml           a 200 MiB description streams in bounded memory; a 1 MiB name is refused
#   bad_repo_conf      oversized, binary and malformed .repo files; a .repo symlinked out of the image
#   rpmdb_escape       rpmdb.sqlite linked to a database outside the image: not read
#   rpmdb_garbage      a garbage -wal, a truncated database, a text file as database
#
# usage: run.sh RPMREPO_TOOL WORKDIR CASE
set -uo pipefail
tool=$1
work=$2
case=$3
fixtures=$(cd "$(dirname "$0")/../../fixtures/rpmrepo" && pwd)
command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 77; }
rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd)
cd "$work"

fail() { echo "FAIL: $*" >&2; exit 1; }

# expect_refused MESSAGE-REGEX COMMAND...: fails with that message and prints no package.
expect_refused() {
    local want=$1
    shift
    if "$@" >out 2>err; then fail "accepted: $*"; fi
    grep -Eqi "$want" err || { cat err; fail "message does not match /$want/"; }
    if grep -q '^pkg ' out; then fail "packages printed before the refusal"; fi
    echo "ok: refused: $(cat err)"
}

# A repository from the fixtures: repomd.xml and its primary.xml.gz.
make_repo() {
    local dir=$1 href
    mkdir -p "$dir/repodata"
    cp "$fixtures/repomd.xml" "$dir/repodata/repomd.xml"
    href=$(grep -o 'repodata/[0-9a-f]*-primary.xml.gz' "$fixtures/repomd.xml")
    cp "$fixtures/primary.xml.gz" "$dir/$href"
    echo "$dir/$href"
}

# set_primary DIR FILE: FILE becomes the repository's primary, repomd.xml updated to match.
set_primary() {
    python3 - "$1" "$2" <<'PY'
import hashlib, os, re, shutil, sys
repo, new = sys.argv[1], sys.argv[2]
md_path = os.path.join(repo, "repodata", "repomd.xml")
md = open(md_path).read()
href = re.search(r'<location href="(repodata/[^"]*-primary[^"]*)"', md).group(1)
data = open(new, "rb").read()
open(os.path.join(repo, href), "wb").write(data)
def fix(block):
    block = re.sub(r'(<checksum type="sha256">)[0-9a-f]+', r"\g<1>" + hashlib.sha256(data).hexdigest(), block)
    return re.sub(r"<size>\d+</size>", "<size>%d</size>" % len(data), block)
md = re.sub(r'<data type="primary">.*?</data>', lambda m: fix(m.group(0)), md, flags=re.S)
open(md_path, "w").write(md)
PY
}

bomb() {
    # $1: root element; 10 levels of 10 references: 10^10 expansions if expanded
    echo '<?xml version="1.0"?>'
    echo '<!DOCTYPE lolz ['
    echo ' <!ENTITY lol "lollollollollollollollollollol">'
    for i in 1 2 3 4 5 6 7 8 9; do
        prev=lol
        [ "$i" -gt 1 ] && prev=lol$((i - 1))
        printf ' <!ENTITY lol%d "' "$i"
        for _ in 1 2 3 4 5 6 7 8 9 10; do printf '&%s;' "$prev"; done
        echo '">'
    done
    echo ']>'
    echo "<$1><revision>&lol9;</revision></$1>"
}

case $case in
checksum_mismatch)
    primary=$(make_repo repo)
    # Same size, same decompressed content, other bytes: the gzip header's mtime.
    python3 -c 'import sys; d = bytearray(open(sys.argv[1], "rb").read()); d[4] ^= 1; open(sys.argv[1], "wb").write(d)' "$primary"
    gzip -t "$primary" || fail "the changed file is not valid gzip"
    expect_refused 'checksum mismatch' "$tool" repo repo
    ;;
size_mismatch)
    primary=$(make_repo repo)
    printf '\n' >>"$primary"
    expect_refused 'size' "$tool" repo repo
    ;;
weak_checksum)
    make_repo repo >/dev/null
    sed -i 's/<checksum type="sha256">/<checksum type="md5">/' repo/repodata/repomd.xml
    expect_refused 'md5 is not accepted' "$tool" repo repo
    "$tool" repo repo --insecure >out 2>err || { cat err; fail "--insecure did not accept md5"; }
    grep -q '^pkg alpha|' out || fail "--insecure: no packages"
    echo "ok: md5 accepted only with --insecure"
    ;;
entity_bomb)
    make_repo repo >/dev/null
    cp repo/repodata/repomd.xml good-repomd.xml
    bomb repomd >repo/repodata/repomd.xml
    start=$(date +%s)
    expect_refused 'DTD' "$tool" repo repo
    cp good-repomd.xml repo/repodata/repomd.xml
    bomb metadata | gzip -c >bomb.xml.gz
    set_primary repo bomb.xml.gz
    expect_refused 'primary.xml:2: .*DTD' "$tool" repo repo
    [ $(($(date +%s) - start)) -lt 10 ] || fail "the bombs took too long"
    ;;
external_entity)
    make_repo repo >/dev/null
    echo "secret-host-content" >secret
    printf '<?xml version="1.0"?>\n<!DOCTYPE m [<!ENTITY x SYSTEM "file://%s/secret">]>\n<metadata>&x;</metadata>\n' \
        "$work" >ext.xml
    set_primary repo ext.xml
    expect_refused 'DTD' "$tool" repo repo
    if grep -q secret-host-content out err; then fail "the entity was expanded"; fi
    ;;
huge_xml)
    make_repo repo >/dev/null
    # 200 MiB of description, gzip'd to ~200 KiB: streamed, never held.
    python3 - big.xml.gz <<'PY'
import gzip, sys
with gzip.open(sys.argv[1], "wb", compresslevel=1) as f:
    f.write(b'<metadata xmlns="http://linux.duke.edu/metadata/common" packages="1"><package type="rpm">'
            b'<name>big</name><arch>noarch</arch><version epoch="0" ver="1" rel="1"/>'
            b'<checksum type="sha256" pkgid="YES">00ff</checksum><description>')
    chunk = b"a" * (1 << 20)
    for _ in range(200):
        f.write(chunk)
    f.write(b'</description><location href="big.rpm"/></package></metadata>')
PY
    set_primary repo big.xml.gz
    python3 - "$tool" <<'PY' || fail "huge description"
import resource, subprocess, sys
out = subprocess.run([sys.argv[1], "repo", "repo"], capture_output=True, text=True)
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
print("exit %d, peak RSS %d MiB: %s" % (out.returncode, rss, out.stdout.strip() or out.stderr.strip()))
sys.exit(0 if out.returncode == 0 and out.stdout.startswith("pkg big|") and rss < 64 else 1)
PY
    echo "ok: 200 MiB of text streamed in bounded memory"
    python3 -c 'import sys; sys.stdout.write("<metadata><package><name>" + "n" * (1 << 20) + "</name></package></metadata>")' |
        gzip -c >longname.xml.gz
    set_primary repo longname.xml.gz
    expect_refused 'longer than' "$tool" repo repo
    ;;
bad_repo_conf)
    mkdir -p big/etc/yum.repos.d bin/etc/yum.repos.d bad/etc/yum.repos.d link/etc/yum.repos.d outside
    { echo '[big]'; head -c 2000000 /dev/zero | tr '\0' 'x' | sed 's/^/baseurl=/'; echo; } >big/etc/yum.repos.d/big.repo
    expect_refused 'big.repo: larger than' "$tool" conf big 9 x86_64
    printf '[bin]\nbaseurl=a\0b\n' >bin/etc/yum.repos.d/bin.repo
    expect_refused 'bin.repo: holds a NUL' "$tool" conf bin 9 x86_64
    printf '[ok]\nbaseurl=http://x/\n\n[bad]\nbaseurl=http://y/\nthis is not an option\n' >bad/etc/yum.repos.d/bad.repo
    expect_refused 'bad.repo:6: expected key=value' "$tool" conf bad 9 x86_64
    printf '[host-repo]\nbaseurl=http://host.invalid/\n' >outside/host.repo
    ln -s ../../../outside/host.repo link/etc/yum.repos.d/escape.repo
    ln -s "$work/outside/host.repo" link/etc/yum.repos.d/absolute.repo
    "$tool" conf link 9 x86_64 >out 2>err || { cat err; fail "symlinked .repo files"; }
    if grep -q host-repo out; then fail "a .repo outside the image was read"; fi
    echo "ok: .repo symlinks stay inside the image"
    ;;
rpmdb_escape)
    mkdir -p outside root/var/lib/rpm
    python3 - outside/rpmdb.sqlite <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)")
db.execute("INSERT INTO Packages(blob) VALUES (x'00')")
db.commit()
PY
    ln -s ../../../../outside/rpmdb.sqlite root/var/lib/rpm/rpmdb.sqlite
    expect_refused 'no rpm sqlite database' "$tool" rpmdb root
    rm root/var/lib/rpm/rpmdb.sqlite
    ln -s "$work/outside/rpmdb.sqlite" root/var/lib/rpm/rpmdb.sqlite
    expect_refused 'no rpm sqlite database' "$tool" rpmdb root
    ;;
rpmdb_garbage)
    mkdir -p root/var/lib/rpm
    python3 - root/var/lib/rpm/rpmdb.sqlite <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("PRAGMA journal_mode=WAL")
db.execute("CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)")
db.executemany("INSERT INTO Packages(blob) VALUES (?)", [(b"h%d" % i,) for i in range(50)])
db.commit()
db.close()
PY
    # A -wal of random bytes commits nothing: SQLite checks its frames' checksums.
    head -c 65536 /dev/urandom >root/var/lib/rpm/rpmdb.sqlite-wal
    "$tool" rpmdb root >out 2>err || { cat err; fail "garbage -wal"; }
    [ "$(grep -cE '^[0-9]+ [0-9]+$' out)" = 50 ] || fail "garbage -wal changed the rows"
    echo "ok: a garbage -wal is ignored"
    rm root/var/lib/rpm/rpmdb.sqlite-wal
    head -c 3000 root/var/lib/rpm/rpmdb.sqlite >cut && mv cut root/var/lib/rpm/rpmdb.sqlite
    expect_refused 'rpmdb.sqlite: ' "$tool" rpmdb root
    echo "SQLite format 3" >root/var/lib/rpm/rpmdb.sqlite
    expect_refused 'rpmdb.sqlite: ' "$tool" rpmdb root
    ;;
*)
    fail "unknown case $case"
    ;;
esac
echo PASS
