#!/bin/sh
# integration/rpm/<case>: real packages built by build_packages.sh, read by
# rpm_dump (libcopa) and compared with rpm itself.
#   fields   identity, dependencies, files, scriptlets = rpm -qp --queryformat
#   verify   good RSA/EdDSA signatures pass; tampered header, tampered payload,
#            wrong key, unsigned are refused with their own messages
#   payload  every compressor's payload lists the same entries and contents
#            as rpm2archive's tar of it holds, hard links handed out after their content
set -eu
CASE=$1 DUMP=$2 W=$3
HERE=$(cd "$(dirname "$0")" && pwd)
"$HERE/build_packages.sh" "$W" || exit $?
P=$W/pkgs K=$W/keys
export HOME=$W/home LC_ALL=C
fail() { echo "FAIL: $*"; exit 1; }

QF='%{NAME}\n%|EPOCH?{%{EPOCH}}:{(none)}|\n%{VERSION}\n%{RELEASE}\n%{ARCH}\n%{SOURCERPM}\n'
QF="$QF"'%{PAYLOADCOMPRESSOR} %{FILEDIGESTALGO}\n'
for d in P:PROVIDE R:REQUIRE C:CONFLICT O:OBSOLETE REC:RECOMMEND SUG:SUGGEST SUP:SUPPLEMENT ENH:ENHANCE; do
    l=${d%%:*} t=${d#*:}
    QF="$QF[$l %{${t}NAME} %{${t}FLAGS} %{${t}VERSION}\n]"
done
QF="$QF"'[F %{FILENAMES} %{FILEMODES:octal} %{LONGFILESIZES} %{FILEUSERNAME} %{FILEGROUPNAME} %{FILEDIGESTS} %{FILEFLAGS} %{FILELINKTOS} %{FILECAPS} %{FILEINODES} %{FILEMTIMES}\n]'
S='scripts:'
for s in PRETRANS:pretrans PREIN:pre POSTIN:post PREUN:preun POSTUN:postun POSTTRANS:posttrans; do
    t=${s%%:*} n=${s#*:}
    S="$S%|$t?{ $n}:{%|${t}PROG?{ $n}|}|"
done
S="$S"'%|VERIFYSCRIPT?{ verify}|%|TRIGGERSCRIPTS?{ triggers}|%|FILETRIGGERSCRIPTS?{ filetriggers}|%|TRANSFILETRIGGERSCRIPTS?{ transfiletriggers}|\n'
QF="$QF$S"

case $CASE in
fields)
    for f in full-gz full-xz full-zst plain rsa ed; do
        # rpm prints an absent FILECAPS as "(none)"; the model holds ""
        rpm -qp --qf "$QF" "$P/$f.rpm" 2>/dev/null | sed '/^F /s/ (none) /  /' > "$W/$f.rpm.txt"
        "$DUMP" info "$P/$f.rpm" > "$W/$f.copa.txt" || fail "$f: rpm_dump info failed"
        diff -u "$W/$f.rpm.txt" "$W/$f.copa.txt" || fail "$f: fields differ from rpm -qp"
    done
    # the checks above must have seen the features, not empty lists
    grep -q '^2$' "$W/full-xz.copa.txt" || fail "epoch 2 not read"
    grep -q '^(none)$' "$W/plain.copa.txt" || fail "absent epoch not kept apart from 0"
    grep -q 'cap_net_raw=ep' "$W/full-xz.copa.txt" || fail "file capability not read"
    grep -q '^F /usr/bin/copa-suid 104755 ' "$W/full-xz.copa.txt" || fail "setuid mode not read"
    grep -q '^F /etc/copa/copa.conf .* 17 ' "$W/full-xz.copa.txt" || fail "%config(noreplace) flags not read"
    grep -q '^F /var/log/copa.log .* 64 ' "$W/full-xz.copa.txt" || fail "%ghost flag not read"
    grep -q 'scripts: pre post posttrans triggers filetriggers transfiletriggers' "$W/full-xz.copa.txt" ||
        fail "scriptlets not seen"
    grep -q '^SUP copa-base' "$W/full-xz.copa.txt" || fail "weak dependencies not read"
    # the rpmdb form: the header as rpm stores it in rpmdb.sqlite (no magic,
    # install tags appended after the region), in a scratch %_dbpath
    rpm -i --justdb --nodeps --noscripts --notriggers --ignorearch --dbpath "$W/rpmdb" \
        "$P/rsa.rpm" "$P/plain.rpm" >/dev/null 2>&1 || fail "rpm -i --justdb"
    sqlite3 "$W/rpmdb/rpmdb.sqlite" \
        "SELECT writefile('$W/row' || hnum || '.blob', blob) FROM Packages" >/dev/null
    n=0
    : > "$W/rows.txt"
    for blob in "$W"/row*.blob; do
        "$DUMP" header "$blob" > "$W/row.txt" || fail "rpmdb row $blob refused"
        cat "$W/row.txt" >> "$W/rows.txt"
        # more entries than the region: the install tags rpm appended
        awk '{split($3, a, "[=/]"); split($2, b, "="); if (b[2] <= a[3]) exit 1}' "$W/row.txt" ||
            fail "rpmdb row without appended install tags?"
        n=$((n + 1))
    done
    [ $n = 2 ] || fail "expected 2 rpmdb rows, got $n"
    grep -q '^copa-plain-0.1-1.noarch .* files=2$' "$W/rows.txt" &&
        grep -q '^copa-full-2:1.2.3-4.test.x86_64 .* files=13$' "$W/rows.txt" ||
        fail "rpmdb rows do not hold the packages"
    ;;
verify)
    ok() { "$DUMP" verify "$@" > "$W/out" 2>&1 || { cat "$W/out"; fail "refused: $*"; }; cat "$W/out"; }
    refused() { # expected-status message-pattern args...
        st=0; want=$1 pat=$2; shift 2
        "$DUMP" verify "$@" > "$W/out" 2>&1 || st=$?
        cat "$W/out"
        [ "$st" = "$want" ] || fail "status $st (want $want): $*"
        grep -q -- "$pat" "$W/out" || fail "message lacks '$pat': $*"
    }
    ok "$P/rsa.rpm" --keyring "$K/rsa.asc"
    grep -q 'signature=1 tag=268' "$W/out" || fail "RSA signature not the one verified"
    ok "$P/ed.rpm" --keyring "$K/ed.asc"
    grep -q 'signature=1 tag=267' "$W/out" || fail "EdDSA signature not the one verified"
    # the header + payload signature (rpmsign --rpmv3) alone
    python3 "$HERE/tamper.py" "$P/rsa-v3.rpm" drop-header-sig "$W/v3-only.rpm"
    ok "$W/v3-only.rpm" --keyring "$K/rsa.asc"
    grep -q 'signature=1 tag=1002' "$W/out" || fail "header + payload signature not the one verified"
    refused 1 "unknown key" "$W/v3-only.rpm" --keyring "$K/ed.asc"
    RSA_ID=$(gpg --homedir "$W/gnupg" --with-colons --list-keys rsa@example.test | awk -F: '/^pub/{print $5}')
    # wrong key: names the package and the signing key
    refused 1 "copa-full-2:1.2.3-4.test.*$RSA_ID" "$P/rsa.rpm" --keyring "$K/other.asc"
    # allowing unsigned packages does not excuse a signature that fails
    refused 1 "signature by key $RSA_ID: unknown key" "$P/rsa.rpm" --keyring "$K/other.asc" --allow-unsigned
    # unsigned: its own state (exit 3), accepted only when allowed
    refused 3 "is not signed" "$P/full-xz.rpm" --keyring "$K/rsa.asc"
    ok "$P/full-xz.rpm" --keyring "$K/rsa.asc" --allow-unsigned
    grep -q 'signature=2' "$W/out" || fail "unsigned state not reported"
    # no keyring: digests only
    ok "$P/full-xz.rpm"
    # rpm itself is the oracle for the digests: it accepts the original, refuses the tampered
    rpm -K --nosignature "$P/rsa.rpm" >/dev/null || fail "rpm -K refuses the original"
    python3 "$HERE/tamper.py" "$P/rsa.rpm" header "$W/t-header.rpm"
    if rpm -K --nosignature "$W/t-header.rpm" >/dev/null 2>&1; then fail "rpm -K accepts t-header"; fi
    refused 1 "header SHA-256 digest mismatch" "$W/t-header.rpm" --keyring "$K/rsa.asc"
    python3 "$HERE/tamper.py" "$P/rsa.rpm" payload "$W/t-payload.rpm"
    if rpm -K --nosignature "$W/t-payload.rpm" >/dev/null 2>&1; then fail "rpm -K accepts t-payload"; fi
    refused 1 "payload digest mismatch" "$W/t-payload.rpm" --keyring "$K/rsa.asc"
    # a header altered and its SHA-256/SHA-1/MD5 recomputed: only the signature can tell
    python3 "$HERE/tamper.py" "$P/rsa.rpm" header-redigest "$W/t-redigest.rpm"
    refused 1 "signature by key $RSA_ID: bad signature" "$W/t-redigest.rpm" --keyring "$K/rsa.asc"
    ;;
