#!/usr/bin/env bash
# lib/apk against apk-tools 2.14.10. usage: run.sh CASE APK_INSPECT
set -euo pipefail
case_name=$1 inspect=$2
. "$(dirname "$0")/common.sh"
work=$(mktemp -d)
server=""
cleanup() { [ -z "$server" ] || kill "$server" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

# The identity (C:) the index gives package NAME.
identity_of() { "$inspect" index "$work/repo/x86_64/APKINDEX.tar.gz" "$work/keys" |
    awk -v n="$1" '/^C:/{c=substr($0,3)} $0=="P:"n{print c}'; }

case_oracle_index() {
    need_oracle
    make_repo "$work"
    for p in "$work"/repo/x86_64/*.apk; do
        oracle verify --keys-dir "$work/keys" "$p" >/dev/null || fail "apk verify refused $p"
    done
    # apk-tools writes the index; our reader must read back exactly its text.
    oracle index --keys-dir "$work/keys" -d "copa test repository" -o "$work/oracle.tar.gz" \
        "$work"/repo/x86_64/*.apk 2>/dev/null
    build sign "$work/oracle.tar.gz" "$work/oracle-signed.tar.gz" --key "$work/priv.pem" \
        --keyname copa-test-1.rsa.pub
    index_text "$work/oracle.tar.gz" >"$work/want"
    "$inspect" index "$work/oracle-signed.tar.gz" "$work/keys" >"$work/got"
    diff -u "$work/want" "$work/got" || fail "our index model differs from apk index's text"
    # The builder's own index is what apk index writes.
    index_text "$work/repo/x86_64/APKINDEX.tar.gz" | diff -u "$work/want" - ||
        fail "apkbuild.py index differs from apk index"
    # Each package read by the library gives apk index's stanza for it.
    for p in "$work"/repo/x86_64/*.apk; do
        name=$(basename "$p" | sed -E 's/-[^-]+-r[0-9]+\.apk$//')
        "$inspect" package "$p" --identity "$(identity_of "$name")" --keys-dir "$work/keys" |
            sed '/^$/,$d' >"$work/pkg"
        awk -v n="$name" 'BEGIN{RS="";ORS="\n"} $0 ~ "\nP:"n"\n" {print}' "$work/want" |
            diff -u - "$work/pkg" || fail "package $name read differently from apk index"
    done
}

case_oracle_install() {
    need_oracle
    make_repo "$work"
    port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
    (cd "$work/repo" && exec python3 -m http.server "$port" --bind 127.0.0.1 >/dev/null 2>&1) &
    server=$!
    for _ in $(seq 50); do
        curl -fsS "http://127.0.0.1:$port/x86_64/APKINDEX.tar.gz" -o /dev/null 2>/dev/null && break
        sleep 0.1
    done
    mkdir "$work/root"
    oracle --root "$work/root" --keys-dir "$work/keys" --repository "http://127.0.0.1:$port/" \
        --initdb --no-scripts --arch x86_64 add hello hello-doc docs >"$work/add.log" 2>&1 ||
        { cat "$work/add.log"; fail "apk add refused the repository"; }
    oracle --root "$work/root" info -v 2>/dev/null | sort >"$work/oracle-installed"
    "$inspect" index "$work/repo/x86_64/APKINDEX.tar.gz" "$work/keys" |
        awk '/^P:/{p=substr($0,3)} /^V:/{print p"-"substr($0,3)}' | sort >"$work/ours"
    diff -u "$work/ours" "$work/oracle-installed" || fail "installed set differs"
    # Every file and symlink's APK-TOOLS.checksum.SHA1 is the installed DB's Z:.
    python3 - "$work/root/lib/apk/db/installed" >"$work/oracle-z" <<'PY'
import base64, sys
pkg = d = None
for line in open(sys.argv[1]):
    k, v = line[:1], line[2:].rstrip("\n")
    if k == "P": pkg = v
    elif k == "F": d = v
    elif k == "R": name = v
    elif k == "Z": print(pkg, (d + "/" if d else "") + name, base64.b64decode(v[2:]).hex())
PY
    : >"$work/our-z"
    for p in "$work"/repo/x86_64/*.apk; do
        name=$(basename "$p" | sed -E 's/-[^-]+-r[0-9]+\.apk$//')
        "$inspect" package "$p" --identity "$(identity_of "$name")" |
            awk -v n="$name" '/^entry: (file|symlink) /{print n, $3, $7}' >>"$work/our-z"
    done
    diff -u <(sort "$work/oracle-z") <(sort "$work/our-z") || fail "per-file checksums differ"
}

# expect_refusal CODE PATTERN CMD...: CMD prints "error: CODE: ...PATTERN..." and exits 1.
expect_refusal() {
    local code=$1 pattern=$2 out rc=0
    shift 2
    out=$("$@") || rc=$?
    [ "$rc" = 1 ] || fail "expected a refusal, got exit $rc: $out"
    grep -q "^error: $code: .*$pattern" <<<"$out" || fail "expected $code /$pattern/, got: $out"
}

case_refusals() {
    make_repo "$work"
    local idx="$work/repo/x86_64/APKINDEX.tar.gz" x="$work/x"
    mkdir "$x"
    # Tampered index: the signature member kept, the index member replaced.
    python3 - "$idx" "$x/tampered.tar.gz" "$support" <<'PY'
import sys; sys.path.insert(0, sys.argv[3]); import apkbuild
blob = open(sys.argv[1], "rb").read()
sig = apkbuild.gzip_members(blob)[0]
body = apkbuild.gzip_members(blob)[1]
import gzip
raw = bytearray(gzip.decompress(body)); raw[raw.find(b"P:hello\n") + 2] = ord("j")
open(sys.argv[2], "wb").write(sig + apkbuild.gz(bytes(raw)))
PY
    expect_refusal COPA_EVERIFY "signature by trusted key 'copa-test-1.rsa.pub' does not verify" \
        "$inspect" index "$x/tampered.tar.gz" "$work/keys"
    expect_refusal COPA_EVERIFY "does not verify" \
        "$inspect" index "$x/tampered.tar.gz" "$work/keys" --allow-unsigned
    # Signed by a key the image does not have.
    build index --out "$x/unknown.tar.gz" --key "$work/other.pem" --keyname copa-other-2.rsa.pub \
        "$work"/repo/x86_64/*.apk
    expect_refusal COPA_EVERIFY "key file 'copa-other-2.rsa.pub', which is not among the trusted" \
        "$inspect" index "$x/unknown.tar.gz" "$work/keys"
    "$inspect" index "$x/unknown.tar.gz" "$work/keys" --allow-unsigned >/dev/null ||
        fail "--allow-unsigned refused an index by an unknown key"
    # Not signed at all.
    build index --out "$x/unsigned.tar.gz" "$work"/repo/x86_64/*.apk
    expect_refusal COPA_EVERIFY "not signed" "$inspect" index "$x/unsigned.tar.gz" "$work/keys"
    "$inspect" index "$x/unsigned.tar.gz" "$work/keys" --allow-unsigned >/dev/null ||
        fail "--allow-unsigned refused an unsigned index"
    # A package whose control member is not the index's C: (another package's identity).
    expect_refusal COPA_EVERIFY "hello-1.0-r0.apk: control checksum .* is not the index's C:" \
        "$inspect" package "$work/repo/x86_64/hello-1.0-r0.apk" --identity "$(identity_of musl)"
    # A datahash that lies, and a data member swapped for another package's.
    sed 's/"name":"hello",/"name":"hello","datahash":"'"$(printf 'ab%.0s' $(seq 32))"'",/' \
        "$work/specs/hello.json" >"$x/liar.json"
    build package "$x/liar.json" "$x/liar.apk"
    expect_refusal COPA_EVERIFY "liar.apk: data SHA-256 .* is not the .PKGINFO datahash" \
        "$inspect" package "$x/liar.apk" --identity "$(build identity "$x/liar.apk")"
    python3 - "$work/repo/x86_64/hello-1.0-r0.apk" "$work/repo/x86_64/musl-1.2.4-r2.apk" \
        "$x/swapped.apk" "$support" <<'PY'
import sys; sys.path.insert(0, sys.argv[4]); import apkbuild
a = apkbuild.gzip_members(open(sys.argv[1], "rb").read())
b = apkbuild.gzip_members(open(sys.argv[2], "rb").read())
open(sys.argv[3], "wb").write(a[0] + a[1] + b[2])
PY
    expect_refusal COPA_EVERIFY "swapped.apk: data SHA-256" \
        "$inspect" package "$x/swapped.apk" --identity "$(identity_of hello)"
    # The package signature by an unknown key (what `apk verify` checks).
    expect_refusal COPA_EVERIFY "not among the trusted keys" \
        "$inspect" package "$work/repo/x86_64/hello-1.0-r0.apk" --identity \
        "$(identity_of hello)" --keys-dir "$work/other"
    if have_oracle; then
        # apk-tools refuses the same files.
        ! oracle verify --keys-dir "$work/keys" "$x/tampered.tar.gz" >/dev/null 2>&1 ||
            fail "the oracle accepted the tampered index"
        ! oracle verify --keys-dir "$work/keys" "$x/unknown.tar.gz" >/dev/null 2>&1 ||
            fail "the oracle accepted the index by an unknown key"
        ! oracle verify --keys-dir "$work/keys" "$x/liar.apk" >/dev/null 2>&1 ||
            fail "the oracle accepted the lying datahash"
        ! oracle verify --keys-dir "$work/keys" "$x/swapped.apk" >/dev/null 2>&1 ||
            fail "the oracle accepted the swapped data"
    fi
}

"case_$case_name"
echo "ok: $case_name"
