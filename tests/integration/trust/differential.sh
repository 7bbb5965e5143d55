#!/usr/bin/env bash
# For every generated signature case, libcopa's verdict must equal gpgv's,
# with gpgv's output judged as apt judges it (methods/gpgv.cc): a signature
# is good when gpgv reports GOODSIG for it and its VALIDSIG names a digest
# other than MD5 (1), SHA-1 (2) or RIPEMD-160 (3). EXPKEYSIG and REVKEYSIG
# are not GOODSIG, so expired and revoked keys are bad for both.
#
# usage: differential.sh PGP_CHECK WORKDIR
set -euo pipefail
check=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)
command -v gpgv >/dev/null && command -v gpg >/dev/null || {
    echo "SKIP: gpg/gpgv not installed"
    exit 77
}
"$here/gen_fixtures.sh" "$work/fx" >/dev/null 2>&1
cd "$work/fx"
home=$(mktemp -d /tmp/copa-gpgv.XXXXXX)
trap 'rm -rf "$home"' EXIT

gpgv_verdict() { # cleartext|detached sig data
    local status
    if [ "$1" = cleartext ]; then
        status=$(GNUPGHOME=$home gpgv --keyring "$PWD/trusted.gpg" --status-fd 1 "$2" 2>/dev/null || true)
    else
        status=$(GNUPGHOME=$home gpgv --keyring "$PWD/trusted.gpg" --status-fd 1 "$2" "$3" 2>/dev/null || true)
    fi
    # GOODSIG <keyid>; VALIDSIG <fpr> ... field 9 = hash algorithm.
    awk '$2 == "GOODSIG" { good[$3] = 1 }
         $2 == "VALIDSIG" && $10 != 1 && $10 != 2 && $10 != 3 { valid[substr($3, length($3) - 15)] = 1 }
         END { for (k in good) if (k in valid) { print "good"; exit } print "bad" }' <<<"$status"
}

failures=0 total=0
while read -r name kind sig data expect; do
    total=$((total + 1))
    theirs=$(gpgv_verdict "$kind" "$sig" "$data")
    for ring in trusted.gpg trusted.asc; do
        if [ "$kind" = cleartext ]; then
            line=$(COPA_PGP_TEXT_OUT=$home/ours.txt "$check" "$ring" cleartext "$sig" || true)
            # A good message's text must be exactly what gpgv says was signed.
            if [ "$theirs" = good ] && [ "${line%% *}" = GOOD ]; then
                GNUPGHOME=$home gpgv --keyring "$PWD/trusted.gpg" -o "$home/theirs.txt" "$sig" 2>/dev/null || true
                cmp -s "$home/ours.txt" "$home/theirs.txt" || line="GOOD but signed text differs from gpgv's"
                rm -f "$home/ours.txt" "$home/theirs.txt"
            fi
        else
            line=$("$check" "$ring" detached "$sig" "$data" || true)
        fi
        # Anything but a verdict line (a crash, a sanitizer report) fails.
        case $line in GOOD\ but*) ours=bad ;; GOOD*) ours=good ;; BAD*) ours=bad ;; *) ours=crash ;; esac
        if [ "$ours" != "$theirs" ] || [ "$ours" != "$expect" ]; then
            echo "FAIL $name ($ring): copa=$ours gpgv=$theirs expected=$expect: $line"
            failures=$((failures + 1))
        else
            echo "ok   $name ($ring): $ours — $line"
        fi
    done
done <cases.txt
echo "differential: $total cases, $failures disagreements"
[ "$failures" -eq 0 ]