payload)
    for f in full-gz full-xz full-zst plain; do
        "$DUMP" payload "$P/$f.rpm" > "$W/$f.payload" || fail "$f: payload refused"
        mkdir -p "$W/x-$f" && rpm2archive - < "$P/$f.rpm" | tar -xzf - -C "$W/x-$f"
        # every regular file with content: same bytes as cpio extracted
        awk '$1=="file" && $6!="-" {print $6"  "substr($2,2)}' "$W/$f.payload" > "$W/$f.sums"
        [ -s "$W/$f.sums" ] || fail "$f: no file content read"
        (cd "$W/x-$f" && sha256sum -c --quiet "$W/$f.sums") || fail "$f: content differs from rpm2cpio"
        awk '{print $2}' "$W/$f.payload" | sort > "$W/$f.paths"
        (cd "$W/x-$f" && find . -mindepth 1 | sed 's/^\.//' | sort) > "$W/$f.cpio-paths"
        # cpio also creates parent directories the package does not own
        for p in $(cat "$W/$f.paths"); do grep -qx "$p" "$W/$f.cpio-paths" || fail "$f: $p not in the cpio"; done
    done
    cmp -s "$W/full-gz.payload" "$W/full-zst.payload" || fail "gzip and zstd payloads read differently"
    cmp -s "$W/full-gz.payload" "$W/full-xz.payload" || fail "gzip and xz payloads read differently"
    grep -q '^hardlink /usr/share/copa/one 644 0 /usr/share/copa/two' "$W/full-gz.payload" ||
        fail "hard link not handed out after its content"
    grep -q '^symlink /usr/bin/copa-link 777 0 copa-tool' "$W/full-gz.payload" || fail "symlink"
    grep -q '^dir /usr/share/copa/empty' "$W/full-gz.payload" || fail "directory"
    if grep -q copa.log "$W/full-gz.payload"; then fail "%ghost file came out of the payload"; fi
    ;;
*) fail "unknown case $CASE" ;;
esac
echo "PASS: $CASE"
