#!/usr/bin/env bash
# The documentation check must be able to fail: in a copy of the headers,
# remove one doc comment of each kind (header, function, struct field, enum
# value, macro) and expect check_docs.sh to name exactly that item; a
# misspelt @param name must fail too.
#
# usage: check_docs_can_fail.sh DOXYFILE INCLUDE_DIR CHECKER
set -euo pipefail
doxyfile=$1 include_dir=$2 checker=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# expect_failure DESCRIPTION FILE SED_SCRIPT EXPECTED_MESSAGE
expect_failure() {
    rm -rf "$work/include"
    cp -r "$include_dir" "$work/include"
    sed -i "$3" "$work/include/$2"
    if cmp -s "$include_dir/$2" "$work/include/$2"; then
        echo "FAIL: the edit for '$1' changed nothing; update this test" >&2
        exit 1
    fi
    if "$checker" "$doxyfile" "$work/include" >"$work/out" 2>&1; then
        echo "FAIL: $1 was not detected" >&2
        exit 1
    fi
    if ! grep -qF -- "$4" "$work/out"; then
        echo "FAIL: $1: the message does not say '$4':" >&2
        cat "$work/out" >&2
        exit 1
    fi
    echo "detected: $1"
}

expect_failure "an undocumented function" copa/report.h \
    's|^/\*\* Number of warnings (0 when report is NULL). \*/$||' \
    "function copa_report_warning_count"
expect_failure "an undocumented struct field" copa/report.h \
    '/^typedef struct copa_report_unfixed/,/^}/{/\/\*\* Package name. \*\//d}' \
    "struct copa_report_unfixed field name"
expect_failure "an undocumented enum value" copa/errors.h \
    '/A network operation failed after its retries/d' "enum value COPA_ENETWORK"
expect_failure "an undocumented macro" copa/apt.h \
    '/Version of copa_apt_options this header describes/d' "define COPA_APT_OPTIONS_VERSION"
expect_failure "a header without @file" copa/global.h \
    '0,/@file/{/@file/d}' "header global.h has no @file doc comment"
expect_failure "a misspelt @param" copa/pkgversion.h \
    's|@param format   the ordering to use.|@param fmt      the ordering to use.|' \
    "fmt"
echo "documentation check rejects every kind of undocumented item"
