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
#   download  a truncated .deb and a redirect loop: exit 6 with the reason
#   ...
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
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.05; done
root_url=http://127.0.0.1:$(cat "$work/port")
base=$root_url/repos
export XDG_CACHE_HOME=$work/cache
. "$src/tests/integration/patch/image.sh"

failures=0 total=0
ok() { echo "ok   $1"; }
fail() { echo "FAIL $1: $2"; failures=$((failures + 1)); }
# run NAME [copa patch options]: sets rc, out, err
run() {
    local name=$1
    shift
    total=$((total + 1))
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

echo "$((total - failures))/$total passed"
[ "$failures" -eq 0 ] || exit 1
exit 0
