#!/usr/bin/env bash
# Faults that must fail loudly (docs/security.md): every failure of copa
# exits non-zero with a message naming the problem, and input that is only
# unusual (an empty component index) is no failure at all.
#
# The image and the signed loopback repositories are those of
# tests/integration/patch (make_repos.sh, image.sh); fault_server.py serves
# them with broken .deb downloads under /truncate/ and /loop/.
#
# usage: run.sh COPA WORKDIR PART
#   download     a truncated .deb and a redirect loop: exit 6 with the reason
#   inrelease    an unsigned and a mis-framed InRelease: exit 7
#   empty_index  components without packages, as Debian publishes them
#   outputs      tags and outputs checked before any work, in dry runs too
#   tmpdir       a long TMPDIR is used; what killed runs left there is removed
set -uo pipefail
copa=$1
work=$2
part=$3
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../../.." && pwd)
apt_dir=$src/tests/integration/apt
for tool in dpkg-deb apt-ftparchive gpg python3 xz umoci; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
done
rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd)
"$apt_dir/make_repos.sh" "$work" >"$work/make.log" 2>&1 || { cat "$work/make.log"; exit 1; }

python3 "$here/fault_server.py" "$work/www" "$work/port" "$work/requests.log" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; gpgconf --kill gpg-agent 2>/dev/null' EXIT
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.05; done
root_url=http://127.0.0.1:$(cat "$work/port")
base=$root_url/repos
export XDG_CACHE_HOME=$work/cache
. "$src/tests/integration/patch/image.sh"

failures=0 passes=0
ok() { echo "ok   $1"; passes=$((passes + 1)); }
fail() { echo "FAIL $1: $2"; failures=$((failures + 1)); }
# run NAME [copa patch options]: sets rc, out, err
run() {
    local name=$1
    shift
    "$copa" patch --progress quiet "$@" >"$work/$name.out" 2>"$work/$name.err"
    rc=$?
    out=$(cat "$work/$name.out")
    err=$(cat "$work/$name.err")
}
# expect_failure CASE CODE PATTERN: exit CODE, a message matching PATTERN,
# and never the bare "copa: " of an empty message.
expect_failure() {
    if [ "$rc" -ne "$2" ]; then
        fail "$1" "exit $rc, expected $2; stderr: '$err'"
    elif grep -qx 'copa: *' <<<"$err" || ! grep -Eq "$3" <<<"$err"; then
        fail "$1" "the message does not say '$3': '$err'"
    else ok "$1"; fi
}
tags() { umoci ls --layout "$1" | sort | tr '\n' ' '; }

export GNUPGHOME=$work/gnupg
# sign_repo DIR: InRelease and Release.gpg by the rsa3072 key the image trusts.
sign_repo() {
    local k
    k=$(cat "$work/keys/rsa3072.fpr")
    gpg --batch --quiet --yes -u "$k!" --clearsign -o "$1/InRelease" "$1/Release" &&
        gpg --batch --quiet --yes -u "$k!" --armor --detach-sign -o "$1/Release.gpg" "$1/Release"
}
# release_of DIR COMPONENTS: a Release over DIR's indexes.
release_of() {
    apt-ftparchive -o APT::FTPArchive::Release::Suite=stable \
        -o APT::FTPArchive::Release::Codename=stable \
        -o APT::FTPArchive::Release::Architectures=amd64 \
        -o APT::FTPArchive::Release::Components="$2" release "$1" >"$1/Release.new" &&
        mv "$1/Release.new" "$1/Release"
}

if [ "$part" = download ]; then
    # A .deb cut short on every attempt, and one that redirects to itself:
    # after the retries copa exits 6 (network) naming the package and why,
    # and writes no tag.
    for fault in truncate loop; do
        base=$root_url/$fault/repos make_image "$fault" debian 1.0-1
        run "$fault" -i "oci:$work/images/$fault:base"
        expect_failure "$fault" 6 'hello-copa 1\.1-1: .*(transfer closed|partial|Partial|redirect)'
        if [ "$(tags "$work/images/$fault")" != "base " ]; then
            fail "${fault}_no_tag" "a tag was written: $(tags "$work/images/$fault")"
        fi
    done
fi

if [ "$part" = inrelease ]; then
    # An InRelease that is the bare Release (no signature at all), and one
    # whose armor is mangled (the signature block's BEGIN line gone): both
    # fail verification, exit 7, like a bad signature.
    for case in bare misframed; do
        cp -a "$work/www/repos/good" "$work/www/repos/$case"
        d=$work/www/repos/$case/dists/stable
        rm -f "$d/Release.gpg"
        if [ "$case" = bare ]; then cp "$d/Release" "$d/InRelease"
        else sed -i '/^-----BEGIN PGP SIGNATURE-----$/d' "$d/InRelease"; fi
        REPO=$case make_image "$case" debian 1.0-1
        run "inrelease_$case" -i "oci:$work/images/$case:base" --dry-run
        expect_failure "inrelease_$case" 7 "repos/$case stable: InRelease: "
    done
