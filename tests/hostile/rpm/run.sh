#!/bin/sh
# hostile/rpm/<case>: a real package with a hostile payload or header, fed
# to rpm_dump of this build (run under ASan+UBSan in CI). Each case must be
# refused with its own message, never crash and never hand out a path the
# signed header does not list.
# run.sh packages - DIR builds the packages once (a ctest fixture);
# run.sh CASE DUMP DIR makes and reads one case.
set -eu
CASE=$1 DUMP=$2 W=$3
HERE=$(cd "$(dirname "$0")" && pwd)
if [ "$CASE" = packages ]; then
    COPA_RPM_NO_KEYS=1 exec "$HERE/../../integration/rpm/build_packages.sh" "$W"
fi
[ -f "$W/pkgs/plain.rpm" ] || { echo "SKIP: packages not built"; exit 77; }
python3 "$HERE/make_case.py" "$CASE" "$W/pkgs/plain.rpm" "$W/pkgs/full-gz.rpm" "$W/$CASE.rpm"
case $CASE in
escape_dotdot) cmd=payload want="'./../../etc/passwd' is not a file of the package header" ;;
escape_absolute) cmd=payload want="'/etc/passwd' does not start with './'" ;;
extra_file) cmd=payload want="evil' is not a file of the package header" ;;
symlink_for_dir) cmd=payload want="has mode 120777, the header 40755" ;;
hardlink_not_in_header) cmd=payload want="hard-links '/usr/share/copa-plain', which the header does not" ;;
duplicate) cmd=payload want="holds '/usr/share/copa-plain/data' twice" ;;
missing) cmd=payload want="lacks '/usr/share/copa-plain/data'" ;;
size_lie) cmd=payload want="has 100 bytes, the header 5" ;;
ghost_in_payload) cmd=payload want="%ghost file '/var/log/copa.log'" ;;
name_huge) cmd=payload want="member name of 2004318071 bytes" ;;
bomb) cmd=payload want="member of 67108864 bytes exceeds the package" ;;
compressor_mismatch) cmd=payload want="payload cannot be opened\|payload is corrupt" ;;
not_cpio) cmd=payload want="payload cannot be opened\|payload is corrupt" ;;
header_huge_count) cmd=info want="4294967295 index entries" ;;
header_huge_data) cmd=info want="data store of 2147483647 bytes" ;;
sig_huge_count) cmd=info want="signature header: header has 65536 index entries" ;;
trailer_int_min) cmd=info want="trailer offset -2147483648 is not negative" ;;
entry_offset_past_store) cmd=info want="outside the" ;;
truncated) cmd=info want="header needs" ;;
lead_only) cmd=info want="signature header: no rpm header magic" ;;
bad_lead) cmd=info want="not an rpm package" ;;
*) echo "unknown case $CASE"; exit 2 ;;
esac
st=0
"$DUMP" "$cmd" "$W/$CASE.rpm" > "$W/$CASE.out" 2>&1 || st=$?
cat "$W/$CASE.out"
[ "$st" = 1 ] || { echo "FAIL: exit status $st, want 1 (refused)"; exit 1; }
grep -q -- "$want" "$W/$CASE.out" || { echo "FAIL: message lacks '$want'"; exit 1; }
# nothing outside the header's list was handed out before the refusal
if grep -v -- "$want" "$W/$CASE.out" | grep -q 'passwd\|evil'; then
    echo "FAIL: a path outside the header was handed out"; exit 1
fi
echo "PASS: $CASE"
