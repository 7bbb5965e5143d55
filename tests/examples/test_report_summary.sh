#!/usr/bin/env bash
# examples/report_summary against `copa report` on every report fixture:
# for a report copa accepts, the example's lines must say what
# `copa report --json` says (each OS update with installed and fixed version
# and its vulnerability IDs; the number of language packages, unfixed
# vulnerabilities and warnings) and its OS line what `copa report` prints;
# for a report copa rejects, the example must fail with the same message
# and the error code that copa's exit status stands for.
#
# usage: test_report_summary.sh REPORT_SUMMARY COPA FIXTURE_DIR
set -euo pipefail
example=$1 copa=$2 fixtures=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The lines report_summary must print, from copa's JSON and table output.
expected_lines() {
    python3 - "$1" "$work/json" "$work/table" <<'PY'
import json, re, sys
path, doc = sys.argv[1], json.load(open(sys.argv[2]))
os_line = open(sys.argv[3]).read().splitlines()[1]
m = re.match(r"OS: (.*) \((\w+) packages\), architecture", os_line)
print("report: %s (%s)" % (path, doc["source"]["format"]))
print("os: %s (%s)" % (m.group(1), m.group(2)) if m else "os: none")
print("updates: %d" % len(doc["osupdates"]))
for u in doc["osupdates"]:
    print("%s %s -> %s %s" % (u["name"], u["installedVersion"], u["fixedVersion"],
                              ",".join(u["vulnerabilityIDs"])))
print("language packages: %d" % len(doc["langupdates"]))
print("unfixed: %d" % len(doc["unfixable"]))
print("warnings: %d" % len(doc["warnings"]))
PY
}

code_name() {
    case $1 in
    3) echo COPA_EINVALID ;; 4) echo COPA_ENOTFOUND ;; 9) echo COPA_EUNSUPPORTED ;;
    10) echo COPA_EEXTERNAL ;; 11) echo COPA_ETIMEOUT ;; *) echo "COPA_?($1)" ;;
    esac
}

accepted=0 rejected=0
for file in "$fixtures"/*.json "$fixtures/no-such-report.json"; do
    set +e
    "$copa" report --json "$file" >"$work/json" 2>"$work/copa_err"
    copa_status=$?
    "$example" "$file" >"$work/out" 2>"$work/err"
    status=$?
    set -e
    if [ "$copa_status" -eq 0 ]; then
        "$copa" report "$file" >"$work/table"
        expected_lines "$file" >"$work/expected"
        if [ "$status" -ne 0 ] || ! diff -u "$work/expected" "$work/out"; then
            echo "FAIL: $file: report_summary (status $status) differs from copa report" >&2
            cat "$work/err" >&2
            exit 1
        fi
        accepted=$((accepted + 1))
    else
        message=$(sed 's/^copa: //' "$work/copa_err")
        want="report_summary: parse: $(code_name "$copa_status"): $message"
        if [ "$status" -ne 1 ] || [ "$(cat "$work/err")" != "$want" ] || [ -s "$work/out" ]; then
            echo "FAIL: $file: expected status 1 and '$want'" >&2
            echo "got status $status, stderr: $(cat "$work/err")" >&2
            exit 1
        fi
        rejected=$((rejected + 1))
    fi
done

# --format is passed through: a Trivy report read as Grype is rejected.
set +e
"$example" --format grype "$fixtures/trivy-debian.json" >"$work/out" 2>"$work/err"
status=$?
set -e
if [ "$status" -ne 1 ] || ! grep -q 'COPA_EINVALID' "$work/err"; then
    echo "FAIL: --format grype on a Trivy report: status $status, $(cat "$work/err")" >&2
    exit 1
fi

# The comparison must not be vacuous: the fixtures hold both kinds.
if [ "$accepted" -lt 10 ] || [ "$rejected" -lt 5 ]; then
    echo "FAIL: only $accepted accepted and $rejected rejected reports compared" >&2
    exit 1
fi
echo "report_summary agrees with copa report on $accepted reports and $rejected rejections"
