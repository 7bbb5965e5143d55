#!/usr/bin/env bash
# Generate throwaway OpenPGP keys, keyrings and signatures with GnuPG for the
# trust tests, in OUTDIR (created). Writes OUTDIR/cases.txt, one case a line:
#   <name> <cleartext|detached> <signature file> <data file or -> <expect good|bad>
# and the keyrings trusted.gpg (binary) and trusted.asc (one armored block
# per key). Keys are created fresh on every run; nothing here is a secret.
#
# usage: gen_fixtures.sh OUTDIR
set -euo pipefail
out=$1
rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
GNUPGHOME=$(mktemp -d /tmp/copa-gpg.XXXXXX)
export GNUPGHOME
trap 'gpgconf --kill gpg-agent >/dev/null 2>&1 || true; rm -rf "$GNUPGHOME"' EXIT

g() { gpg --batch --quiet --no-tty --pinentry-mode loopback --passphrase '' "$@"; }
fpr_of() { g --list-keys --with-colons "$1" | awk -F: '/^fpr/ {print $10; exit}'; }
newkey() { # name algo usage expire [extra gpg options]
    local name=$1 algo=$2 usage=$3 expire=$4
    shift 4
    g "$@" --quick-gen-key "$name <$name@copa.test>" "$algo" "$usage" "$expire"
    fpr_of "$name@copa.test" >"$out/$name.fpr"
}

newkey rsa3072 rsa3072 sign 0
newkey rsa4096 rsa4096 sign 0
newkey ed25519 ed25519 sign 0
newkey p256 nistp256 sign 0
newkey p384 nistp384 sign 0
newkey unknown ed25519 sign 0
newkey revoked ed25519 sign 0
# Created in 2020 with one year of validity: expired today.
newkey expired ed25519 sign 1y --faked-system-time '20200101T000000!'
# A certify-only primary whose only signing key is a subkey.
newkey subkey rsa3072 cert 0
g --quick-add-key "$(cat "$out/subkey.fpr")" ed25519 sign 0

# The signed document: dash-escaping, trailing blanks, an armor-like line.
printf 'Origin: copa test\nLabel: copa\n- a line starting with a dash\n-----BEGIN PGP NOT ARMOR\ntrailing spaces   \ntrailing tab\t\n\nlast line\n' \
    >"$out/release.txt"
printf 'Origin: copa test\r\nCRLF line ends\r\n' >"$out/crlf.txt"

clear() { # case key [gpg options]
    local name=$1 key=$2
    shift 2
    g "$@" -u "$(cat "$out/$key.fpr")" --clearsign -o "$out/$name.asc" "$out/release.txt"
}
detach() { # case key armor|binary data [gpg options]
    local name=$1 key=$2 kind=$3 data=$4 ext=sig opt=()
    shift 4
    if [ "$kind" = armor ]; then ext=asc opt=(--armor); fi
    g "$@" "${opt[@]}" -u "$(cat "$out/$key.fpr")" --detach-sign -o "$out/$name.$ext" \
        "$out/$data"
}

: >"$out/cases.txt"
case_() { echo "$*" >>"$out/cases.txt"; }

for k in rsa3072 rsa4096 ed25519 p256 p384; do
    clear "clear_$k" "$k"
    case_ "clear_$k" cleartext "clear_$k.asc" - good
done
clear clear_sha224 rsa3072 --digest-algo SHA224
case_ clear_sha224 cleartext clear_sha224.asc - good
clear clear_sha512 ed25519 --digest-algo SHA512
case_ clear_sha512 cleartext clear_sha512.asc - good
detach det_rsa3072 rsa3072 binary release.txt
case_ det_rsa3072 detached det_rsa3072.sig release.txt good
detach det_ed25519 ed25519 armor release.txt
case_ det_ed25519 detached det_ed25519.asc release.txt good
detach det_p256 p256 binary crlf.txt
case_ det_p256 detached det_p256.sig crlf.txt good
detach det_text rsa4096 binary release.txt --textmode
case_ det_text detached det_text.sig release.txt good
clear clear_subkey subkey
case_ clear_subkey cleartext clear_subkey.asc - good
detach det_subkey subkey binary release.txt
case_ det_subkey detached det_subkey.sig release.txt good

# Tampering: one changed byte in the text, or in the data.
sed 's/^Label: copa$/Label: copA/' "$out/clear_rsa3072.asc" >"$out/tampered_clear.asc"
case_ tampered_clear cleartext tampered_clear.asc - bad
sed 's/^Label: copa$/Label: copA/' "$out/release.txt" >"$out/release_tampered.txt"
case_ tampered_detached detached det_rsa3072.sig release_tampered.txt bad
case_ tampered_detached_ed25519 detached det_ed25519.asc release_tampered.txt bad
# Trailing blanks are not signed: changing them must not matter.
sed 's/^trailing spaces   $/trailing spaces/' "$out/clear_ed25519.asc" >"$out/blanks_clear.asc"
case_ blanks_clear cleartext blanks_clear.asc - good

clear clear_unknown unknown
case_ clear_unknown cleartext clear_unknown.asc - bad
g -u "$(cat "$out/unknown.fpr")" -u "$(cat "$out/p256.fpr")" --clearsign -o "$out/clear_multi.asc" \
    "$out/release.txt"
case_ clear_multi cleartext clear_multi.asc - good
g -u "$(cat "$out/unknown.fpr")" -u "$(cat "$out/rsa4096.fpr")" --detach-sign \
    -o "$out/det_multi.sig" "$out/release.txt"
case_ det_multi detached det_multi.sig release.txt good

clear clear_sha1 rsa3072 --digest-algo SHA1
case_ clear_sha1 cleartext clear_sha1.asc - bad
detach det_sha1 rsa4096 binary release.txt --digest-algo SHA1
case_ det_sha1 detached det_sha1.sig release.txt bad

clear clear_expired expired --faked-system-time '20200601T000000!'
case_ clear_expired cleartext clear_expired.asc - bad

clear clear_revoked revoked
g -u "$(cat "$out/unknown.fpr")" -u "$(cat "$out/revoked.fpr")" --clearsign \
    -o "$out/clear_multi_bad.asc" "$out/release.txt"
case_ clear_multi_bad cleartext clear_multi_bad.asc - bad
# Revoke after signing: GnuPG wrote a revocation certificate at key creation.
sed 's/^:-----/-----/' "$GNUPGHOME/openpgp-revocs.d/$(cat "$out/revoked.fpr").rev" |
    g --import 2>/dev/null
case_ clear_revoked cleartext clear_revoked.asc - bad

trusted=()
for k in rsa3072 rsa4096 ed25519 p256 p384 revoked expired subkey; do
    trusted+=("$(cat "$out/$k.fpr")")
done
g --export "${trusted[@]}" >"$out/trusted.gpg"
: >"$out/trusted.asc"
for f in "${trusted[@]}"; do
    g --export --armor "$f" >>"$out/trusted.asc"
done
g --export "$(cat "$out/unknown.fpr")" >"$out/unknown.gpg"
echo "fixtures: $(wc -l <"$out/cases.txt") cases in $out"
