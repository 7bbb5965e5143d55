#!/usr/bin/env bash
# --timeout of copa copy and copa inspect (docs/cli.md): against a real
# registry behind fault_proxy.py's stall modes (a manifest that never comes,
# a blob body that stops halfway, an upload never answered) and against an
# OCI layout whose index.json lock another process holds, copa must exit 11
# (timeout) soon after the deadline, with a message, and leave the
# destination as it was.
#
# usage: test_timeout.sh COPA
copa=$1
source "$(dirname "$0")/../layout/common.sh"
proxy_script=$(cd "$(dirname "$0")/../registry" && pwd)/fault_proxy.py
deadline=2 # seconds given to copa
allowed=8  # seconds copa may take in all (start-up, the deadline, giving up)

make_image src v1 1
start_registry
"$copa" copy -q --insecure-registry "$reg" oci:src:v1 "docker://$reg/repo:base" ||
    die "seeding the registry failed"

# start_proxy MODE: fault_proxy.py in front of the registry; sets $proxy.
start_proxy() {
    rm -f "$t/proxy.port"
    python3 "$proxy_script" "$t/proxy.port" "$reg" "$1" "$t/proxy-$1.log" &
    pids+=($!)
    for _ in $(seq 1 100); do [ -s "$t/proxy.port" ] && break; sleep 0.1; done
    [ -s "$t/proxy.port" ] || die "fault_proxy.py did not start"
    proxy=127.0.0.1:$(cat "$t/proxy.port")
}

# timed NAME CMD...: runs CMD (killed after 100 s); $rc, $took (seconds), $err.
timed() {
    local name=$1 start
    shift
    start=$(date +%s.%N)
    rc=0
    timeout 100 "$@" >"$t/$name.out" 2>"$t/$name.err" || rc=$?
    took=$(echo "$(date +%s.%N) - $start" | bc)
    err=$(cat "$t/$name.err")
    if grep -q "AddressSanitizer\|runtime error" "$t/$name.err"; then die "$name: sanitizer report: $err"; fi
}
# timed_out NAME: exit 11 with a message, within the allowed time, not before the deadline.
timed_out() {
    [ "$rc" = 11 ] || die "$1: exit $rc, expected 11 (timeout) after $took s: $err"
    grep -q "^copa: .*timed out" "$t/$1.err" || die "$1: no timeout message: $err"
    [ "$(echo "$took < $allowed" | bc)" = 1 ] || die "$1: took $took s (deadline $deadline s)"
    [ "$(echo "$took >= $deadline" | bc)" = 1 ] || die "$1: gave up after $took s, before the deadline"
}

# 1. inspect: the manifest never comes.
start_proxy stall_manifest
timed inspect "$copa" inspect --timeout ${deadline}s --insecure-registry "$proxy" "docker://$proxy/repo:base"
timed_out inspect
ok "inspect of a manifest that never comes: exit 11 after $took s"

# 2. copy (pull): a blob body stops halfway; the layout gets no tag.
start_proxy stall_blob
timed pull "$copa" copy -q --timeout ${deadline}s --insecure-registry "$proxy" \
    "docker://$proxy/repo:base" oci:pulled:x
timed_out pull
if [ -e pulled/index.json ]; then [ -z "$(tags pulled)" ] || die "pull: tags '$(tags pulled)'"; fi
ok "pull of a blob that stops halfway: exit 11 after $took s, no tag"

# 3. copy (push): the upload is never answered; the tag does not appear.
start_proxy stall_upload
timed push "$copa" copy -q --timeout ${deadline}s --insecure-registry "$proxy" oci:src:v1 \
    "docker://$proxy/fresh:pushed"
timed_out push
curl -s "http://$reg/v2/fresh/tags/list" | jq -e '(.tags // []) | index("pushed") | not' >/dev/null ||
    die "push: the tag appeared"
ok "push whose upload is never answered: exit 11 after $took s, no tag"

# 4. copy into an OCI layout whose lock another writer holds (flock on
#    index.json, as copa's own writers take it) for longer than the deadline.
mkdir -p locked
"$copa" copy -q oci:src:v1 oci:locked:old || die "cannot make the locked layout"
before=$(tree_sum locked)
python3 -c 'import fcntl, sys, time
f = open(sys.argv[1])
fcntl.flock(f, fcntl.LOCK_EX)
open(sys.argv[2], "w").close()
time.sleep(60)' locked/index.json "$t/held" &
holder=$!
pids+=($holder)
for _ in $(seq 1 100); do [ -e "$t/held" ] && break; sleep 0.05; done
[ -e "$t/held" ] || die "the lock holder did not start"
timed lock "$copa" copy -q --timeout ${deadline}s "docker://$reg/repo:base" oci:locked:new \
    --insecure-registry "$reg"
kill "$holder" 2>/dev/null
timed_out lock
[ "$(tags locked)" = old ] || die "lock: tags '$(tags locked)'"
ok "copy into a layout locked by another writer: exit 11 after $took s, index.json untouched"
[ "$(tree_sum locked)" = "$before" ] || echo "note: blobs of the abandoned write stay (unreferenced)"

# 5. Bad durations are usage errors (2).
rc=0
"$copa" copy --timeout soon oci:src:v1 oci:x:y >/dev/null 2>"$t/bad.err" || rc=$?
[ "$rc" = 2 ] && grep -q -- "--timeout takes a duration" "$t/bad.err" || die "copy --timeout soon: exit $rc"
rc=0
"$copa" inspect --timeout -5s oci:src:v1 >/dev/null 2>"$t/bad.err" || rc=$?
[ "$rc" = 2 ] && grep -q -- "--timeout takes a duration" "$t/bad.err" || die "inspect --timeout -5s: exit $rc"
ok "malformed durations: exit 2"
echo "all $passed passed"
