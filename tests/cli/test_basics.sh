#!/usr/bin/env bash
# The CLI skeleton: --version, help, dispatch, usage errors, vercmp.
set -euo pipefail
COPA=$1
source "$(dirname "$0")/assert.sh"

run "$COPA" --version
expect_status 0
[[ $out =~ ^copa\ [0-9]+\.[0-9]+\.[0-9]+\ \(libcopa\ [0-9.]+\)$ ]] || fail "version line"

run "$COPA"
expect_status 2
expect_err_contains "usage: copa"

run "$COPA" help
expect_status 0
expect_out_contains "vercmp"
expect_out_contains "report"

run "$COPA" help vercmp
expect_status 0
expect_out_contains "usage: copa vercmp"

run "$COPA" vercmp --help
expect_status 0
expect_out_contains "usage: copa vercmp"

run "$COPA" help nosuch
expect_status 2

run "$COPA" nosuch
expect_status 2
expect_err_contains "unknown command 'nosuch'"

# vercmp: the three answers, for each format.
run "$COPA" vercmp --format deb 1.0~rc1 1.0;   expect_status 0; expect_out "<"
run "$COPA" vercmp --format deb 1:0.1 2.0;     expect_status 0; expect_out ">"
run "$COPA" vercmp --format deb 1.0-1 1.0-1;   expect_status 0; expect_out "="
run "$COPA" vercmp -f rpm 1.0^git1 1.0;        expect_status 0; expect_out ">"
run "$COPA" vercmp -f rpm 1.0~rc1 1.0;         expect_status 0; expect_out "<"
run "$COPA" vercmp -f apk 1.2_rc1 1.2;         expect_status 0; expect_out "<"
run "$COPA" vercmp -f apk 1.2-r1 1.2-r0;       expect_status 0; expect_out ">"
run "$COPA" vercmp --format=APK 1.2_p1 1.2;    expect_status 0; expect_out ">"

# Usage errors: exit 2 and no answer on stdout.
run "$COPA" vercmp 1 2;                        expect_status 2; expect_no_out
expect_err_contains "--format is required"
run "$COPA" vercmp --format deb 1;             expect_status 2; expect_no_out
run "$COPA" vercmp --format deb 1 2 3;         expect_status 2; expect_no_out
run "$COPA" vercmp --format zip 1 2;           expect_status 2; expect_no_out
expect_err_contains "zip"
run "$COPA" vercmp --bogus;                    expect_status 2

# Invalid versions: exit 3, the message names the string.
run "$COPA" vercmp --format deb 'a:1' 1.0;     expect_status 3; expect_no_out
expect_err_contains "a:1"
run "$COPA" vercmp --format deb '1.0 beta' 1;  expect_status 3; expect_err_contains "1.0 beta"
run "$COPA" vercmp --format deb '' 1;          expect_status 3
echo "cli basics: ok"

# Long options are never abbreviated: `--vex FILE` is not --vex-author, and
# `--ign` is not --ignore-errors; a value that looks like an option is a value.
run "$COPA" patch -i oci:/nonexistent:x --vex out.json --dry-run
expect_status 2
expect_err_contains "unknown option '--vex'"
expect_err_contains "did you mean --vex-author?"
run "$COPA" patch -i oci:/nonexistent:x --ign --dry-run
expect_status 2
expect_err_contains "did you mean --ignore-errors?"
run "$COPA" packages --form json oci:/nonexistent:x
expect_status 2
expect_err_contains "unknown option '--form'"
run "$COPA" patch -i oci:/nonexistent:x -t --vexy --dry-run
expect_status 4
run "$COPA" patch -i oci:/nonexistent:x --tag --vexy --dry-run
expect_status 4
