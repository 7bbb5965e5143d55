#!/usr/bin/env bash
# Verify the host's real Debian InRelease files (fetched by apt-get update)
# with the Debian archive keyring, and check the signed text we return is
# the Release content gpgv's own output carries.
#
# usage: debian_inrelease.sh PGP_CHECK
set -euo pipefail
check=$1
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
shopt -s nullglob
files=(/var/lib/apt/lists/*InRelease)
if [ ! -f "$keyring" ] || [ ${#files[@]} -eq 0 ]; then
    echo "SKIP: need $keyring and /var/lib/apt/lists/*InRelease (run apt-get update)"
    exit 77
fi
failures=0
for f in "${files[@]}"; do
    ours=$(mktemp) theirs=$(mktemp) home=$(mktemp -d)
    if line=$(COPA_PGP_TEXT_OUT=$ours "$check" "$keyring" cleartext "$f"); then
        echo "ok   $(basename "$f"): $line"
        # The text we hand to the Release parser is what gpgv says was signed.
        GNUPGHOME=$home gpgv --keyring "$keyring" -o "$theirs" "$f" 2>/dev/null || true
        if ! cmp -s "$ours" "$theirs"; then
            echo "FAIL $(basename "$f"): signed text differs from gpgv's"
            failures=$((failures + 1))
        fi
    else
        echo "FAIL $(basename "$f"): $line"
        failures=$((failures + 1))
    fi
    rm -rf "$ours" "$theirs" "$home"
    # Tampering with the signed text must be caught.
    tampered=$(mktemp)
    sed '0,/^Date:/s/^Date: .*/Date: Thu, 01 Jan 1970 00:00:00 UTC/' "$f" >"$tampered"
    if "$check" "$keyring" cleartext "$tampered" >/dev/null; then
        echo "FAIL $(basename "$f"): tampered copy verified"
        failures=$((failures + 1))
    fi
    rm -f "$tampered"
done
# An empty keyring knows none of the keys.
empty=$(mktemp)
if "$check" "$empty" cleartext "${files[0]}" >/dev/null; then
    echo "FAIL: verified without keys"
    failures=$((failures + 1))
fi
rm -f "$empty"
echo "debian_inrelease: ${#files[@]} files, $failures failures"
[ "$failures" -eq 0 ]
