#!/usr/bin/env bash
# One hostile case: run.sh CASE COPA. Builds the archives in a fresh work
# directory; copa's TMPDIR is WORK/tmp, so a link chain "d/up/d/up/../.."
# followed from copa's temporary directory would land in WORK, where the
# canaries (PWNED, the secret's contents) are looked for.
set -uo pipefail
case_name=$1
copa=$2
here=$(cd "$(dirname "$0")" && pwd)
command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 77; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/tmp"
secret="copa-canary-$RANDOM$RANDOM-do-not-leak"
echo "$secret" >"$work/secret.txt"
python3 "$here/make_archives.py" "$work" secret.txt || { echo "FAIL: building archives"; exit 1; }
cd "$work"
export TMPDIR="$work/tmp"
# No network: a reference mistaken for a registry must fail here, not reach out.
export http_proxy=http://127.0.0.1:9 https_proxy=http://127.0.0.1:9
export HTTP_PROXY=$http_proxy HTTPS_PROXY=$https_proxy ALL_PROXY=$http_proxy

die() { echo "FAIL: $*"; exit 1; }

# expect CODE MESSAGE CMD...: exit status CODE and MESSAGE on stderr.
expect() {
    local want=$1 message=$2 rc
    shift 2
    "$@" >out.txt 2>err.txt
    rc=$?
    cat out.txt err.txt
    [ "$rc" = "$want" ] || die "exit $rc, expected $want: $*"
    grep -qF -- "$message" err.txt || die "no '$message' in the message: $*"
    grep -q "AddressSanitizer\|runtime error" err.txt && die "sanitizer report: $*"
    return 0
}

no_canary() {
    [ ! -e PWNED ] && [ ! -e tmp/PWNED ] || die "the archive wrote outside copa's directory"
    local found
    found=$(grep -rlF --exclude=secret.txt --exclude=leak.tar -e "$secret" . 2>/dev/null)
    if [ -n "$found" ]; then
        die "the host file's contents were copied: $found"
    fi
    return 0
}

# No byte of an escape sequence reaches the terminal raw.
no_raw_escape() {
    if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' out.txt err.txt; then
        die "raw control characters printed: $(od -c out.txt err.txt | head -5)"
    fi
    return 0
}

case $case_name in
chain)
    expect 3 "entry 'e/PWNED' lies under the link 'e'" "$copa" inspect docker-archive:chain.tar
    expect 3 "lies under the link" "$copa" copy docker-archive:chain.tar oci:out:x
    no_canary
    ;;
chain_oci)
    expect 3 "lies under the link 'e'" "$copa" inspect oci-archive:chain-oci.tar
    no_canary
    ;;
leak)
    "$copa" copy docker-archive:leak.tar oci:out:x >out.txt 2>err.txt
    rc=$?
    cat out.txt err.txt
    [ "$rc" != 0 ] || die "copy of an archive reading a host file succeeded"
    grep -qF "'h/secret.txt' resolves outside the archive" err.txt || die "unclear message"
    no_canary
    ;;
hardlink_out)
    expect 3 "hard link 'x/layer.tar' points outside the archive" \
        "$copa" inspect docker-archive:hardlink-out.tar
    no_canary
    ;;
hardlink_in)
    # A hard link to an earlier entry is the same file (layer dedup).
    "$copa" inspect --json docker-archive:hardlink-in.tar >out.json || die "hard link inside"
    [ "$(jq '.layers | length' out.json)" = 2 ] || die "two layers expected: $(cat out.json)"
    ;;
absolute)
    expect 3 "unsafe path '/abs/x' in archive" "$copa" inspect docker-archive:absolute.tar
    [ ! -e /abs/x ] || die "absolute path written"
    ;;
device)
    expect 3 "'dev/null' is a character device" "$copa" inspect docker-archive:device.tar
    ;;
duplicate)
    expect 3 "duplicate entry 'layer.tar'" "$copa" inspect docker-archive:duplicate.tar
    ;;
empty)
    # An archive with no entry at all (found by fuzz_archive: the empty index
    # reached qsort/bsearch as NULL, undefined behaviour under UBSan).
    tar cf empty.tar --files-from /dev/null
    expect 3 "no manifest.json" "$copa" inspect docker-archive:empty.tar
    expect 4 "no oci-layout" "$copa" inspect oci-archive:empty.tar
    # The message names the archive, not copa's private copy of it.
    grep -qF "empty.tar: not an OCI image layout (no oci-layout)" err.txt ||
        die "the message does not name the archive"
    grep -qF "$TMPDIR" err.txt && die "the message names copa's temporary directory"
    ;;
layer_repeat)
    # manifest.json may name one file many times (under one name, or through
    # links); each distinct file is hashed once, not once per mention: 4000
    # mentions of a 16 MiB layer must not mean 64 GiB of hashing. More than
    # 4096 layers are refused.
    cat >repeat.py <<'PY'
import hashlib, io, json, os, sys, tarfile
count = int(sys.argv[1])
layer = os.urandom(16 << 20)
cfg = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers",
      "diff_ids": ["sha256:" + hashlib.sha256(layer).hexdigest()]}}).encode()
names = (["layer.tar", "alias.tar"] * count)[:count]
with tarfile.open("repeat.tar", "w", format=tarfile.PAX_FORMAT) as tar:
    for name, data in (("layer.tar", layer), ("config.json", cfg),
                       ("manifest.json", json.dumps([{"Config": "config.json",
                        "RepoTags": ["x:1"], "Layers": names}]).encode())):
        info = tarfile.TarInfo(name)
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    info = tarfile.TarInfo("alias.tar")
    info.type = tarfile.SYMTYPE
    info.linkname = "layer.tar"
    tar.addfile(info)
