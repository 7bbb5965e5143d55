#!/usr/bin/env bash
# A NUL (\u0000) inside a report string is refused (exit 3 naming it): the
# JSON tree ends strings at a NUL, so "\u00001.1-1" became "" and the fix
# was dropped with exit 0, and "1.1-1\u0000..." was silently cut short.
# An escaped backslash before "u0000" is no NUL and still reads. Bytes that
# are not UTF-8 are refused too; UTF-8 text reads.
#
# usage: report_nul.sh COPA WORKDIR
set -uo pipefail
copa=$1
work=$2
rm -rf "$work"
mkdir -p "$work"
failures=0 total=0
# trivy FILE FIXED_VERSION_JSON [KEY]
trivy() {
    cat >"$1" <<JSON
{"SchemaVersion": 2, "ArtifactName": "x", "ArtifactType": "container_image",
 "Metadata": {"OS": {"Family": "debian", "Name": "12"}},
 "Results": [{"Target": "x (debian 12)", "Class": "os-pkgs", "Type": "debian",
  "Vulnerabilities": [{"VulnerabilityID": "CVE-2099-0001", "PkgName": "hello-copa",
   "InstalledVersion": "1.0-1", "${3:-FixedVersion}": $2, "Status": "fixed"}]}]}
JSON
}
check() { # name file want_rc
    total=$((total + 1))
    "$copa" report "$2" >"$work/$1.out" 2>"$work/$1.err"
    local rc=$?
    if [ "$rc" -ne "$3" ]; then
        echo "FAIL $1: exit $rc, expected $3: $(cat "$work/$1.err" "$work/$1.out")"
        failures=$((failures + 1))
    elif [ "$3" -ne 0 ] && ! grep -qF 'NUL (\u0000)' "$work/$1.err"; then
        echo "FAIL $1: the message does not name the NUL: $(cat "$work/$1.err")"
        failures=$((failures + 1))
    else echo "ok   $1"; fi
}
trivy "$work/lead.json" '"\u00001.1-1"'
check nul_leading "$work/lead.json" 3
trivy "$work/tail.json" '"1.1-1\u0000+evil"'
check nul_inside "$work/tail.json" 3
trivy "$work/key.json" '"1.1-1"' 'FixedVersion\u0000x'
check nul_in_key "$work/key.json" 3
trivy "$work/escaped.json" '"1.1-1"'
sed -i 's/"ArtifactName": "x"/"ArtifactName": "x\\\\u0000y"/' "$work/escaped.json"
check escaped_backslash "$work/escaped.json" 0
grep -qF 'image x\u0000y' "$work/escaped_backslash.out" ||
    { echo "FAIL escaped_backslash: the name is not read as written"; failures=$((failures + 1)); }
# JSON is UTF-8: a Latin-1 byte in a string is refused the same way (it would
# reach the VEX document and make it invalid JSON); real UTF-8 reads.
trivy "$work/latin1.json" '"1.1-1"'
sed -i $'s/CVE-2099-0001/CVE-2099-\xe9/' "$work/latin1.json"
total=$((total + 1))
"$copa" report "$work/latin1.json" >"$work/latin1.out" 2>"$work/latin1.err"
rc=$?
if [ "$rc" -ne 3 ] || ! grep -qF 'UTF-8' "$work/latin1.err"; then
    echo "FAIL latin1: exit $rc, expected 3 naming UTF-8: $(cat "$work/latin1.err")"
    failures=$((failures + 1))
else echo "ok   latin1"; fi
trivy "$work/utf8.json" '"1.1-1"'
sed -i 's/"ArtifactName": "x"/"ArtifactName": "Főtanúsítvány"/' "$work/utf8.json"
check utf8 "$work/utf8.json" 0
echo "$((total - failures))/$total passed"
[ "$failures" -eq 0 ]