fi

if [ "$part" = empty_index ]; then
    # Debian's bookworm-updates publishes contrib, non-free and
    # non-free-firmware without packages: a 0-byte Packages and a 32-byte
    # Packages.xz (xz of nothing). The image's sources list every component,
    # as the installer's do; here non-free has a Packages.gz of nothing.
    r=$work/www/repos/every
    mkdir -p "$r/pool/main"
    cp "$work"/debs/hello-copa_1.[01]-1_amd64.deb "$work"/debs/copa-data_*.deb "$r/pool/main/"
    d=$r/dists/stable
    for comp in main contrib non-free non-free-firmware; do
        mkdir -p "$d/$comp/binary-amd64"
        if [ "$comp" = main ]; then
            (cd "$r" && apt-ftparchive --arch amd64 packages pool/main) >"$d/main/binary-amd64/Packages"
        else
            : >"$d/$comp/binary-amd64/Packages"
        fi
        if [ "$comp" = non-free ]; then gzip -k -n -9 "$d/$comp/binary-amd64/Packages"
        else xz -k "$d/$comp/binary-amd64/Packages"; fi
    done
    release_of "$d" "main contrib non-free non-free-firmware"
    sign_repo "$d" || { echo "cannot sign"; exit 1; }
    if [ "$(stat -c %s "$d/contrib/binary-amd64/Packages.xz")" -ne 32 ]; then
        fail empty_xz_size "xz of nothing is $(stat -c %s "$d/contrib/binary-amd64/Packages.xz") bytes here, Debian's is 32"
    fi
    REPO=every COMPONENTS='main contrib non-free non-free-firmware' make_image every debian 1.0-1
    run empty_index -i "oci:$work/images/every:base" --dry-run
    if [ "$rc" -ne 0 ]; then
        fail empty_index "exit $rc: $err"
    elif ! grep -Eq '^hello-copa +amd64 +1\.0-1 +1\.1-1 +upgrade' <<<"$out"; then
        fail empty_index "the plan misses hello-copa 1.1-1: $out"
    else ok empty_index; fi
    # The same again, from the cache (the uncompressed copies are made).
    run empty_index_cached -i "oci:$work/images/every:base" --dry-run
    if [ "$rc" -eq 0 ]; then ok empty_index_cached
    else fail empty_index_cached "exit $rc: $err"; fi
    # Garbage behind the xz magic still fails to decompress: exit 3.
    printf '\3757zXZ\0not an xz stream at all' >"$d/contrib/binary-amd64/Packages.xz"
    release_of "$d" "main contrib non-free non-free-firmware"
    sign_repo "$d" || { echo "cannot sign"; exit 1; }
    rm -rf "$XDG_CACHE_HOME"
    run garbage_xz -i "oci:$work/images/every:base" --dry-run
    expect_failure garbage_xz 3 'cannot decompress: .*Corrupt'
fi

if [ "$part" = outputs ]; then
    make_image out debian 1.0-1
    img=oci:$work/images/out:base
    # A dry run checks the destination and tag as the real run does, and no
    # tag is longer than 128 characters (128 is fine).
    long=$(printf 't%.0s' $(seq 129))
    run dry_bad_tag -i "$img" --dry-run -t 'bad!tag'
    expect_failure dry_bad_tag 3 "bad!tag"
    run dry_long_tag -i "$img" --dry-run -t "$long"
    expect_failure dry_long_tag 3 '129 characters'
    run long_tag -i "$img" -t "$long"
    expect_failure long_tag 3 '129 characters'
    run dry_long_suffix -i "$img" --dry-run --tag-suffix "${long:5}"
    expect_failure dry_long_suffix 3 'at most 128'
    run dry_128 -i "$img" --dry-run -t "${long:1}"
    if [ "$rc" -eq 0 ]; then ok dry_128; else fail dry_128 "exit $rc: $err"; fi
    # An -o that cannot be written fails before any work: no tag written,
    # nothing downloaded; the dry run says the same. (The report makes a
    # VEX document worth writing.)
    python3 - "$work/report.json" <<'PY'
import json, sys
vuln = {"VulnerabilityID": "CVE-2099-0001", "PkgName": "hello-copa", "InstalledVersion": "1.0-1",
        "FixedVersion": "1.1-1", "Status": "fixed", "Severity": "HIGH"}
json.dump({"SchemaVersion": 2, "ArtifactName": "copa-test", "ArtifactType": "container_image",
           "Metadata": {"OS": {"Family": "debian", "Name": "12"}},
           "Results": [{"Target": "copa-test (debian 12)", "Class": "os-pkgs", "Type": "debian",
                        "Vulnerabilities": [vuln]}]}, open(sys.argv[1], "w"))