PY
    python3 repeat.py 4000 || die "building repeat.tar"
    expect 3 "config lists 1 diff_ids for 4000 layers" \
        timeout 20 "$copa" inspect docker-archive:repeat.tar
    python3 repeat.py 4097 || die "building repeat.tar"
    expect 3 "manifest.json lists more than 4096 layers" \
        timeout 20 "$copa" inspect docker-archive:repeat.tar
    ;;
not_tar)
    # libarchive reports an unknown format with errno EILSEQ; its strerror
    # ("Invalid or incomplete multibyte or wide character") says nothing.
    printf 'this is not an archive\n' >notar.tar
    expect 3 "notar.tar: Unrecognized archive format" "$copa" inspect docker-archive:notar.tar
    expect 4 "nonexistent.tar: No such file or directory" \
        "$copa" inspect docker-archive:nonexistent.tar
    ;;
long_link)
    # Resolving a name costs what its links spell out, once per mention in
    # manifest.json: a 500 KB link target, or 40 chained 4 KB ones, named by
    # 4096 layers took minutes to hours. Targets are at most 4096 bytes (as
    # PATH_MAX) and one lookup walks at most 4096 components.
    cat >longlink.py <<'PY'
import io, json, sys, tarfile
chain, length = int(sys.argv[1]), int(sys.argv[2])
with tarfile.open("longlink.tar", "w", format=tarfile.PAX_FORMAT) as tar:
    def add(name, data):
        info = tarfile.TarInfo(name)
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    add("layer.tar", b"x")
    add("config.json", b"{}")
    for i in range(chain):
        info = tarfile.TarInfo("l%d" % i)
        info.type = tarfile.SYMTYPE
        info.linkname = "a/../" * (length // 5) + ("l%d" % (i + 1) if i + 1 < chain else "layer.tar")
        tar.addfile(info)
    add("manifest.json", json.dumps([{"Config": "config.json", "Layers": ["l0"] * 4096}]).encode())
PY
    python3 longlink.py 1 500000 || die "building longlink.tar"
    expect 3 "symlink 'l0' has a target longer than 4096 bytes" \
        timeout 10 "$copa" inspect docker-archive:longlink.tar
    python3 longlink.py 40 4000 || die "building longlink.tar"
    expect 3 "'l0': too many steps to resolve" \
        timeout 10 "$copa" inspect docker-archive:longlink.tar
    ;;
huge)
    expect 3 "huge.tar" "$copa" inspect docker-archive:huge.tar
    ;;
sparse)
    # GNU tar writes a 1 GiB file that is all hole as a few hundred bytes.
    tar --version 2>/dev/null | grep -q "GNU tar" || { echo "SKIP: GNU tar not installed"; exit 77; }
    mkdir sp && truncate -s 1G sp/layer.tar && printf x >>sp/layer.tar
    tar -xf chain.tar -C sp config.json manifest.json
    tar -S --format=pax -cf sparse.tar -C sp config.json manifest.json layer.tar
    expect 3 "'layer.tar' is a sparse file" "$copa" inspect docker-archive:sparse.tar
    ;;
report_directory)
    mkdir adir
    expect 3 "adir: not a regular file" "$copa" report adir
    expect 3 "adir: not a regular file" "$copa" patch --dry-run -r adir -i oci:nothing:x
    ;;
report_dev_zero)
    expect 3 "/dev/zero: not a regular file" "$copa" report /dev/zero
    expect 3 "/dev/zero: not a regular file" "$copa" patch --dry-run -r /dev/zero -i oci:nothing:x
    ;;
foreign_transports)
    for t in containers-storage docker-daemon; do
        "$copa" inspect "$t:foo" >out.txt 2>err.txt
        rc=$?
        cat out.txt err.txt
        [ "$rc" = 2 ] || [ "$rc" = 3 ] || die "$t:foo: exit $rc, expected 2 or 3"
        grep -qF "transport '$t'" err.txt || die "$t:foo: the message does not name the transport"
        grep -qi "network\|resolve\|connect\|proxy" err.txt && die "$t:foo: went to the network"
    done
    ;;
escape_reference)
    "$copa" inspect $'oci:no\e]0;owned\adir\e[2J:x' >out.txt 2>err.txt
    [ $? != 0 ] || die "inspect of a missing layout succeeded"
    cat out.txt err.txt
    no_raw_escape
    grep -qF 'no\x1b]0;owned\x07dir\x1b[2J' err.txt || die "the reference is not shown escaped"
    ;;
escape_label)
    "$copa" inspect docker-archive:escape.tar >out.txt 2>err.txt
    cat out.txt err.txt
    no_raw_escape
    grep -qF '\x1b]0;owned\x07\x1b[2J\x1b[31mred' out.txt || die "the label is not shown escaped"
    ;;
escape_report)
    "$copa" report escape-report.json >out.txt 2>err.txt || die "report: exit $?"
    cat out.txt err.txt
    no_raw_escape
    grep -qF 'libc6\x1b[2J\x1b]0;owned\x07' out.txt || die "the package name is not shown escaped"
    ;;
*)
    die "unknown case $case_name"
    ;;
esac
echo "ok $case_name"
