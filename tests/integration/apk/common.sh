# Shared by the lib/apk tests: a throwaway key pair and packages built with
# tests/support/apk/apkbuild.py in $work, and the oracle (when built).
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
support=$(cd "$here/../../support/apk" && pwd)
build() { python3 "$support/apkbuild.py" "$@"; }

# oracle ARGS...: run apk-tools (COPA_APK_ORACLE) with its library found.
oracle() { LD_LIBRARY_PATH="$(dirname "$COPA_APK_ORACLE")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$COPA_APK_ORACLE" "$@"; }
have_oracle() { [ -n "${COPA_APK_ORACLE:-}" ] && [ -x "$COPA_APK_ORACLE" ]; }
need_oracle() { have_oracle || { echo "SKIP: apk-tools oracle not built (COPA_APK_ORACLE unset)"; exit 77; }; }

# make_repo DIR: keys/ (trusted), other/ (an unknown key), repo/x86_64/ with
# four packages (scripts, triggers, symlinks, setuid, an origin with two
# subpackages, so: provides, install_if, a conflict) and a signed index.
make_repo() {
    local d=$1
    mkdir -p "$d/keys" "$d/other" "$d/repo/x86_64" "$d/specs"
    build genkey "$d/priv.pem" "$d/keys/copa-test-1.rsa.pub"
    build genkey "$d/other.pem" "$d/other/copa-other-2.rsa.pub"
    local sign="\"sign\":{\"key\":\"$d/priv.pem\",\"keyname\":\"copa-test-1.rsa.pub\""
    cat >"$d/specs/musl.json" <<JSON
{"name":"musl","version":"1.2.4-r2","provides":["so:libc.musl-x86_64.so.1=1"],"provider_priority":"10",
 "files":[{"path":"lib/","dir":true},{"path":"lib/ld-musl-x86_64.so.1","content":"ELF musl","mode":"0755"},
  {"path":"lib/libc.musl-x86_64.so.1","symlink":"ld-musl-x86_64.so.1"}],
 $sign,"algo":"RSA256"}}
JSON
    cat >"$d/specs/hello.json" <<JSON
{"name":"hello","version":"1.0-r0","origin":"hello","depend":["so:libc.musl-x86_64.so.1","!hello-legacy"],
 "provides":["cmd:hello=1.0-r0"],"triggers":["/usr/share/hello/*"],"commit":"0123456789abcdef",
 "scripts":{".post-install":"#!/bin/sh\necho installed\n",".trigger":"#!/bin/sh\necho trigger\n"},
 "files":[{"path":"usr/","dir":true},{"path":"usr/bin/","dir":true},
  {"path":"usr/bin/hello","content":"#!/bin/sh\necho hello\n","mode":"0755"},
  {"path":"usr/bin/hi","symlink":"hello"},
  {"path":"usr/bin/hello-suid","content":"suid","mode":"4755"},
  {"path":"usr/share/","dir":true},{"path":"usr/share/hello/","dir":true,"mode":"0750"},
  {"path":"usr/share/hello/greeting","content":"hello world\n"}],
 $sign}}
JSON
    cat >"$d/specs/hello-doc.json" <<JSON
{"name":"hello-doc","version":"1.0-r0","origin":"hello","install_if":["hello=1.0-r0","docs"],
 "files":[{"path":"usr/","dir":true},{"path":"usr/share/","dir":true},{"path":"usr/share/doc/","dir":true},
  {"path":"usr/share/doc/hello.txt","content":"docs\n","mode":"0444"}],
 $sign,"algo":"RSA512"}}
JSON
    cat >"$d/specs/docs.json" <<JSON
{"name":"docs","version":"2_rc1-r3","files":[],$sign}}
JSON
    for s in musl hello hello-doc docs; do
        local v
        v=$(python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['version'])" "$d/specs/$s.json")
        build package "$d/specs/$s.json" "$d/repo/x86_64/$s-$v.apk"
    done
    build index --out "$d/repo/x86_64/APKINDEX.tar.gz" --key "$d/priv.pem" \
        --keyname copa-test-1.rsa.pub --description "copa test repository" "$d/repo/x86_64/"*.apk
}

# index_text FILE: the APKINDEX member of an index (signature member skipped).
index_text() {
    python3 - "$1" <<'PY'
import gzip, io, sys, tarfile
raw = gzip.decompress(open(sys.argv[1], "rb").read())
tf = tarfile.open(fileobj=io.BytesIO(raw))
for m in tf:
    if m.name == "APKINDEX":
        sys.stdout.write(tf.extractfile(m).read().decode())
PY
}

fail() { echo "FAIL: $*" >&2; exit 1; }
