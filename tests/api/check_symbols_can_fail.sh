#!/usr/bin/env bash
# The symbol check must be able to fail: build a copy of the library with
# one extra exported symbol and one declared function missing, and expect
# check_symbols.sh to reject both.
#
# usage: check_symbols_can_fail.sh CC LIBRARY_ARCHIVE INCLUDE_DIR CHECKER
set -euo pipefail
cc=$1 archive=$2 include_dir=$3 checker=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 1. An extra exported symbol: a function outside the headers, default visibility.
cat >"$work/extra.c" <<'C'
__attribute__((visibility("default"))) int copa_not_in_any_header(void) { return 1; }
__attribute__((visibility("default"))) int leaked_helper(void) { return 2; }
C
"$cc" -shared -fPIC -o "$work/libextra.so" "$work/extra.c" \
    -Wl,--whole-archive "$archive" -Wl,--no-whole-archive \
    $(pkg-config --libs libcurl libcrypto libcjson libarchive zlib) -lpthread
if "$checker" "$work/libextra.so" "$include_dir" 2>"$work/err1"; then
    echo "FAIL: an extra exported symbol was not detected" >&2
    exit 1
fi
grep -q '+copa_not_in_any_header' "$work/err1"
grep -q '+leaked_helper' "$work/err1"

# 2. A declared function that the library does not export.
mkdir -p "$work/include/copa"
cp -r "$include_dir"/. "$work/include/"
printf '#include "common.h"\nCOPA_EXTERN(int) copa_declared_but_missing(void);\n' \
    >"$work/include/copa/zz_missing.h"
"$cc" -shared -fPIC -o "$work/libplain.so" \
    -Wl,--whole-archive "$archive" -Wl,--no-whole-archive \
    $(pkg-config --libs libcurl libcrypto libcjson libarchive zlib) -lpthread \
    -Wl,--version-script="$(dirname "$checker")/../../lib/libcopa.map"
if "$checker" "$work/libplain.so" "$work/include" 2>"$work/err2"; then
    echo "FAIL: a declared but missing symbol was not detected" >&2
    exit 1
fi
grep -q -- '-copa_declared_but_missing' "$work/err2"
echo "symbol check rejects extra and missing symbols"