PY
    for case in missing_dir:4 is_dir:3 proc:1; do
        code=${case#*:} case=${case%:*}
        case $case in
        missing_dir) vex=$work/no/such/dir/vex.json ;;
        is_dir) vex=$work ;;
        proc) vex=/proc/copa-vex.json ;;
        esac
        rm -rf "$XDG_CACHE_HOME"
        run "vex_$case" -i "$img" -r "$work/report.json" -t "vex-$case" -o "$vex"
        expect_failure "vex_$case" "$code" "VEX output \(-o\) $vex"
        if [ "$(tags "$work/images/out")" != "base " ]; then
            fail "vex_${case}_no_tag" "the image was written first: $(tags "$work/images/out")"
        elif ls "$XDG_CACHE_HOME"/copa/deb/sha256/* >/dev/null 2>&1; then
            fail "vex_${case}_no_download" "packages were downloaded first"
        fi
        [ "$case" = proc ] && continue # root passes access() there: only the real run probes
        run "vex_dry_$case" -i "$img" -r "$work/report.json" --dry-run -o "$vex"
        expect_failure "vex_dry_$case" "$code" "VEX output \(-o\) $vex"
    done
    # A writable -o: patched, and the document is there.
    run vex_ok -i "$img" -r "$work/report.json" -t vex-ok -o "$work/vex.json"
    if [ "$rc" -eq 0 ] && [ -s "$work/vex.json" ]; then ok vex_ok
    else fail vex_ok "exit $rc: $err"; fi
    # --archive into a missing directory: the same, before any work.
    run archive_missing -i "$img" --archive "$work/no/such/dir/out.tar"
    expect_failure archive_missing 4 'archive \(--archive\)'
fi

if [ "$part" = tmpdir ]; then
    make_image tmp debian 1.0-1
    img=oci:$work/images/tmp:base
    # A TMPDIR of 40+ characters is where the layer goes (it was /tmp), in
    # a directory named for the run: copa-<pid>-patch-XXXXXX.
    long_tmp=$work/a-temporary-directory-with-a-rather-long-name
    mkdir -p "$long_tmp"
    python3 "$here/watch_creates.py" "$long_tmp" "$work/created" &
    watcher=$!
    for _ in $(seq 100); do [ -e "$work/created.ready" ] && break; sleep 0.05; done
    TMPDIR=$long_tmp run tmp_layer -i "$img" -t tmp-layer
    sleep 0.2
    kill "$watcher" 2>/dev/null
    wait "$watcher" 2>/dev/null
    if [ "$rc" -ne 0 ]; then
        fail tmp_layer "exit $rc: $err"
    elif ! grep -Eq '^dir copa-[0-9]+-patch-[A-Za-z0-9]{6}$' "$work/created"; then
        fail tmp_layer "no copa-<pid>-patch-* directory was made in TMPDIR: $(tr '\n' ' ' <"$work/created")"
    elif [ -n "$(ls -A "$long_tmp")" ]; then
        fail tmp_layer "the run left $(ls -A "$long_tmp") in TMPDIR"
    else ok tmp_layer; fi
    # What killed runs left is removed by the next run, and nothing else:
    # not a live process's, not a recent one, not other names, not through
    # a symbolic link.
    mkdir -p "$work/elsewhere"
    dead=$(sh -c 'echo $$')
    old='-2 hours'
    mk() { mkdir -p "$long_tmp/$1" && echo x >"$long_tmp/$1/layer.tar.gz"; }
    mk "copa-$dead-patch-Ab12Cd"
    mk "copa-$dead-image-Ef34Gh"
    mk "copa-$server-patch-Ij56Kl"
    mk "copa-$dead-patch-Recent"
    mk "copa-patch-Mn78Op"
    mk "other-$dead-patch-Qr90St"
    echo keep >"$work/elsewhere/file"
    ln -s "$work/elsewhere" "$long_tmp/copa-$dead-patch-Link00"
    for e in "$long_tmp"/*; do
        [ "$e" = "$long_tmp/copa-$dead-patch-Recent" ] && continue
        touch -h -d "$old" "$e"/* "$e" 2>/dev/null
    done
    TMPDIR=$long_tmp run tmp_long -i "$img" -t tmp-long
    if [ "$rc" -ne 0 ]; then
        fail tmp_long "exit $rc: $err"
    else
        left=$(cd "$long_tmp" && ls | sort | tr '\n' ' ')
        want=$(printf '%s\n' "copa-$dead-patch-Link00" "copa-$dead-patch-Recent" \
            "copa-$server-patch-Ij56Kl" copa-patch-Mn78Op "other-$dead-patch-Qr90St" | sort | tr '\n' ' ')
        if [ "$left" != "$want" ]; then
            fail tmp_reap "left in TMPDIR: '$left', expected '$want'"
        elif [ "$(cat "$work/elsewhere/file" 2>/dev/null)" != keep ]; then
            fail tmp_reap "a file was removed through a symbolic link"
        else ok tmp_reap; fi
    fi
fi

echo "$passes passed, $failures failed"
[ "$passes" -gt 0 ] || { echo "FAIL: part '$part' checked nothing"; exit 1; }
[ "$failures" -eq 0 ] || exit 1
exit 0
