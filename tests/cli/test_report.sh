#!/usr/bin/env bash
# copa report: table and JSON output, exit codes for bad input, and scanner
# plugins (small shell scripts made here, on a temporary PATH).
set -euo pipefail
COPA=$1
source "$(dirname "$0")/assert.sh"
fixtures=${COPA_TEST_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/fixtures/report

# The table: one line per OS package with the highest fixed version.
run "$COPA" report "$fixtures/trivy-debian.json"
expect_status 0
expect_out_contains "OS: debian 12.5 (deb packages), architecture amd64"
[[ $out =~ libssl3\ +3\.0\.11-1~deb12u2\ +3\.0\.13-1~deb12u1\ +CVE-2023-6129,\ CVE-2024-0727 ]] ||
    fail "libssl3 line"
[[ $out =~ libexample\ +1\.0-1\ +1:1\.2-1 ]] || fail "epoch wins"
expect_out_contains "No fix available (4):"
expect_out_contains "Language packages, not handled by OS patching (2):"
expect_out_contains "Warnings (1):"

# JSON: stable, native v1alpha2 shape; the same run gives the same bytes.
run "$COPA" report --json "$fixtures/grype-debian.json"
expect_status 0
first=$out
echo "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["apiVersion"] == "v1alpha2"
assert d["metadata"]["os"] == {"type": "debian", "version": "12"}
assert d["metadata"]["config"]["arch"] == "arm64"
u = {x["name"]: x for x in d["osupdates"]}
assert u["libssl3"]["fixedVersion"] == "3.0.13-1~deb12u1"
assert u["libssl3"]["vulnerabilityIDs"] == ["CVE-2023-6129", "CVE-2024-0727"]
assert d["langupdates"][0]["name"] == "semver"
assert [x["status"] for x in d["unfixable"]] == ["not-fixed", "wont-fix"]
assert d["source"]["format"] == "grype"
' || fail "JSON content"
run "$COPA" report -j "$fixtures/grype-debian.json"
[ "$out" = "$first" ] || fail "JSON not stable"

# --format forces a parser; auto detects.
run "$COPA" report --format native "$fixtures/native-v1alpha1.json"
expect_status 0
expect_out_contains "openssl  3.3.0-1.azl3  3.3.0-3.azl3"
run "$COPA" report --format trivy "$fixtures/grype-debian.json"
expect_status 3
expect_no_out
run "$COPA" report --format sarif "$fixtures/grype-debian.json"
expect_status 2

# Nothing to fix is success.
run "$COPA" report "$fixtures/trivy-nothing.json"
expect_status 0
expect_out_contains "Nothing to fix"

# Bad input: one message naming the file, a specific status, nothing on stdout.
check_bad() { # FIXTURE STATUS TEXT
    run "$COPA" report "$fixtures/$1"
    expect_status "$2"
    expect_no_out
    expect_err_contains "$fixtures/$1: $3"
    [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] || fail "one line of error"
}
check_bad malformed.json 3 "malformed JSON at byte 92 (line 4, column 38): expected a string key"
check_bad empty.json 3 "the report is empty"
check_bad wrong-type.json 3 "Results[0].Vulnerabilities[1].PkgName: expected a string, got a number"
check_bad missing-field.json 3 "osupdates[0].installedVersion: required field is missing"
check_bad unknown.json 3 "unknown report format"
check_bad ambiguous.json 3 "cannot tell the report format"
check_bad trivy-windows.json 9 "the report is for OS 'windows'"
check_bad trivy-invalid-version.json 3 "package 'libbroken': invalid deb version 'not a version'"
run "$COPA" report /nonexistent/report.json
expect_status 4
run "$COPA" report --ignore-errors "$fixtures/trivy-invalid-version.json"
expect_status 0
expect_out_contains "skipped package 'libbroken'"

# Usage errors.
run "$COPA" report;                             expect_status 2
run "$COPA" report a b;                         expect_status 2
run "$COPA" report --timeout x a;               expect_status 2
run "$COPA" report --scanner x --format trivy a; expect_status 2
run "$COPA" report --help;                      expect_status 0; expect_out_contains "usage: copa report"

# Plugins: made here, found through PATH, run without a shell.
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
native=$fixtures/native-v1alpha1.json
cat >"$bin/copa-ok" <<PLUGIN
#!/bin/sh
# Echo back what we got, on stderr, then the native report on stdout.
echo "copa-ok was given: \$# \$1" >&2
cat "$native"
PLUGIN
cat >"$bin/copa-fails" <<'PLUGIN'
#!/bin/sh
echo "cannot read the report" >&2
exit 3
PLUGIN
cat >"$bin/copa-garbage" <<'PLUGIN'
#!/bin/sh
echo "this is not json"
PLUGIN
cat >"$bin/copa-trivy" <<PLUGIN
#!/bin/sh
cat "$fixtures/trivy-debian.json"
PLUGIN
cat >"$bin/copa-slow" <<'PLUGIN'
#!/bin/sh
sleep 30
PLUGIN
printf 'not executable\n' >"$bin/copa-noexec"
chmod +x "$bin"/copa-ok "$bin"/copa-fails "$bin"/copa-garbage "$bin"/copa-trivy "$bin"/copa-slow

report_arg="$bin/some report.json"   # a space: no shell splits it
run env PATH="$bin:$PATH" "$COPA" report --scanner ok "$report_arg"
expect_status 0
expect_out_contains "Report: $report_arg (plugin)"
expect_out_contains "openssl  3.3.0-1.azl3  3.3.0-3.azl3"
expect_err_contains "copa-ok was given: 1 $report_arg"   # stderr passes through

run env PATH="$bin:$PATH" "$COPA" report --scanner fails x.json
expect_status 10
expect_no_out
expect_err_contains "cannot read the report"
expect_err_contains "scanner plugin copa-fails failed with exit status 3"

run env PATH="$bin:$PATH" "$COPA" report --scanner garbage x.json
expect_status 10
expect_no_out
expect_err_contains "invalid output of scanner plugin copa-garbage: malformed JSON at byte 0"

# A plugin must print native JSON, not another scanner's format.
run env PATH="$bin:$PATH" "$COPA" report --scanner trivy x.json
expect_status 10
expect_err_contains "copa-trivy: apiVersion: required field is missing"

run env PATH="$bin:$PATH" "$COPA" report --scanner missing x.json
expect_status 4
expect_err_contains "scanner plugin copa-missing not found"
run env PATH="$bin:$PATH" "$COPA" report --scanner noexec x.json
expect_status 4
run env PATH="$bin:$PATH" "$COPA" report --scanner ../x x.json
expect_status 3

start=$(date +%s)
run env PATH="$bin:$PATH" "$COPA" report --scanner slow --timeout 0.5 x.json
expect_status 11
expect_err_contains "scanner plugin copa-slow did not finish within 500 ms"
[ $(($(date +%s) - start)) -lt 10 ] || fail "timeout took too long"
echo "cli report: ok"
